import { useState, type FormEvent } from "react";
import { t as translate, useTranslation } from "../i18n";
import { useAction, useResource } from "../lib/hooks";
import { useSession } from "../lib/session";
import { formatDateTime } from "../lib/format";
import { ActionStatus, Card, KeyValues, Loadable } from "../components/ui";
import { CATEGORIES, OUTCOMES, getCase, listAssignees, rateCase, reassignCase, reclassifyCase, resolveCase, respondToCase, type CaseDetail, type Outcome } from "./api";
import { CaseClock, CaseFlags } from "./Clock";
import { CaseCategory, CaseStatus, CaseSubject } from "./CaseRow";
import { CaseHistory } from "./History";

type Category = (typeof CATEGORIES)[number];
const isCategory = (v: string): v is Category => (CATEGORIES as readonly string[]).includes(v);
const isOutcome = (v: string): v is Outcome => (OUTCOMES as readonly string[]).includes(v);

/** One case: what it says, who has it, its clocks, what can be done next by whom, and its history in words. */
export function CasePage({ id }: { id: string }) {
  const { t } = useTranslation();
  const { me, orgName } = useSession();
  const detail = useResource(() => getCase(id), [id, "desk-case"]);
  const c = detail.data;
  const action = useAction();
  const handler = Boolean(c && c.handlingOrgId === me.org.id && ["buyer", "supplier", "officer"].includes(me.user.role));
  const open = c?.status !== "resolved";
  const canReclassify = handler || me.user.role === "operator";
  const filer = Boolean(c && c.filedBy.userId === me.user.id);

  const act = async (task: () => Promise<unknown>, success: string) => {
    const done = await action.run(task, success);
    if (done !== undefined) detail.reload();
    return done !== undefined;
  };

  return (
    <Card title={t("desk.case.title", { id })} testId="case-page" actions={<a href="#/desk/cases">{t("desk.case.back")}</a>}>
      <ActionStatus state={action.state} testId="case-status" />
      <Loadable loading={detail.loading && !c} error={detail.error}>
        {c && (
          <>
            <KeyValues
              rows={[
                [t("desk.case.about"), <CaseSubject c={c} key="s" />],
                [t("desk.case.filedBy"), t("desk.case.filedByValue", { name: c.filedBy.name, org: orgName(c.filedBy.orgId), at: formatDateTime(c.openedAt) })],
                [t("desk.case.handledBy"), orgName(c.handlingOrgId)],
                [t("desk.col.assignee"), <span data-testid="case-assignee" key="a">{c.assignee ? c.assignee.name : t("desk.case.admins")}</span>],
                [t("desk.col.category"), <CaseCategory c={c} key="c" />],
                [t("col.status"), <span data-testid="case-state" data-status={c.status} key="st"><CaseStatus c={c} /></span>],
                [t("desk.col.response"), <span key="r"><CaseClock c={c} which="response" /> <CaseFlags c={c} /></span>],
                [t("desk.col.resolution"), <CaseClock c={c} which="resolution" key="rs" />],
              ]}
            />
            <blockquote data-testid="case-text">{c.text}</blockquote>
            {c.response && <p data-testid="case-response">{t("desk.case.response", { text: c.response })}</p>}
            {c.resolution && <p data-testid="case-resolution">{t("desk.case.resolution", { outcome: t(`desk.outcome.${c.outcome ?? "upheld"}`), text: c.resolution })}</p>}
            {c.rating !== null && <p data-testid="case-rating" data-rating={c.rating}>{t("desk.case.rated", { rating: c.rating })}{c.ratingComment ? ` ${t("desk.case.quote", { text: c.ratingComment })}` : ""}</p>}
            <div className="desk-actions">
              {handler && open && <Respond c={c} act={act} pending={action.pending} />}
              {handler && open && <Reassign c={c} act={act} pending={action.pending} />}
              {canReclassify && open && <Reclassify c={c} act={act} pending={action.pending} />}
              {handler && open && <Resolve c={c} act={act} pending={action.pending} />}
              {filer && c.status === "resolved" && c.rating === null && <Rate c={c} act={act} pending={action.pending} />}
            </div>
            <CaseHistory steps={c.history} />
          </>
        )}
      </Loadable>
    </Card>
  );
}

interface ActionProps {
  c: CaseDetail;
  act: (task: () => Promise<unknown>, success: string) => Promise<boolean>;
  pending: boolean;
}

function Respond({ c, act, pending }: ActionProps) {
  const { t } = useTranslation();
  const [text, setText] = useState("");
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) return;
    if (await act(() => respondToCase(c.id, text.trim()), translate("desk.respond.done", { id: c.id }))) setText("");
  };
  return (
    <form onSubmit={submit} aria-labelledby="desk-respond-title">
      <h3 id="desk-respond-title">{t("desk.respond.title")}</h3>
      <label htmlFor="desk-respond-text">{t("desk.respond.label")}</label>
      <textarea id="desk-respond-text" data-testid="case-respond-text" rows={3} value={text} onChange={(e) => setText(e.target.value)} required />
      <button type="submit" className="primary" disabled={pending || !text.trim()} data-testid="case-respond">{t("desk.respond.submit")}</button>
    </form>
  );
}

