import { useEffect } from "react";
import { QueryClient } from "@tanstack/react-query";
import { fetchEventSource } from "@microsoft/fetch-event-source";

/** The console's one cache of server state; every screen reads through it. */
export const queryClient = new QueryClient({
  defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: true, staleTime: 5_000 } },
});

/** What one change on the ledger tells the console (the stream's `change` event). */
export interface ChangeNotice {
  seq: number;
  eventType: string;
  entityType: string;
  entityId: string;
}

class StreamClosed extends Error {}

/**
 * Follows GET /api/v1/events/stream while the console is open and refreshes the screens' data after each change
 * the caller may see. Changes arriving together (one block) refresh once. fetch-event-source reconnects by itself
 * and sends the last event id, so the changes made while the connection was down are not missed.
 */
export function useLiveUpdates(): void {
  useEffect(() => {
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const refresh = () => {
      clearTimeout(timer);
      timer = setTimeout(() => void queryClient.invalidateQueries(), 100);
    };
    const mark = (state: string) => document.documentElement.setAttribute("data-live", state);
    // The session cookie goes with the request (same origin); the stream is a GET, so no CSRF token is needed.
    void fetchEventSource("/api/v1/events/stream", {
      credentials: "same-origin",
      signal: abort.signal,
      openWhenHidden: true,
      async onopen(response) {
        if (response.status === 401) throw new StreamClosed();
        if (!response.ok) throw new Error(`stream answered ${response.status}`);
        mark("open");
      },
      onmessage(message) {
        // `desk` frames (a case step, a notification) are not on the ledger and carry no position.
        if (message.event === "desk") return refresh();
        if (message.event !== "change") return;
        mark(`seq-${message.id}`);
        refresh();
      },
      onerror(err) {
        mark("retrying");
        // A signed-out caller stops; anything else is retried after a pause.
        if (err instanceof StreamClosed) throw err;
        return 2_000;
      },
    }).catch(() => mark("closed"));
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, []);
}
