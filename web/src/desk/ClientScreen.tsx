import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { useTranslation } from "../i18n";
import { useResource } from "../lib/hooks";
import { useSession } from "../lib/session";
import { navigate } from "../lib/router";
import { formatDate, formatDateTime, formatNumber, formatShare } from "../lib/format";
import { Card, KeyValues, Loadable, Money } from "../components/ui";
import { clientProfile, type ClientProfile } from "./api";
import { DateRange, useRange } from "./DateRange";

const CLIENT_KINDS = ["supplier", "core_enterprise"];

/** The gateway's timeline summaries (a fixed set of phrases) as catalogue keys, so they read in either language. */
const SUMMARIES: Record<string, string> = {
  "order placed": "orderPlaced",
  "order received": "orderReceived",
  "invoice issued": "invoiceIssued",
  "invoice received": "invoiceReceived",
  "invoice confirmed": "invoiceConfirmed",
  "invoice overdue": "invoiceOverdue",
  "financing disbursed": "financingDisbursed",
  "financing rejected": "financingRejected",
  "invoice payment": "payment",
  "repaid by the supplier": "repaidBySupplier",
  "repaid from the buyer's payment": "repaidFromBuyer",
  "complaint resolved": "complaintResolved",
};

function useTimelineWords() {
  const { t } = useTranslation();
  return (e: ClientProfile["timeline"][number]): string => {
    const known = SUMMARIES[e.summary];
    if (known) return t(`desk.timeline.${known}`, { id: e.id });
    const requested = /^financing requested \((fast-track|maker-checker)\)$/.exec(e.summary);
    if (requested) return t("desk.timeline.financingRequested", { id: e.id, path: t(`path.${requested[1]}`) });
    const complaint = /^complaint (filed|received) \((\w+)\)$/.exec(e.summary);
    if (complaint) return t(complaint[1] === "filed" ? "desk.timeline.complaintFiled" : "desk.timeline.complaintReceived", { id: e.id, category: t(`category.${complaint[2]}`) });
    return e.summary;
  };
}

/**
 * A client relationship: for a bank officer any supplier or buyer it deals with (what went through this bank), for a
 * supplier or buyer its own. Its lifecycle stage and the rule behind it, its value to each bank, its on-time rate,
 * utilisation month by month, and everything that happened on one timeline.
 */
