import { useCallback, useEffect, useState } from "react";

// The console routes on the URL hash ("#/invoices/3?q=INV&sort=due") so the gateway only has to serve index.html at
// "/". The part after "?" is the screen's list state (search, filters, sort, page), so a link or a reload keeps it.

function split(): { path: string[]; query: string } {
  const hash = window.location.hash.replace(/^#\/?/, "");
  const at = hash.indexOf("?");
  const path = (at < 0 ? hash : hash.slice(0, at)).split("/").filter(Boolean).map(decodeURIComponent);
  return { path, query: at < 0 ? "" : hash.slice(at + 1) };
}

function useHash<T>(read: () => T, same: (a: T, b: T) => boolean): T {
  const [value, setValue] = useState(read);
  useEffect(() => {
    const onChange = () => setValue((old) => {
      const next = read();
      return same(old, next) ? old : next;
    });
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return value;
}

/** The screen path of the hash, without its query. */
export function useHashPath(): string[] {
  return useHash(() => split().path, (a, b) => a.join("/") === b.join("/"));
}

/** The query of the hash (the screen's list state) and a way to change it without leaving the screen. */
export function useHashQuery(): [URLSearchParams, (next: URLSearchParams) => void] {
  const query = useHash(() => split().query, (a, b) => a === b);
  const set = useCallback((next: URLSearchParams) => {
    const { path } = split();
    const text = next.toString();
    window.location.hash = `#/${path.map(encodeURIComponent).join("/")}${text ? `?${text}` : ""}`;
  }, []);
  return [new URLSearchParams(query), set];
}

export function navigate(...segments: string[]): void {
  window.location.hash = `#/${segments.map(encodeURIComponent).join("/")}`;
}
