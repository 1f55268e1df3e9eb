import { useCallback, useId, useRef, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { describeError } from "../api/errors";
import { t } from "../i18n";

export interface Resource<T> {
  data: T | undefined;
  error: string | null;
  loading: boolean;
  reload: () => void;
}

/**
 * Loads data for a screen through the console's query cache (TanStack Query), keyed by the component and `deps`.
 * The live stream invalidates the cache after each ledger change, so an open screen refreshes without a reload.
 */
export function useResource<T>(load: () => Promise<T>, deps: unknown[]): Resource<T> {
  const owner = useId();
  const query = useQuery({ queryKey: ["resource", owner, ...deps], queryFn: load });
  const { refetch } = query;
  const reload = useCallback(() => void refetch(), [refetch]);
  return {
    data: query.data,
    error: query.error ? describeError(query.error) : null,
    loading: query.isFetching,
    reload,
  };
}

export type ActionPhase = "idle" | "pending" | "success" | "error";
export interface ActionState {
  phase: ActionPhase;
  message: string;
  /** Counts actions, so a test (or a screen reader cue) can tell a new outcome from the previous one. */
  seq?: number;
}

/**
 * Runs one user action: shows progress while it is pending, then a success sentence or the API error translated
 * into a sentence. Returns the result, or undefined if the action failed.
 */
/**
 * Numbers every action outcome across the whole page (not per form), so an outcome line is never confused with an
 * older one of another screen; browser tests wait for a number above the one they saw before clicking.
 */
let actionSeq = 0;

export function useAction() {
  const [state, setState] = useState<ActionState>({ phase: "idle", message: "" });
  const busy = useRef(false);
  const seq = useRef(0);
  const run = useCallback(
    async <T,>(
      task: () => Promise<T>,
      success: string | ((result: T) => string),
      progress = t("action.submitting"),
    ): Promise<T | undefined> => {
      if (busy.current) return undefined;
      busy.current = true;
      seq.current = ++actionSeq;
      setState({ phase: "pending", message: progress, seq: seq.current });
      try {
        const result = await task();
        setState({ phase: "success", message: typeof success === "function" ? success(result) : success, seq: seq.current });
        return result;
      } catch (e) {
        setState({ phase: "error", message: describeError(e), seq: seq.current });
        return undefined;
      } finally {
        busy.current = false;
      }
    },
    [],
  );
  /** Updates the progress sentence of a multi-step action (hashing, uploading, submitting). */
  const step = useCallback((message: string) => setState({ phase: "pending", message, seq: seq.current }), []);
  const fail = useCallback((message: string) => setState({ phase: "error", message, seq: (seq.current = ++actionSeq) }), []);
  const clear = useCallback(() => setState({ phase: "idle", message: "" }), []);
  return { state, run, step, fail, clear, pending: state.phase === "pending" };
}
