import { useTranslation } from "../i18n";
import { formatShare } from "../lib/format";
import { useSession } from "../lib/session";
import { StatusBadge } from "../components/ui";
import type { Case } from "./api";

/** What a case is about, in words: an invoice, a financing request or the organisation itself. */
export function CaseSubject({ c }: { c: Case }) {
  const { t } = useTranslation();
  const { orgName } = useSession();
  if (c.subject.type === "organization") return <>{t("desk.subject.organization", { org: orgName(c.subject.id) })}</>;
  return <>{t(`subject.${c.subject.type}`, { id: c.subject.id })}</>;
}

/** The category in words, with how sure the classifier was, or that a person set it. */
export function CaseCategory({ c }: { c: Case }) {
  const { t } = useTranslation();
  return (
    <span data-testid="case-category" data-category={c.category} data-confidence={c.confidence}>
      {t(`category.${c.category}`)}{" "}
      <small className="desk-confidence" data-testid="case-confidence">
        {c.classifiedBy === "person" ? t("desk.case.byPerson") : t("desk.case.confidence", { share: formatShare(c.confidence) })}
      </small>
    </span>
  );
}

/** The case's status word; a resolved case also says its outcome. */
export function CaseStatus({ c }: { c: Case }) {
  const { t } = useTranslation();
  return (
    <>
      <StatusBadge status={c.status} />
      {c.outcome && <small className="muted"> {t(`desk.outcome.${c.outcome}`)}</small>}
    </>
  );
}
