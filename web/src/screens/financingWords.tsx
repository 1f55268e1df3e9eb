import type { FinancingRequest } from "../api/types";
import { useTranslation } from "../i18n";

/** Why a bank rejected a request, in words: the reason code's name and the officer's note. */
export function FinancingRejection({ request, by }: { request: FinancingRequest; by?: string }) {
  const { t } = useTranslation();
  const r = request.rejection;
  if (!r) return null;
  const code = t(`financingReject.${r.reasonCode}`, { defaultValue: t("dossier.reasonCode", { code: r.reasonCode }) });
  const reason = r.reason ? `${code} · ${r.reason}` : code;
  return (
    <small className="block reason" data-testid="financing-rejection">
      {by ? t("list.rejectedByBecause", { who: by, reason }) : t("list.rejectedBecause", { reason })}
    </small>
  );
}
