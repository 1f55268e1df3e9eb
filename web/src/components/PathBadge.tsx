import type { FinancingRequest } from "../api/types";

/** Fast-track (one officer) and maker-checker (two officers) must be told apart at a glance. */
export function PathBadge({ request }: { request: Pick<FinancingRequest, "path" | "approvalsRequired"> }) {
  const fast = request.path === "fast-track";
  return (
    <span className={`badge ${fast ? "badge-fast" : "badge-maker"}`} data-testid="financing-path" data-path={request.path}>
      {fast ? "Fast-track · 1 officer" : `Maker-checker · ${request.approvalsRequired || 2} officers`}
    </span>
  );
}