export function ClientScreen({ orgId }: { orgId?: string }) {
  const { t } = useTranslation();
  const { me, orgs } = useSession();
  const ownClient = CLIENT_KINDS.includes(me.org.kind);
  const clients = orgs.filter((o) => CLIENT_KINDS.includes(o.kind));
  const chosen = ownClient ? me.org.id : (orgId ?? "");
  const [range, setRange] = useRange(365);
  const profile = useResource(() => (chosen ? clientProfile(chosen, range) : Promise.resolve(null)), [chosen, range.from, range.to, "desk-client"]);
  const p = profile.data;
  const words = useTimelineWords();

  return (
    <Card title={t("desk.clients.title")} testId="desk-client">
      <div className="desk-range">
        {!ownClient && (
          <div className="field">
            <label htmlFor="desk-client-org">{t("desk.clients.choose")}</label>
            <select id="desk-client-org" data-testid="client-org" value={chosen} onChange={(e) => navigate("desk", "clients", e.target.value)}>
              <option value="">{t("desk.clients.chooseOption")}</option>
              {clients.map((o) => <option key={o.id} value={o.id}>{t("desk.file.orgOption", { name: o.name, kind: t(`desk.orgKind.${o.kind}`) })}</option>)}
            </select>
          </div>
        )}
        <DateRange range={range} onChange={setRange} idPrefix="desk-client" />
      </div>
      {!chosen ? (
        <p className="muted">{t("desk.clients.none")}</p>
      ) : (
        <Loadable loading={profile.loading && !p} error={profile.error}>
          {p && (
            <>
              <h3 data-testid="client-name">{p.name}</h3>
              <KeyValues
                rows={[
                  [t("desk.clients.kind"), t(`desk.orgKind.${p.kind}`)],
                  [t("desk.clients.scope"), t(`desk.clients.scope_${p.scope}`)],
                  [t("desk.clients.stage"), <strong key="s" data-testid="client-stage" data-stage={p.lifecycle.stage}>{t(`desk.stage.${p.lifecycle.stage}`)}</strong>],
                  [t("desk.clients.lastActivity"), formatDateTime(p.lifecycle.lastActivityAt)],
                  [t("desk.clients.onTime"), <span key="o" data-testid="client-on-time">{t("desk.clients.onTimeValue", { share: formatShare(p.onTime.rate), onTime: p.onTime.onTime, settled: p.onTime.settled })}</span>],
                ]}
              />
              <p className="muted">{t("desk.stage.rule")}</p>
              <h3>{t("desk.clients.value")}</h3>
              {p.valueByBank.length === 0 ? (
                <p className="muted">{t("desk.clients.noBank")}</p>
              ) : (
                <div className="table-wrap">
                  <table data-testid="client-value">
                    <thead>
                      <tr><th>{t("desk.clients.bank")}</th><th className="num">{t("desk.clients.requests")}</th><th className="num">{t("desk.clients.financed")}</th><th className="num">{t("desk.clients.volume")}</th><th className="num">{t("desk.clients.income")}</th><th>{t("desk.clients.tenure")}</th></tr>
                    </thead>
                    <tbody>
                      {p.valueByBank.map((b) => (
                        <tr key={b.bankOrgId}>
                          <td>{b.bankName}</td>
                          <td className="num">{formatNumber(b.requests)}</td>
                          <td className="num">{formatNumber(b.financed)}</td>
                          <td className="num"><Money amount={b.volumeFinanced} /></td>
                          <td className="num"><Money amount={b.discountIncome} /></td>
                          <td>{t("desk.clients.tenureValue", { days: b.tenureDays, since: formatDate(b.firstDealtAt) })}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
              <Utilisation p={p} />
              <h3>{t("desk.clients.timeline")}</h3>
              {p.timeline.length === 0 ? (
                <p className="muted">{t("common.empty")}</p>
              ) : (
                <ol className="desk-history" data-testid="client-timeline">
                  {[...p.timeline].reverse().map((e, i) => (
                    <li key={i} data-type={e.type}>
                      <time dateTime={e.at}>{formatDateTime(e.at)}</time>
                      {words(e)}
                      {e.amount && <> · <Money amount={e.amount} /></>}
                    </li>
                  ))}
                </ol>
              )}
            </>
          )}
        </Loadable>
      )}
    </Card>
  );
}

/** Utilisation at each month's end: a line of the share of the credit limits in use, and the figures as a table. */
function Utilisation({ p }: { p: ClientProfile }) {
  const { t } = useTranslation();
  const key = t("desk.clients.utilisationPct");
  const data = p.utilisation.map((u) => ({ month: u.month, [key]: u.share === null ? 0 : Math.round(u.share * 1000) / 10 }));
  return (
    <>
      <h3>{t("desk.clients.utilisation")}</h3>
      {data.length === 0 ? (
        <p className="muted">{t("common.empty")}</p>
      ) : (
        <>
          <figure className="chart" aria-label={t("desk.clients.utilisationAria", { name: p.name })}>
            <figcaption>{t("desk.clients.utilisationCaption")}</figcaption>
            <ResponsiveContainer width="100%" height={220}>
              <LineChart data={data}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="month" />
                <YAxis domain={[0, 100]} />
                <Tooltip />
                <Line type="monotone" dataKey={key} stroke="#24528f" isAnimationActive={false} />
              </LineChart>
            </ResponsiveContainer>
          </figure>
          <div className="table-wrap">
            <table data-testid="client-utilisation">
              <thead><tr><th>{t("desk.clients.month")}</th><th className="num">{t("desk.clients.outstanding")}</th><th className="num">{t("desk.clients.limit")}</th><th className="num">{t("desk.clients.share")}</th></tr></thead>
              <tbody>
                {p.utilisation.map((u) => (
                  <tr key={u.month}><td>{u.month}</td><td className="num"><Money amount={u.outstanding} /></td><td className="num"><Money amount={u.limit} /></td><td className="num">{formatShare(u.share)}</td></tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </>
  );
}
