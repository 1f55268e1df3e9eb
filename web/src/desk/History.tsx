import { useTranslation } from "../i18n";
import { formatDateTime, formatShare } from "../lib/format";
import type { CaseStep } from "./api";

const text = (v: unknown): string => (typeof v === "string" ? v : v === null || v === undefined ? "" : JSON.stringify(v));

/** One step of a case's history as a sentence in the current language. */
export function useStepSentence() {
  const { t } = useTranslation();
  return (h: CaseStep): string => {
    const who = h.actor?.name ?? t("desk.history.gateway");
    const d = h.detail;
    switch (h.action) {
      case "filed":
        return t("desk.history.filed", { who });
      case "classified":
        return d.category === "other"
          ? t("desk.history.unclassified")
          : t("desk.history.classified", { category: t(`category.${text(d.category)}`), share: formatShare(Number(d.confidence)) });
      case "assigned":
        return d.to ? t("desk.history.assigned", { to: text(d.toName) || text(d.to) }) : t("desk.history.assignedAdmins");
      case "reassigned":
        return t("desk.history.reassigned", { who, to: text(d.toName) || text(d.to) });
      case "reclassified":
        return t("desk.history.reclassified", { who, from: t(`category.${text(d.from)}`), to: t(`category.${text(d.to)}`) });
      case "responded":
        return t("desk.history.responded", { who, text: text(d.response) });
      case "escalated":
        return t("desk.history.escalated");
      case "response_breached":
        return t("desk.history.responseBreached");
      case "resolution_breached":
        return t("desk.history.resolutionBreached");
      case "resolved":
        return t("desk.history.resolved", { who, outcome: t(`desk.outcome.${text(d.outcome)}`), text: text(d.resolution) });
      case "rated":
        return d.comment ? t("desk.history.ratedWithComment", { who, rating: Number(d.rating), comment: text(d.comment) }) : t("desk.history.rated", { who, rating: Number(d.rating) });
      default:
        return t("desk.history.other");
    }
  };
}

/** Every step of a case, oldest first, each with its time. */
export function CaseHistory({ steps }: { steps: CaseStep[] }) {
  const { t } = useTranslation();
  const sentence = useStepSentence();
  return (
    <section aria-labelledby="case-history-title">
      <h3 id="case-history-title">{t("desk.history.title")}</h3>
      <ol className="desk-history" data-testid="case-history">
        {steps.map((h, i) => (
          <li key={i} data-testid="case-step" data-action={h.action}>
            <time dateTime={h.at}>{formatDateTime(h.at)}</time>
            <span data-testid="case-step-sentence">{sentence(h)}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