function Reassign({ c, act, pending }: ActionProps) {
  const { t } = useTranslation();
  const people = useResource(() => listAssignees(c.id), [c.id, c.assignee?.userId, "desk-assignees"]);
  const [to, setTo] = useState("");
  const others = (people.data ?? []).filter((p) => !p.current);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const person = others.find((p) => p.userId === to);
    if (!person) return;
    if (await act(() => reassignCase(c.id, person.userId), translate("desk.reassign.done", { id: c.id, name: person.name }))) setTo("");
  };
  return (
    <form onSubmit={submit} aria-labelledby="desk-reassign-title">
      <h3 id="desk-reassign-title">{t("desk.reassign.title")}</h3>
      <label htmlFor="desk-reassign-to">{t("desk.reassign.label")}</label>
      <select id="desk-reassign-to" data-testid="case-reassign-to" value={to} onChange={(e) => setTo(e.target.value)}>
        <option value="">{t("desk.reassign.choose")}</option>
        {others.map((p) => (
          <option key={p.userId} value={p.userId}>
            {t(p.isAdmin ? "desk.reassign.personAdmin" : "desk.reassign.person", { name: p.name, count: p.openCases })}
          </option>
        ))}
      </select>
      <button type="submit" className="secondary" disabled={pending || !to} data-testid="case-reassign">{t("desk.reassign.submit")}</button>
    </form>
  );
}

function Reclassify({ c, act, pending }: ActionProps) {
  const { t } = useTranslation();
  const [category, setCategory] = useState<Category | "">("");
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!category) return;
    const word = translate(`category.${category}`);
    if (await act(() => reclassifyCase(c.id, category), translate("desk.reclassify.done", { id: c.id, category: word }))) setCategory("");
  };
  return (
    <form onSubmit={submit} aria-labelledby="desk-reclassify-title">
      <h3 id="desk-reclassify-title">{t("desk.reclassify.title")}</h3>
      <label htmlFor="desk-reclassify-to">{t("desk.reclassify.label")}</label>
      <select id="desk-reclassify-to" data-testid="case-reclassify-to" value={category} onChange={(e) => setCategory(isCategory(e.target.value) ? e.target.value : "")}>
        <option value="">{t("desk.reclassify.choose")}</option>
        {CATEGORIES.filter((k) => k !== c.category || c.classifiedBy === "classifier").map((k) => (
          <option key={k} value={k}>{t(`category.${k}`)}</option>
        ))}
      </select>
      <button type="submit" className="secondary" disabled={pending || !category} data-testid="case-reclassify">{t("desk.reclassify.submit")}</button>
    </form>
  );
}

function Resolve({ c, act, pending }: ActionProps) {
  const { t } = useTranslation();
  const [outcome, setOutcome] = useState<Outcome | "">("");
  const [text, setText] = useState("");
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!outcome || !text.trim()) return;
    await act(() => resolveCase(c.id, outcome, text.trim()), translate("desk.resolve.done", { id: c.id, outcome: translate(`desk.outcome.${outcome}`) }));
  };
  return (
    <form onSubmit={submit} aria-labelledby="desk-resolve-title">
      <h3 id="desk-resolve-title">{t("desk.resolve.title")}</h3>
      <label htmlFor="desk-resolve-outcome">{t("desk.resolve.outcome")}</label>
      <select id="desk-resolve-outcome" data-testid="case-resolve-outcome" value={outcome} onChange={(e) => setOutcome(isOutcome(e.target.value) ? e.target.value : "")}>
        <option value="">{t("desk.resolve.choose")}</option>
        {OUTCOMES.map((o) => <option key={o} value={o}>{t(`desk.outcome.${o}`)}</option>)}
      </select>
      <label htmlFor="desk-resolve-text">{t("desk.resolve.label")}</label>
      <textarea id="desk-resolve-text" data-testid="case-resolve-text" rows={3} value={text} onChange={(e) => setText(e.target.value)} required />
      <button type="submit" className="primary" disabled={pending || !outcome || !text.trim()} data-testid="case-resolve">{t("desk.resolve.submit")}</button>
    </form>
  );
}

function Rate({ c, act, pending }: ActionProps) {
  const { t } = useTranslation();
  const [rating, setRating] = useState(0);
  const [comment, setComment] = useState("");
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!rating) return;
    await act(() => rateCase(c.id, rating, comment.trim() || undefined), translate("desk.rate.done", { id: c.id, rating }));
  };
  return (
    <form onSubmit={submit} aria-labelledby="desk-rate-title" data-testid="case-rate-form">
      <h3 id="desk-rate-title">{t("desk.rate.title")}</h3>
      <fieldset className="desk-stars">
        <legend>{t("desk.rate.legend")}</legend>
        {[1, 2, 3, 4, 5].map((n) => (
          <label key={n}>
            <input type="radio" name="desk-rating" value={n} checked={rating === n} onChange={() => setRating(n)} data-testid={`case-rate-${n}`} />
            {t("desk.rate.star", { n })}
          </label>
        ))}
      </fieldset>
      <label htmlFor="desk-rate-comment">{t("desk.rate.comment")}</label>
      <textarea id="desk-rate-comment" data-testid="case-rate-comment" rows={2} value={comment} onChange={(e) => setComment(e.target.value)} />
      <button type="submit" className="primary" disabled={pending || !rating} data-testid="case-rate">{t("desk.rate.submit")}</button>
    </form>
  );
}
