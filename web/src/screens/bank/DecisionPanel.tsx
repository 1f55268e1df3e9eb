import { useState } from "react";
import { api, call } from "../../api/client";
import { useSigning } from "../../components/SigningDialog";
import type { FinancingRequest } from "../../api/types";
import { useAction } from "../../lib/hooks";
import { useSession } from "../../lib/session";
import { formatMoney } from "../../lib/format";
import { ActionStatus, Card, Field, fieldProps } from "../../components/ui";

const REJECT_REASONS: [number, string][] = [
  [1, "Insufficient credit"],
  [2, "Buyer risk"],
  [3, "Documentation incomplete"],
  [4, "Policy not met"],
  [5, "Other"],
];

/** Approve, reject with a reason, or disburse one financing request. */
export function DecisionPanel({ request, onChanged }: { request: FinancingRequest; onChanged: () => void }) {
  const { me } = useSession();
  const action = useAction();
  const [reasonCode, setReasonCode] = useState("");
  const [reason, setReason] = useState("");
  const [problem, setProblem] = useState<string | undefined>();
  // A self-custodied officer's write waits in the signing dialog for their signature, then answers as usual.
  const { signed, dialog } = useSigning();
  const mine = request.approvals.some((a) => a.officer.toLowerCase() === me.user.address.toLowerCase());

  const approve = async () => {
    const r = await action.run(
      () => signed(call(api.POST("/api/v1/financing-requests/{id}/approve", { params: { path: { id: request.id } } }))),
      (r) => (r.status === "approved" ? `Request #${r.id} approved: it can now be disbursed.` : `Your approval is recorded (${r.approvals.length} of ${r.approvalsRequired}); a second officer must approve.`),
    );
    if (r) onChanged();
  };
  const reject = async () => {
    if (!reasonCode) {
      setProblem("Choose a reason before rejecting.");
      return;
    }
    setProblem(undefined);
    const body = reason.trim() ? { reasonCode: Number(reasonCode), reason: reason.trim() } : { reasonCode: Number(reasonCode) };
    const r = await action.run(() => signed(call(api.POST("/api/v1/financing-requests/{id}/reject", { params: { path: { id: request.id } }, body }))), `Request #${request.id} rejected.`);
    if (r) onChanged();
  };
  const disburse = async () => {
    const r = await action.run(
      () => signed(call(api.POST("/api/v1/financing-requests/{id}/disburse", { params: { path: { id: request.id } } }))),
      (r) => `Disbursed ${formatMoney(r.netAmount)} to ${r.supplierName} (discount ${formatMoney(r.discount)}).`,
    );
    if (r) onChanged();
  };

  return (
    <Card title="Decision" testId="decision">
      {dialog}
      {request.status === "requested" && (
        <>
          {mine && <p className="muted" data-testid="already-approved">You have approved this request; it needs another officer.</p>}
          <div className="form-actions">
            <button type="button" className="primary" disabled={action.pending} onClick={approve} data-testid="approve">Approve</button>
          </div>
          <div className="form-grid">
            <Field id="rej-code" label="Rejection reason" error={problem}>
              <select {...fieldProps("rej-code", problem)} value={reasonCode} onChange={(e) => setReasonCode(e.target.value)}>
                <option value="">Choose a reason…</option>
                {REJECT_REASONS.map(([code, label]) => <option key={code} value={code}>{label}</option>)}
              </select>
            </Field>
            <Field id="rej-reason" label="Note (optional)">
              <input id="rej-reason" value={reason} onChange={(e) => setReason(e.target.value)} />
            </Field>
            <div className="form-actions">
              <button type="button" className="danger" disabled={action.pending} onClick={reject} data-testid="reject">Reject</button>
            </div>
          </div>
        </>
      )}
      {request.status === "approved" && (
        <div className="form-actions">
          <button type="button" className="primary" disabled={action.pending} onClick={disburse} data-testid="disburse">Disburse</button>
        </div>
      )}
      {!["requested", "approved"].includes(request.status) && <p className="muted">This request is {request.status}; there is nothing to decide.</p>}
      <ActionStatus state={action.state} testId="decision-status" />
    </Card>
  );
}
