// Selective disclosure (issue #12): a party discloses chosen committed fields of a record (values and salts) to an
// organisation; the receiver pastes or loads the disclosure and the gateway checks each field against the commitment
// the ledger's own event carries. Verified fields are shown as such, with the event they were checked against.
import { useState } from "react";
import type { components, paths } from "../../api/schema";
import { api, call } from "../../api/client";
import { listOrganisations } from "../../api/queries";
import { ActionStatus, Card, ShortHash } from "../../components/ui";
import { useAction, useResource } from "../../lib/hooks";
import { useSession } from "../../lib/session";
import { useTranslation } from "../../i18n";

type Disclosure = components["schemas"]["Disclosure"];
type Check = components["schemas"]["DisclosureCheck"];
type EntityType = Disclosure["entityType"];
type Body<P extends keyof paths> = paths[P] extends { post: { requestBody?: { content: { "application/json": infer B } } } } ? B : never;

const FIELDS: Record<EntityType, string[]> = {
  organization: ["name"],
  order: ["reference", "rejectReason"],
  invoice: ["invoiceNumber", "disputeReason"],
  financing: ["rejectReason"],
};

export function Disclosures() {
  const { t } = useTranslation();
  const { me } = useSession();
  const orgs = useResource(listOrganisations, []);
  const [entityType, setEntityType] = useState<EntityType>("invoice");
  const [entityId, setEntityId] = useState("");
  const [fields, setFields] = useState<string[]>(["invoiceNumber"]);
  const [audience, setAudience] = useState("");
  const [made, setMade] = useState<Disclosure | null>(null);
  const [pasted, setPasted] = useState("");
  const [check, setCheck] = useState<Check | null>(null);
  const make = useAction();
  const verify = useAction();

  const others = (orgs.data ?? []).filter((o) => o.id !== me.org?.id);
  const disclose = () =>
    make.run(
      async () => {
        const body = { entityType, entityId: entityId.trim().replace(/^#/, ""), fields, audience } as Body<"/api/v1/disclosures">;
        const d = await call(api.POST("/api/v1/disclosures", { body }));
        setMade(d);
        setPasted(JSON.stringify(d, null, 2));
        return d;
      },
      (d) => t("disclosures.made", { id: d.id, org: others.find((o) => o.id === d.audience)?.name ?? d.audience }),
    );
  const runCheck = () =>
    verify.run(
      async () => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(pasted);
        } catch {
          throw new Error(t("disclosures.notJson"));
        }
        const c = await call(api.POST("/api/v1/disclosures/verify", { body: parsed as Body<"/api/v1/disclosures/verify"> }));
        setCheck(c);
        return c;
      },
      (c) => (c.valid ? t("disclosures.valid") : t("disclosures.invalid")),
    );

  return (
    <>
      <Card title={t("disclosures.makeTitle")} testId="disclose">
        <p className="muted">{t("disclosures.makeHint")}</p>
        <div className="form-row">
          <label>
            {t("disclosures.record")}
            <select value={entityType} data-testid="disclose-type" onChange={(e) => { const v = e.target.value as EntityType; setEntityType(v); setFields([FIELDS[v][0]]); }}>
              {(Object.keys(FIELDS) as EntityType[]).map((k) => (
                <option key={k} value={k}>{t(`disclosures.type.${k}`)}</option>
              ))}
            </select>
          </label>
          <label>
            {t("disclosures.id")}
            <input value={entityId} onChange={(e) => setEntityId(e.target.value)} inputMode="numeric" data-testid="disclose-id" />
          </label>
          <label>
            {t("disclosures.audience")}
            <select value={audience} onChange={(e) => setAudience(e.target.value)} data-testid="disclose-audience">
              <option value="">{t("disclosures.chooseOrg")}</option>
              {others.map((o) => (
                <option key={o.id} value={o.id}>{o.name}</option>
              ))}
            </select>
          </label>
        </div>
        <fieldset>
          <legend>{t("disclosures.fields")}</legend>
          {FIELDS[entityType].map((f) => (
            <label key={f} className="check">
              <input type="checkbox" checked={fields.includes(f)} data-testid={`disclose-field-${f}`} onChange={(e) => setFields(e.target.checked ? [...fields, f] : fields.filter((x) => x !== f))} />
              {t(`disclosures.field.${f}`)}
            </label>
          ))}
        </fieldset>
        <button type="button" className="primary" disabled={make.pending || !entityId || !audience || fields.length === 0} onClick={() => void disclose()} data-testid="disclose-submit">
          {t("disclosures.make")}
        </button>
        <ActionStatus state={make.state} testId="disclose-status" />
        {made && <p className="muted" data-testid="disclosure-id">{t("disclosures.handOver", { id: made.id })}</p>}
      </Card>

      <Card title={t("disclosures.checkTitle")} testId="disclosure-check">
        <p className="muted">{t("disclosures.checkHint")}</p>
        <label htmlFor="disclosure-json">{t("disclosures.json")}</label>
        <textarea id="disclosure-json" rows={8} value={pasted} onChange={(e) => setPasted(e.target.value)} data-testid="disclosure-json" />
        <button type="button" className="primary" disabled={verify.pending || pasted.trim() === ""} onClick={() => void runCheck()} data-testid="disclosure-verify">
          {t("disclosures.check")}
        </button>
        <ActionStatus state={verify.state} testId="disclosure-verify-status" />
        {check && (
          <div className="table-wrap">
            <table data-testid="disclosure-result" data-valid={check.valid ? "true" : "false"}>
              <caption>{t("disclosures.resultCaption", { type: t(`disclosures.type.${check.entityType}`), id: check.entityId })}</caption>
              <thead>
                <tr><th>{t("disclosures.col.field")}</th><th>{t("disclosures.col.value")}</th><th>{t("disclosures.col.result")}</th><th>{t("disclosures.col.event")}</th></tr>
              </thead>
              <tbody>
                {check.fields.map((f, i) => {
                  const on = check.onChain.commitments[i];
                  return (
                    <tr key={f.field} data-testid={`disclosed-${f.field}`} data-verified={f.valid ? "true" : "false"}>
                      <td>{t(`disclosures.field.${f.field}`)}</td>
                      <td>{f.value}</td>
                      <td className={f.valid ? "ok" : "bad"}>{f.valid ? `✓ ${t("disclosures.reason.matches")}` : `✗ ${t(`disclosures.reason.${f.reason}`)}`}</td>
                      <td>{on?.txHash ? <>{on.event} · {t("disclosures.block", { n: on.blockNumber })} <ShortHash value={on.txHash} label={t("hash.transaction")} /></> : "—"}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            {check.imported && <p className="muted">{t("disclosures.imported")}</p>}
          </div>
        )}
      </Card>
    </>
  );
}
