import { useState } from "react";
import { api, call } from "../../api/client";
import type { FinancingRequest } from "../../api/types";
import { useAction } from "../../lib/hooks";
import { useSession } from "../../lib/session";
import { formatMoney } from "../../lib/format";
import { ActionStatus, Card, Field, fieldProps } from "../../components/ui";
import { t as translate, useTranslation } from "../../i18n";

/** The ledger's financing rejection codes; their words are in the catalogue ("financingReject.<code>"). */
const REJECT_REASONS = [1, 2, 3, 4, 5];

/** Approve, reject with a reason, or disburse one financing request. */
export function DecisionPanel({ request, onChanged }: { request: FinancingRequest; onChanged: () => void }) {
  const { t } = useTranslation();
  const { me } = useSession();
  const action = useAction();
  const [reasonCode, setReasonCode] = useState("");
  const [reason, setReason] = useState("");
  const [problem, setProblem] = useState<string | undefined>();
  const mine = request.approvals.some((a) => a.officer.toLowerCase() === me.user.address.toLowerCase());

  const approve = async () => {
    const r = await action.run(
      () => call(api.POST("/api/v1/financing-requests/{id}/approve", { params: { path: { id: request.id } } })),
      (r) => (r.status === "approved" ? translate("decision.approved", { id: r.id }) : translate("decision.approvalRecorded", { n: r.approvals.length, of: r.approvalsRequired })),
    );
    if (r) onChanged();
  };
  const reject = async () => {
    if (!reasonCode) {
      setProblem(t("validate.chooseReason"));
      return;
    }
    setProblem(undefined);
    const body = reason.trim() ? { reasonCode: Number(reasonCode), reason: reason.trim() } : { reasonCode: Number(reasonCode) };
    const r = await action.run(() => call(api.POST("/api/v1/financing-requests/{id}/reject", { params: { path: { id: request.id } }, body })), translate("decision.rejected", { id: request.id }));
    if (r) onChanged();
  };
  const disburse = async () => {
    const r = await action.run(
      () => call(api.POST("/api/v1/financing-requests/{id}/disburse", { params: { path: { id: request.id } } })),
      (r) => translate("decision.disbursed", { net: formatMoney(r.netAmount), supplier: r.supplierName, discount: formatMoney(r.discount) }),
    );
    if (r) onChanged();
  };

  return (
    <Card title={t("decision.title")} testId="decision">
      {request.status === "requested" && (
        <>
          {mine && <p className="muted" data-testid="already-approved">{t("decision.alreadyApproved")}</p>}
          <div className="form-actions">
            <button type="button" className="primary" disabled={action.pending} onClick={approve} data-testid="approve">{t("action.approve")}</button>
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
              <button type="button" className="danger" disabled={action.pending} onClick={reject} data-testid="reject">{t("action.reject")}</button>
            </div>
          </div>
        </>
      )}
      {request.status === "approved" && (
        <div className="form-actions">
          <button type="button" className="primary" disabled={action.pending} onClick={disburse} data-testid="disburse">{t("action.disburse")}</button>
        </div>
      )}
      {!["requested", "approved"].includes(request.status) && <p className="muted">{t("decision.nothing", { status: t(`status.${request.status}`) })}</p>}
      <ActionStatus state={action.state} testId="decision-status" />
    </Card>
  );
}
