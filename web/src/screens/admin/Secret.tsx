import { ShortHash } from "../../components/ui";
import { useTranslation } from "../../i18n";

/** A bearer token the gateway shows only once: to copy now and hand over by a safe channel. */
export function OneTimeSecret({ token, who, message }: { token: string; who?: string; message?: string }) {
  const { t } = useTranslation();
  return (
    <div className="notice notice-pending secret" role="status" data-testid="one-time-token" data-token={token}>
      <span>{message ?? t("admin.tokenOnce", { who })}</span> <ShortHash value={token} label={t("admin.token")} />
    </div>
  );
}
