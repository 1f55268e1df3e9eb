import { Bar, BarChart, CartesianGrid, Cell, Legend, Pie, PieChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { api, call } from "../api/client";
import { useResource } from "../lib/hooks";
import { Card, Loadable } from "../components/ui";
import { readStats } from "./analyticsData";

const pct = (v: number | null) => (v === null ? "—" : `${(v * 100).toLocaleString("en-GB", { maximumFractionDigits: 1 })} %`);
const hrs = (v: number | null) =>
  v === null ? "—" : v < 1 ? `${Math.round(v * 60)} min` : `${v.toLocaleString("en-GB", { maximumFractionDigits: 1 })} h`;
const COLORS = ["#1d6b44", "#8a4b08"];

/** How well the financing service works: time to decision, fast-track share, approval rate, per bank. */
export function Analytics() {
  const stats = useResource(() => call(api.GET("/api/v1/analytics/service")).then(readStats), []);
  const s = stats.data;
  const split = s && s.requests > 0 ? [{ name: "Fast-track", value: s.fastTrack }, { name: "Maker-checker", value: s.makerChecker }] : [];
  const perBank = (s?.perBank ?? []).map((b) => ({
    name: b.name,
    "Approval rate (%)": b.approvalRate === null ? 0 : Math.round(b.approvalRate * 1000) / 10,
    "Fast-track share (%)": b.fastTrackShare === null ? 0 : Math.round(b.fastTrackShare * 1000) / 10,
    "Time to decision (h)": b.decisionHours === null ? 0 : Math.round(b.decisionHours * 100) / 100,
  }));

  return (
    <Card title="Financing service" testId="analytics" actions={<button type="button" className="secondary" onClick={stats.reload}>Refresh</button>}>
      <Loadable loading={stats.loading && !s} error={stats.error}>
        {s && (
          <>
            <div className="stats">
              <div className="stat-box"><span>Requests</span><strong data-testid="stat-requests">{s.requests}</strong></div>
              <div className="stat-box"><span>Time to decision</span><strong data-testid="stat-decision">{hrs(s.decisionHours)}</strong></div>
              <div className="stat-box"><span>Fast-track share</span><strong data-testid="stat-fast-track">{pct(s.fastTrackShare)}</strong></div>
              <div className="stat-box"><span>Approval rate</span><strong data-testid="stat-approval">{pct(s.approvalRate)}</strong></div>
            </div>
            <div className="grid-2">
              <figure className="chart" aria-label="Fast-track and maker-checker requests">
                <figcaption>Decision path</figcaption>
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
                ) : <p className="muted">No decisions yet.</p>}
              </figure>
              <figure className="chart" aria-label="Time to decision per bank">
                <figcaption>Time to decision per bank (hours)</figcaption>
                {perBank.length ? (
                  <ResponsiveContainer width="100%" height={240}>
                    <BarChart data={perBank}>
                      <CartesianGrid strokeDasharray="3 3" />
                      <XAxis dataKey="name" />
                      <YAxis />
                      <Tooltip />
                      <Bar dataKey="Time to decision (h)" fill="#24528f" isAnimationActive={false} />
                    </BarChart>
                  </ResponsiveContainer>
                ) : <p className="muted">No bank has decided a request yet.</p>}
              </figure>
            </div>
            {perBank.length > 0 && (
              <figure className="chart" aria-label="Approval rate and fast-track share per bank">
                <figcaption>Approval rate and fast-track share per bank (%)</figcaption>
                <ResponsiveContainer width="100%" height={260}>
                  <BarChart data={perBank}>
                    <CartesianGrid strokeDasharray="3 3" />
                    <XAxis dataKey="name" />
                    <YAxis domain={[0, 100]} />
                    <Tooltip />
                    <Legend />
                    <Bar dataKey="Approval rate (%)" fill="#1d6b44" isAnimationActive={false} />
                    <Bar dataKey="Fast-track share (%)" fill="#8a4b08" isAnimationActive={false} />
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
