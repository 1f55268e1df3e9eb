import { useEffect, useState, type FormEvent } from "react";
import type { ListControl } from "../lib/list";
import { useTranslation } from "../i18n";

interface Props {
  list: ListControl;
  /** The statuses to filter by ("" is every status); their words are "status.<value>" unless `statusWord` says. */
  statuses?: string[];
  statusWord?: (status: string) => string;
  /** The sort orders offered, the first being the default ("list.sort.<value>"). */
  sorts?: string[];
  /** Whether to offer the creation-day range. */
  dates?: boolean;
  /** What the search finds, as the search box's hint; no search box without it. */
  searchHint?: string;
  idPrefix: string;
}

/** The search box, status filter, creation-day range and sort order above a list; their state lives in the URL. */
export function ListControls({ list, statuses, statusWord, sorts, dates = true, searchHint, idPrefix }: Props) {
  const { t } = useTranslation();
  const s = list.state;
  const [q, setQ] = useState(s.q);
  useEffect(() => setQ(s.q), [s.q]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    list.set({ q: q.trim() });
  };
  const id = (k: string) => `${idPrefix}-${k}`;
  return (
    <form className="list-controls" role="search" onSubmit={submit} data-testid={`${idPrefix}-controls`}>
      {searchHint && <div className="field grow">
        <label htmlFor={id("q")}>{t("list.search")}</label>
        <div className="search-box">
          <input id={id("q")} type="search" value={q} onChange={(e) => setQ(e.target.value)} aria-describedby={id("q-hint")} data-testid={`${idPrefix}-search`} />
          <button type="submit" className="secondary" data-testid={`${idPrefix}-search-go`}>{t("list.find")}</button>
        </div>
        <small id={id("q-hint")} className="muted">{searchHint}</small>
      </div>}
      {statuses && (
        <div className="field half">
          <label htmlFor={id("status")}>{t("col.status")}</label>
          <select id={id("status")} value={s.status} onChange={(e) => list.set({ status: e.target.value })} data-testid={`${idPrefix}-status`}>
            {statuses.map((v) => (
              <option key={v} value={v}>{statusWord ? statusWord(v) : v ? t(`status.${v}`) : t("list.anyStatus")}</option>
            ))}
          </select>
        </div>
      )}
      {dates && (
        <>
          <div className="field half">
            <label htmlFor={id("from")}>{t("list.from")}</label>
            <input id={id("from")} type="date" value={s.from} max={s.to || undefined} onChange={(e) => list.set({ from: e.target.value })} data-testid={`${idPrefix}-from`} />
          </div>
          <div className="field half">
            <label htmlFor={id("to")}>{t("list.to")}</label>
            <input id={id("to")} type="date" value={s.to} min={s.from || undefined} onChange={(e) => list.set({ to: e.target.value })} data-testid={`${idPrefix}-to`} />
          </div>
        </>
      )}
      {sorts && (
        <div className="field half">
          <label htmlFor={id("sort")}>{t("list.sortBy")}</label>
          <select id={id("sort")} value={s.sort || sorts[0]} onChange={(e) => list.set({ sort: e.target.value })} data-testid={`${idPrefix}-sort`}>
            {sorts.map((v) => <option key={v} value={v}>{t(`list.sort.${v}`)}</option>)}
          </select>
        </div>
      )}
      {list.changed && (
        <div className="field end">
          <button type="button" className="link-button" onClick={() => { setQ(""); list.reset(); }} data-testid={`${idPrefix}-clear`}>
            {t("list.clear")}
          </button>
        </div>
      )}
    </form>
  );
}

/** Previous and next page by the API's cursors, with the page number; the cursors walked are in the URL. */
export function Pager({ list, nextCursor, shown, idPrefix }: { list: ListControl; nextCursor: string | null | undefined; shown: number; idPrefix: string }) {
  const { t } = useTranslation();
  if (list.page === 1 && !nextCursor) return null;
  return (
    <nav className="pager" aria-label={t("list.pages")} data-testid={`${idPrefix}-pager`} data-page={list.page}>
      <button type="button" className="secondary" disabled={list.page === 1} onClick={list.previous} data-testid={`${idPrefix}-previous`}>{t("list.previous")}</button>
      <span aria-live="polite" data-testid={`${idPrefix}-page`}>{t("list.page", { page: list.page, shown })}</span>
      <button type="button" className="secondary" disabled={!nextCursor} onClick={() => nextCursor && list.next(nextCursor)} data-testid={`${idPrefix}-next`}>{t("list.next")}</button>
    </nav>
  );
}
