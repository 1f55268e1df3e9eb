import type { FinancingRequest } from "../api/types";
import { useTranslation } from "../i18n";

/** Fast-track (one officer) and maker-checker (two officers) must be told apart at a glance. */
export function PathBadge({ request }: { request: Pick<FinancingRequest, "path" | "approvalsRequired"> }) {
  const { t } = useTranslation();
  const fast = request.path === "fast-track";
  return (
    <span className={`badge ${fast ? "badge-fast" : "badge-maker"}`} data-testid="financing-path" data-path={request.path}>
      {fast ? t("path.fastBadge") : t("path.makerBadge", { n: request.approvalsRequired || 2 })}
    </span>
  );
}
