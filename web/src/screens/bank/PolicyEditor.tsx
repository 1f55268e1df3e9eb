import { useEffect, useState, type FormEvent } from "react";
import { api, call } from "../../api/client";
import { getPolicy } from "../../api/queries";
import type { Body } from "../../api/types";
import { useAction, useResource } from "../../lib/hooks";
import { useSession } from "../../lib/session";
import { formatMoney, normaliseAmount, toMinor } from "../../lib/format";
import { PolicyProposals } from "./PolicyProposals";
import { ActionStatus, Card, Field, fieldProps, Loadable } from "../../components/ui";
import { t as translate, useTranslation } from "../../i18n";

const pct = (bps: number) => String(bps / 100);
function bpsOf(text: string): number | null {
  if (!/^\d{1,3}(\.\d{1,2})?$/.test(text.trim())) return null;
  const bps = Math.round(Number(text) * 100);
  return bps <= 10_000 ? bps : null;
}

/** The bank's lending policy: rates, fast-track limit, trusted buyers and each supplier's credit limit. */
export function PolicyEditor() {
  const { t } = useTranslation();
  const { me, orgs } = useSession();
  const policy = useResource(() => getPolicy(me.org.id), [me.org.id]);
  const buyers = orgs.filter((o) => o.kind === "core_enterprise");
  const suppliers = orgs.filter((o) => o.kind === "supplier");
  const [advance, setAdvance] = useState("");
  const [discount, setDiscount] = useState("");
  const [fastTrack, setFastTrack] = useState("");
  const [trusted, setTrusted] = useState<string[]>([]);
  const [limits, setLimits] = useState<Record<string, string>>({});
  const [problems, setProblems] = useState<Record<string, string | undefined>>({});
  const action = useAction();

  useEffect(() => {
    const p = policy.data;
    if (!p) return;
    setAdvance(pct(p.advanceRateBps));
    setDiscount(pct(p.discountRateBps));
    setFastTrack(p.fastTrackLimit);
    setTrusted(p.trustedBuyers ?? []);
    setLimits(Object.fromEntries((p.creditLimits ?? []).map((l) => [l.supplierOrgId, l.limit])));
  }, [policy.data]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found: Record<string, string | undefined> = {
      advance: bpsOf(advance) === null ? t("validate.percent") : undefined,
      discount: bpsOf(discount) === null ? t("validate.yearlyPercent") : undefined,
      fastTrack: normaliseAmount(fastTrack) === null ? t("validate.amountExample") : undefined,
    };
    for (const s of suppliers) {
      if (limits[s.id]?.trim()) found[`limit-${s.id}`] = normaliseAmount(limits[s.id]) === null ? t("validate.amountExample") : undefined;
    }
    setProblems(found);
    if (Object.values(found).some(Boolean)) return;
    const body: Body<"/api/v1/banks/{orgId}/policy", "put"> = {
      advanceRateBps: bpsOf(advance)!,
      discountRateBps: bpsOf(discount)!,
      fastTrackLimit: normaliseAmount(fastTrack)!,
      trustedBuyers: trusted,
      creditLimits: suppliers.filter((s) => limits[s.id]?.trim()).map((s) => ({ supplierOrgId: s.id, limit: normaliseAmount(limits[s.id])! })),
    };
    // The change is a proposal: a second officer approves it below before the ledger applies it.
    const saved = await action.run(() => call(api.PUT("/api/v1/banks/{orgId}/policy", { params: { path: { orgId: me.org.id } }, body })), (r) => translate("policy.proposed", { id: r.proposal.id }));
    if (saved) policy.reload();
  };

  /** A limit below what the supplier already uses blocks its next financing until repayments bring it under. */
  const belowUse = (supplierOrgId: string): string | undefined => {
    const entered = normaliseAmount(limits[supplierOrgId] ?? "");
    const current = policy.data?.creditLimits?.find((l) => l.supplierOrgId === supplierOrgId);
    if (entered === null || !current || toMinor(entered) >= toMinor(current.utilised)) return undefined;
    return t("policy.belowUse", { used: formatMoney(current.utilised) });
  };

  return (
    <>
    <Card title={t("policy.title", { bank: me.org.name })} testId="policy-editor">
      <Loadable loading={policy.loading && !policy.data} error={policy.error}>
        <form onSubmit={submit} noValidate>
          <div className="form-grid">
            <Field id="pol-advance" label={t("field.advanceRate")} error={problems.advance} hint={t("hint.advanceRate")}>
              <input {...fieldProps("pol-advance", problems.advance)} data-testid="policy-advance" inputMode="decimal" value={advance} onChange={(e) => setAdvance(e.target.value)} />
            </Field>
            <Field id="pol-discount" label={t("field.discountRate")} error={problems.discount}>
              <input {...fieldProps("pol-discount", problems.discount)} data-testid="policy-discount" inputMode="decimal" value={discount} onChange={(e) => setDiscount(e.target.value)} />
            </Field>
            <Field id="pol-fast" label={t("field.fastTrackLimit")} error={problems.fastTrack} hint={t("hint.fastTrack")}>
              <input {...fieldProps("pol-fast", problems.fastTrack)} data-testid="policy-fast-track" inputMode="decimal" value={fastTrack} onChange={(e) => setFastTrack(e.target.value)} />
            </Field>
          </div>
          <fieldset>
            <legend>{t("policy.trusted")}</legend>
            {buyers.map((b) => (
              <label key={b.id} className="check">
                <input
                  type="checkbox"
                  data-testid={`trusted-${b.id}`}
                  checked={trusted.includes(b.id)}
                  onChange={(e) => setTrusted(e.target.checked ? [...trusted, b.id] : trusted.filter((id) => id !== b.id))}
                />{" "}
                {b.name}
              </label>
            ))}
          </fieldset>
          <fieldset>
            <legend>{t("policy.limits")}</legend>
            <div className="form-grid">
              {suppliers.map((s) => (
                <Field key={s.id} id={`pol-limit-${s.id}`} label={s.name} error={problems[`limit-${s.id}`]} hint={belowUse(s.id)}>
                  <input {...fieldProps(`pol-limit-${s.id}`, problems[`limit-${s.id}`])} data-testid={`credit-limit-${s.id}`} inputMode="decimal" placeholder={t("policy.noLimit")} value={limits[s.id] ?? ""} onChange={(e) => setLimits({ ...limits, [s.id]: e.target.value })} />
                </Field>
              ))}
            </div>
          </fieldset>
          <div className="form-actions">
            <button type="submit" className="primary" disabled={action.pending} data-testid="policy-save">{t("policy.save")}</button>
          </div>
        </form>
        <ActionStatus state={action.state} testId="policy-status" />
      </Loadable>
    </Card>
    <PolicyProposals onApplied={policy.reload} />
    </>
  );
}
