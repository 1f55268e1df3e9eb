import { useState } from "react";
import { api, call } from "../../api/client";
import { useSigning } from "../../components/SigningDialog";
import type { FinancingRequest } from "../../api/types";
import { useAction } from "../../lib/hooks";
import { useSession } from "../../lib/session";
import { formatMoney } from "../../lib/format";
import { ActionStatus, Card, Field, fieldProps, Money } from "../../components/ui";
import { Review } from "../../components/Review";
import { discountOf } from "../../lib/discount";
import { t as translate, useTranslation } from "../../i18n";

/** The ledger's financing rejection codes; their words are in the catalogue ("financingReject.<code>"). */
const REJECT_REASONS = [1, 2, 3, 4, 5];

/** Approve, reject with a reason, or disburse one financing request. */
export function DecisionPanel({ request, dueDate, onChanged }: { request: FinancingRequest; dueDate: string; onChanged: () => void }) {
  const { t } = useTranslation();
  const { me } = useSession();
  const action = useAction();
  const [reasonCode, setReasonCode] = useState("");
  const [reason, setReason] = useState("");
  const [problem, setProblem] = useState<string | undefined>();
  // A self-custodied officer's write waits in the signing dialog for their signature, then answers as usual.
  const { signed, dialog } = useSigning();
  const mine = request.approvals.some((a) => a.officer.toLowerCase() === me.user.address.toLowerCase());
  const [review, setReview] = useState<"approve" | "reject" | "disburse" | null>(null);
  const cost = discountOf(request.amount, request.discountRateBps, dueDate);
  /** The write as the signing dialog states it, in the console's language (the gateway's English summary says the same). */
  const what = (verb: "approveFinancing" | "rejectFinancing" | "disburseFinancing") =>
    translate(`signing.what.${verb}`, { id: request.id, amount: formatMoney(request.amount), supplier: request.supplierName, bank: request.bankName });
  const ask = (what: "approve" | "reject" | "disburse") => {
    if (what === "reject" && !reasonCode) {
      setProblem(t("validate.chooseReason"));
      return;
    }
    setProblem(undefined);
    setReview(what);
  };

  const approve = async () => {
    setReview(null);
    const r = await action.run(
      () => signed(call(api.POST("/api/v1/financing-requests/{id}/approve", { params: { path: { id: request.id } } })), what("approveFinancing")),
      (r) => (r.status === "approved" ? translate("decision.approved", { id: r.id }) : translate("decision.approvalRecorded", { n: r.approvals.length, of: r.approvalsRequired })),
    );
    if (r) onChanged();
  };
  const reject = async () => {
    setReview(null);
    if (!reasonCode) {
      setProblem(t("validate.chooseReason"));
      return;
    }
    setProblem(undefined);
    const body = reason.trim() ? { reasonCode: Number(reasonCode), reason: reason.trim() } : { reasonCode: Number(reasonCode) };
    const r = await action.run(() => signed(call(api.POST("/api/v1/financing-requests/{id}/reject", { params: { path: { id: request.id } }, body })), what("rejectFinancing")), translate("decision.rejected", { id: request.id }));
    if (r) onChanged();
  };
  const disburse = async () => {
    setReview(null);
    const r = await action.run(
      () => signed(call(api.POST("/api/v1/financing-requests/{id}/disburse", { params: { path: { id: request.id } } })), what("disburseFinancing")),
      (r) => translate("decision.disbursed", { net: formatMoney(r.netAmount), supplier: r.supplierName, discount: formatMoney(r.discount) }),
    );
    if (r) onChanged();
  };

  return (
    <Card title={t("decision.title")} testId="decision">
      {dialog}
      {request.status === "requested" && (
        <>
          {mine && <p className="muted" data-testid="already-approved">{t("decision.alreadyApproved")}</p>}
          <div className="form-actions">
            <button type="button" className="primary" disabled={action.pending || mine} onClick={() => ask("approve")} data-testid="approve">{t("action.approve")}</button>
          </div>
          <div className="form-grid">
            <Field id="rej-code" label={t("field.rejectionReason")} error={problem}>
              <select {...fieldProps("rej-code", problem)} value={reasonCode} onChange={(e) => setReasonCode(e.target.value)}>
                <option value="">{t("field.chooseReason")}</option>
                {REJECT_REASONS.map((code) => <option key={code} value={code}>{t(`financingReject.${code}`)}</option>)}
              </select>
            </Field>
            <Field id="rej-reason" label={t("field.noteOptional")}>
              <input id="rej-reason" value={reason} onChange={(e) => setReason(e.target.value)} />
            </Field>
            <div className="form-actions">
              <button type="button" className="danger" disabled={action.pending} onClick={() => ask("reject")} data-testid="reject">{t("action.reject")}</button>
            </div>
          </div>
        </>
      )}
      {request.status === "approved" && (
        <div className="form-actions">
          <button type="button" className="primary" disabled={action.pending} onClick={() => ask("disburse")} data-testid="disburse">{t("action.disburse")}</button>
        </div>
      )}
      {!["requested", "approved"].includes(request.status) && <p className="muted">{t("decision.nothing", { status: t(`status.${request.status}`) })}</p>}
      {review === "approve" && (
        <Review
          title={t("review.approveTitle", { id: request.id })}
          lines={[
            [t("col.supplierBuyer"), `${request.supplierName} → ${request.buyerName}`],
            [t("col.amount"), <Money amount={request.amount} />],
            [t("review.approveEffect"), request.approvals.length + 1 >= request.approvalsRequired ? t("review.approveFinal") : t("review.approveMore", { n: request.approvals.length + 1, of: request.approvalsRequired })],
          ]}
          confirmLabel={t("review.approveButton")}
          busy={action.pending}
          onConfirm={approve}
          onCancel={() => setReview(null)}
        />
      )}
      {review === "reject" && (
        <Review
          title={t("review.rejectTitle", { id: request.id })}
          lines={[
            [t("review.rejectReason"), `${t(`financingReject.${reasonCode}`)}${reason.trim() ? ` · ${reason.trim()}` : ""}`],
            [t("review.effect"), t("review.rejectEffect")],
          ]}
          confirmLabel={t("review.rejectButton")}
          danger
          busy={action.pending}
          onConfirm={reject}
          onCancel={() => setReview(null)}
        />
      )}
      {review === "disburse" && (
        <Review
          title={t("review.disburseTitle", { id: request.id })}
          lines={[
            [t("review.disburseAmount"), <Money amount={request.amount} />],
            [t("review.disburseDiscount", { days: cost.days }), <Money amount={cost.discount} />],
            [t("review.disburseNet", { supplier: request.supplierName }), <strong><Money amount={cost.net} testId="review-net" /></strong>],
          ]}
          confirmLabel={t("review.disburseButton")}
          busy={action.pending}
          onConfirm={disburse}
          onCancel={() => setReview(null)}
        />
      )}
      <ActionStatus state={action.state} testId="decision-status" />
    </Card>
  );
}
