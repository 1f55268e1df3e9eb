import { useCallback, useMemo } from "react";
import { useHashQuery } from "./router";
import { useResource, type Resource } from "./hooks";

/** How many rows a list screen shows per page. */
export const PAGE_SIZE = 20;

/**
 * A list screen's state, kept in the URL's hash query so a reload, a link or the back button keeps it: the search
 * text, a status, a creation-day range, the sort order and the cursors of the pages walked so far (the last is the
 * page shown; going back pops it).
 */
export interface ListState {
  q: string;
  status: string;
  from: string;
  to: string;
  sort: string;
  pages: string[];
}

export interface ListControl {
  state: ListState;
  /** Changes the search or filters and starts again at the first page. */
  set: (patch: Partial<Omit<ListState, "pages">>) => void;
  next: (cursor: string) => void;
  /** Back to the defaults: no search, the default filter and sort, the first page. */
  reset: () => void;
  /** Whether anything differs from the defaults. */
  changed: boolean;
  previous: () => void;
  /** The page number shown, from 1. */
  page: number;
}

const FIELDS = ["q", "status", "from", "to", "sort"] as const;

export function useListState(defaults: Partial<ListState> = {}): ListControl {
  const [query, setQuery] = useHashQuery();
  const text = query.toString();
  const state = useMemo<ListState>(() => {
    const q = new URLSearchParams(text);
    const read = (k: (typeof FIELDS)[number]) => q.get(k) ?? defaults[k] ?? "";
    return { q: read("q"), status: read("status"), from: read("from"), to: read("to"), sort: read("sort"), pages: (q.get("page") ?? "").split(".").filter(Boolean) };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [text]);
  const write = useCallback(
    (s: ListState) => {
      const q = new URLSearchParams();
      // A value equal to the default is left out; one that differs is written, even when empty ("every status").
      for (const k of FIELDS) if (s[k] !== (defaults[k] ?? "")) q.set(k, s[k]);
      if (s.pages.length) q.set("page", s.pages.join("."));
      setQuery(q);
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [setQuery],
  );
  return {
    state,
    page: state.pages.length + 1,
    set: (patch) => write({ ...state, ...patch, pages: [] }),
    next: (cursor) => write({ ...state, pages: [...state.pages, cursor] }),
    previous: () => write({ ...state, pages: state.pages.slice(0, -1) }),
    reset: () => setQuery(new URLSearchParams()),
    changed: FIELDS.some((k) => state[k] !== (defaults[k] ?? "")),
  };
}

/** The API's list parameters for the state: empty ones left out, the page's cursor, PAGE_SIZE rows. */
export function listParams(state: ListState): { q?: string; from?: string; to?: string; cursor?: string; limit: number } {
  return {
    ...(state.q ? { q: state.q } : {}),
    ...(state.from ? { from: state.from } : {}),
    ...(state.to ? { to: state.to } : {}),
    ...(state.pages.length ? { cursor: state.pages[state.pages.length - 1] } : {}),
    limit: PAGE_SIZE,
  };
}

export interface Paged<T> {
  items: T[];
  nextCursor: string | null;
}

/** Loads the page the list state names, through the query cache (the live stream refreshes it). */
export function usePage<T>(load: (state: ListState) => Promise<Paged<T>>, list: ListControl, deps: unknown[] = []): Resource<Paged<T>> {
  const s = list.state;
  return useResource(() => load(s), [s.q, s.status, s.from, s.to, s.sort, s.pages.join("."), ...deps]);
}
