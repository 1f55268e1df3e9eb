import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { useTranslation } from "../i18n";
import { useResource } from "../lib/hooks";
import { formatNumber, formatShare } from "../lib/format";
import { Card, Loadable } from "../components/ui";
import { caseAnalytics, serviceLevels, type CaseAnalytics, type ServiceLevels } from "./api";
import { DateRange, useRange } from "./DateRange";
import { formatSeconds } from "./time";

type Figures = CaseAnalytics["overall"];

/** "median 12 min · 95% within 3 h", or a dash when nothing was measured. */
function useP50P95() {
  const { t } = useTranslation();
  return (d: { p50: number | null; p95: number | null }) => (d.p50 === null ? "—" : t("desk.levels.p50p95", { p50: formatSeconds(d.p50), p95: formatSeconds(d.p95) }));
}

/**
 * How complaints are handled and how fast money moves, in a date range: time to first response and to resolution
 * (p50/p95), the share answered within 48 hours, breaches and escalations, satisfaction, per category and per
 * organisation, each bank's recurring weak spots; then time from invoice to funds on each decision path.
 */
export function ServiceLevelsScreen() {
  const { t } = useTranslation();
  const [range, setRange] = useRange(90);
  const cases = useResource(() => caseAnalytics(range), [range.from, range.to, "desk-case-analytics"]);
  const levels = useResource(() => serviceLevels(range), [range.from, range.to, "desk-service-levels"]);
  const a = cases.data;
  return (
    <>
      <Card title={t("desk.levels.title")} testId="desk-levels">
        <div className="desk-range"><DateRange range={range} onChange={setRange} idPrefix="desk-levels" /></div>
        <Loadable loading={cases.loading && !a} error={cases.error}>
          {a && (
            <>
              <Overall f={a.overall} />
              <ByCategory a={a} />
              <FiguresTable caption={t("desk.levels.byCategory")} rows={a.byCategory.map((r) => ({ ...r, label: t(`category.${r.key}`) }))} testId="levels-by-category" />
              <FiguresTable caption={t("desk.levels.byOrganisation")} rows={a.byOrganisation.map((r) => ({ ...r, label: r.name }))} testId="levels-by-org" />
              <WeakSpots a={a} />
            </>
          )}
        </Loadable>
      </Card>
      <Card title={t("desk.levels.fundsTitle")} testId="desk-funds">
        <Loadable loading={levels.loading && !levels.data} error={levels.error}>{levels.data && <Funds l={levels.data} />}</Loadable>
      </Card>
    </>
  );
}

function Overall({ f }: { f: Figures }) {
  const { t } = useTranslation();
  const p50p95 = useP50P95();
  const boxes: [string, string, string][] = [
    ["cases", t("desk.levels.cases"), formatNumber(f.cases)],
    ["first-response", t("desk.levels.firstResponse"), p50p95(f.firstResponseSeconds)],
    ["resolution", t("desk.levels.resolution"), p50p95(f.resolutionSeconds)],
    ["within-48h", t("desk.levels.within48h"), formatShare(f.shareAnsweredWithin48h)],
    ["breaches", t("desk.levels.breaches"), t("desk.levels.breachesValue", { response: f.responseBreaches, resolution: f.resolutionBreaches, escalated: f.escalated })],
    ["satisfaction", t("desk.levels.satisfaction"), f.satisfaction.average === null ? t("desk.levels.noRatings") : t("desk.levels.satisfactionValue", { average: formatNumber(f.satisfaction.average, 1), count: f.satisfaction.ratings })],
  ];
  return (
    <div className="stats">
      {boxes.map(([id, label, value]) => (
        <div className="stat-box" key={id}><span>{label}</span><strong data-testid={`levels-${id}`}>{value}</strong></div>
      ))}
    </div>
  );
}

