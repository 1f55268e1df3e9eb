import { Bar, BarChart, CartesianGrid, Cell, Legend, Pie, PieChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { api, call } from "../api/client";
import { useResource } from "../lib/hooks";
import { Card, Loadable } from "../components/ui";
import { readStats } from "./analyticsData";
import { formatHours, formatMinutesTick, formatNumber, formatShare } from "../lib/format";
import { useTranslation } from "../i18n";

const COLORS = ["#1d6b44", "#8a4b08"];

/** How well the financing service works: time to decision, fast-track share, approval rate, per bank. */
export function Analytics() {
  const { t } = useTranslation();
  const stats = useResource(() => call(api.GET("/api/v1/analytics/service")).then(readStats), []);
  const s = stats.data;
  const split = s && s.requests > 0 ? [{ name: t("path.fast-track"), value: s.fastTrack }, { name: t("path.maker-checker"), value: s.makerChecker }] : [];
  // Series are keyed by their localised label, which is what the legend and tooltip show.
  const approvalKey = t("analytics.approvalPct");
  const fastKey = t("analytics.fastPct");
  const decisionKey = t("analytics.decisionMin");
  const perBank = (s?.perBank ?? []).map((b) => ({
    name: b.name,
    [approvalKey]: b.approvalRate === null ? 0 : Math.round(b.approvalRate * 1000) / 10,
    [fastKey]: b.fastTrackShare === null ? 0 : Math.round(b.fastTrackShare * 1000) / 10,
    // Minutes, not fractions of an hour: decisions take minutes in practice.
    [decisionKey]: b.decisionHours === null ? 0 : b.decisionHours * 60,
  }));

  return (
    <Card title={t("analytics.title")} testId="analytics" actions={<button type="button" className="secondary" onClick={stats.reload}>{t("action.refresh")}</button>}>
      <Loadable loading={stats.loading && !s} error={stats.error}>
        {s && (
          <>
            <div className="stats">
              <div className="stat-box"><span>{t("analytics.requests")}</span><strong data-testid="stat-requests">{formatNumber(s.requests)}</strong></div>
              <div className="stat-box"><span>{t("analytics.decision")}</span><strong data-testid="stat-decision">{formatHours(s.decisionHours)}</strong></div>
              <div className="stat-box"><span>{t("analytics.fastShare")}</span><strong data-testid="stat-fast-track">{formatShare(s.fastTrackShare)}</strong></div>
              <div className="stat-box"><span>{t("analytics.approvalRate")}</span><strong data-testid="stat-approval">{formatShare(s.approvalRate)}</strong></div>
            </div>
            <div className="grid-2">
              <figure className="chart" aria-label={t("analytics.pathAria")}>
                <figcaption>{t("analytics.path")}</figcaption>
                {split.length ? (
                  <ResponsiveContainer width="100%" height={240}>
                    <PieChart>
                      <Pie data={split} dataKey="value" nameKey="name" outerRadius={80} label isAnimationActive={false}>
                        {split.map((_, i) => <Cell key={i} fill={COLORS[i]} />)}
                      </Pie>
                      <Tooltip />
                      <Legend />
                    </PieChart>
                  </ResponsiveContainer>
                ) : <p className="muted">{t("analytics.noDecisions")}</p>}
              </figure>
              <figure className="chart" aria-label={t("analytics.perBankDecision")}>
                <figcaption>{t("analytics.perBankDecisionCaption")}</figcaption>
                {perBank.length ? (
                  <ResponsiveContainer width="100%" height={240}>
                    <BarChart data={perBank}>
                      <CartesianGrid strokeDasharray="3 3" />
                      <XAxis dataKey="name" />
                      <YAxis tickFormatter={formatMinutesTick} width={72} />
                      <Tooltip formatter={(v) => formatMinutesTick(Number(v))} />
                      <Bar dataKey={decisionKey} fill="#24528f" isAnimationActive={false} />
                    </BarChart>
                  </ResponsiveContainer>
                ) : <p className="muted">{t("analytics.noBank")}</p>}
              </figure>
            </div>
            {perBank.length > 0 && (
              <figure className="chart" aria-label={t("analytics.perBankRates")}>
                <figcaption>{t("analytics.perBankRatesCaption")}</figcaption>
                <ResponsiveContainer width="100%" height={260}>
                  <BarChart data={perBank}>
                    <CartesianGrid strokeDasharray="3 3" />
                    <XAxis dataKey="name" />
                    <YAxis domain={[0, 100]} tickFormatter={(v: number) => formatShare(v / 100)} width={56} />
                    <Tooltip />
                    <Legend />
                    <Bar dataKey={approvalKey} fill="#1d6b44" isAnimationActive={false} />
                    <Bar dataKey={fastKey} fill="#8a4b08" isAnimationActive={false} />
                  </BarChart>
                </ResponsiveContainer>
              </figure>
            )}
          </>
        )}
      </Loadable>
    </Card>
  );
}
