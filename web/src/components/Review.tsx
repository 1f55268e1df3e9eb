import { useEffect, useRef, type ReactNode } from "react";
import { useTranslation } from "../i18n";

/**
 * The one question before money or a debt moves: what will happen, in lines a person can check, and a single
 * confirmation. Focus moves to the summary so a keyboard or screen-reader user hears it before confirming.
 */
export function Review({ title, lines, confirmLabel, danger, onConfirm, onCancel, busy }: {
  title: string;
  lines: [string, ReactNode][];
  confirmLabel: string;
  danger?: boolean;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section className="review" role="group" aria-labelledby="review-title" data-testid="review">
      <h3 id="review-title" ref={heading} tabIndex={-1}>{title}</h3>
      <dl className="kv">
        {lines.map(([key, value]) => (
          <div key={key}>
            <dt>{key}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <div className="form-actions">
        <button type="button" className={danger ? "danger" : "primary"} disabled={busy} onClick={onConfirm} data-testid="review-confirm">{confirmLabel}</button>
        <button type="button" className="secondary" onClick={onCancel} data-testid="review-cancel">{t("review.back")}</button>
      </div>
    </section>
  );
}