/** Per category: median time to first response and to resolution, as bars, in hours (minutes when all are short). */
function ByCategory({ a }: { a: CaseAnalytics }) {
  const { t } = useTranslation();
  const longest = Math.max(0, ...a.byCategory.flatMap((r) => [r.firstResponseSeconds.p50 ?? 0, r.resolutionSeconds.p50 ?? 0]));
  const unit = longest < 2 * 3_600 ? "Minutes" : "Hours";
  const per = unit === "Minutes" ? 60 : 3_600;
  const scaled = (s: number | null) => (s === null ? 0 : Math.round((s / per) * 100) / 100);
  const response = t(`desk.levels.response${unit}`);
  const resolution = t(`desk.levels.resolution${unit}`);
  const data = a.byCategory.map((r) => ({ name: t(`category.${r.key}`), [response]: scaled(r.firstResponseSeconds.p50), [resolution]: scaled(r.resolutionSeconds.p50) }));
  if (data.length === 0) return <p className="muted">{t("desk.levels.noCases")}</p>;
  return (
    <figure className="chart" aria-label={t("desk.levels.chartAria")}>
      <figcaption>{t(`desk.levels.chartCaption${unit}`)}</figcaption>
      <ResponsiveContainer width="100%" height={260}>
        <BarChart data={data}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="name" />
          <YAxis />
          <Tooltip />
          <Legend />
          <Bar dataKey={response} fill="#24528f" isAnimationActive={false} />
          <Bar dataKey={resolution} fill="#1d6b44" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}

function FiguresTable({ caption, rows, testId }: { caption: string; rows: (Figures & { label: string; key: string })[]; testId: string }) {
  const { t } = useTranslation();
  const p50p95 = useP50P95();
  if (rows.length === 0) return null;
  return (
    <div className="table-wrap">
      <table data-testid={testId}>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t("desk.levels.group")}</th>
            <th scope="col" className="num">{t("desk.levels.cases")}</th>
            <th scope="col">{t("desk.levels.firstResponse")}</th>
            <th scope="col">{t("desk.levels.resolution")}</th>
            <th scope="col" className="num">{t("desk.levels.within48h")}</th>
            <th scope="col" className="num">{t("desk.levels.responseBreaches")}</th>
            <th scope="col" className="num">{t("desk.levels.resolutionBreaches")}</th>
            <th scope="col" className="num">{t("desk.levels.satisfaction")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key} data-key={r.key}>
              <th scope="row">{r.label}</th>
              <td className="num">{formatNumber(r.cases)}</td>
              <td>{p50p95(r.firstResponseSeconds)}</td>
              <td>{p50p95(r.resolutionSeconds)}</td>
              <td className="num">{formatShare(r.shareAnsweredWithin48h)}</td>
              <td className="num">{formatNumber(r.responseBreaches)}</td>
              <td className="num">{formatNumber(r.resolutionBreaches)}</td>
              <td className="num">{r.satisfaction.average === null ? "—" : t("desk.levels.satisfactionValue", { average: formatNumber(r.satisfaction.average, 1), count: r.satisfaction.ratings })}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The categories that recur most for each bank: where its service is weakest. */
function WeakSpots({ a }: { a: CaseAnalytics }) {
  const { t } = useTranslation();
  if (a.weakSpots.length === 0) return null;
  return (
    <section aria-labelledby="desk-weak-title">
      <h3 id="desk-weak-title">{t("desk.levels.weakSpots")}</h3>
      <ul data-testid="levels-weak-spots">
        {a.weakSpots.map((w) => (
          <li key={w.orgId}>
            {t("desk.levels.weakSpot", { name: w.name, count: w.cases })}{" "}
            {w.categories.map((c) => t("desk.levels.weakCategory", { category: t(`category.${c.category}`), count: c.count, share: formatShare(c.share) })).join(t("desk.levels.separator"))}
          </li>
        ))}
      </ul>
    </section>
  );
}

function Funds({ l }: { l: ServiceLevels }) {
  const { t } = useTranslation();
  const p50p95 = useP50P95();
  const paths = [
    ["fast-track", l.fastTrack],
    ["maker-checker", l.makerChecker],
  ] as const;
  return (
    <>
      <p data-testid="funds-share">{t("desk.levels.fastShare", { share: formatShare(l.fastTrackShare), count: l.requests })}</p>
      <div className="table-wrap">
        <table data-testid="funds-table">
          <thead>
            <tr>
              <th scope="col">{t("col.path")}</th>
              <th scope="col" className="num">{t("desk.levels.requests")}</th>
              <th scope="col" className="num">{t("desk.levels.funded")}</th>
              <th scope="col">{t("desk.levels.invoiceToFunds")}</th>
              <th scope="col">{t("desk.levels.requestToFunds")}</th>
            </tr>
          </thead>
          <tbody>
            {paths.map(([name, f]) => (
              <tr key={name}>
                <th scope="row">{t(`path.${name}`)}</th>
                <td className="num">{formatNumber(f.requests)}</td>
                <td className="num">{formatNumber(f.funded)}</td>
                <td>{p50p95(f.invoiceToFundsSeconds)}</td>
                <td>{p50p95(f.requestToFundsSeconds)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
