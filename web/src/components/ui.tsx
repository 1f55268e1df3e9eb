import { useState, type ReactNode } from "react";
import type { ActionState } from "../lib/hooks";
import { formatMoney, shorten } from "../lib/format";
import { useTranslation } from "../i18n";
import { DocumentPreview } from "./DocumentPreview";

/** The outcome line under every action: progress, then success or a translated error. */
export function ActionStatus({ state, testId = "action-status" }: { state: ActionState; testId?: string }) {
  if (state.phase === "idle") return <div data-testid={testId} data-state="idle" data-seq={state.seq ?? 0} aria-live="polite" />;
  const role = state.phase === "error" ? "alert" : "status";
  return (
    <div className={`notice notice-${state.phase}`} role={role} aria-live="polite" data-testid={testId} data-state={state.phase} data-seq={state.seq ?? 0}>
      {state.phase === "pending" && <span className="spinner" aria-hidden="true" />}
      {state.message}
    </div>
  );
}

export function Money({ amount, testId }: { amount: string | null | undefined; testId?: string }) {
  return (
    <span className="money" data-testid={testId}>
      {formatMoney(amount)}
    </span>
  );
}

/** A long id, hash or address shortened for reading, with the whole value in the title and a copy button. */
export function ShortHash({ value, label, testId }: { value: string | null | undefined; label?: string; testId?: string }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  const what = label ?? t("hash.value");
  if (!value) return <span>—</span>;
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      window.prompt(t("hash.copyPrompt", { label: what }), value);
    }
  };
  return (
    <span className="hash" data-testid={testId} data-value={value}>
      <code title={value}>{shorten(value)}</code>
      <button type="button" className="link-button copy" onClick={copy} aria-label={t("hash.copyLabel", { label: what, value })}>
        {copied ? t("hash.copied") : t("hash.copy")}
      </button>
    </span>
  );
}

/** A record's status as a word in the current language; `data-status` keeps the machine value for tests. */
export function StatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  return (
    <span className={`badge badge-${status}`} data-testid="status" data-status={status}>
      {t(`status.${status}`, { defaultValue: status })}
    </span>
  );
}

export function Card({ title, children, actions, testId }: { title: string; children: ReactNode; actions?: ReactNode; testId?: string }) {
  return (
    <section className="card" data-testid={testId} aria-label={title}>
      <header className="card-head">
        <h2>{title}</h2>
        {actions && <div className="card-actions">{actions}</div>}
      </header>
      {children}
    </section>
  );
}

/** Loading (nothing to show yet) / error / empty states for a list or record. */
export function Loadable({ loading, error, empty, children }: { loading: boolean; error: string | null; empty?: boolean; children: ReactNode }) {
  const { t } = useTranslation();
  if (error) return <div className="notice notice-error" role="alert">{error}</div>;
  if (loading) return <p className="muted" role="status">{t("common.loading")}</p>;
  if (empty) return <p className="muted">{t("common.empty")}</p>;
  return <>{children}</>;
}

interface FieldProps {
  id: string;
  label: string;
  error?: string | null;
  hint?: string;
  children: ReactNode;
}

/** A labelled form field with its validation message tied to the input by aria-describedby. */
export function Field({ id, label, error, hint, children }: FieldProps) {
  return (
    <div className={`field${error ? " field-invalid" : ""}`}>
      <label htmlFor={id}>{label}</label>
      {children}
      {hint && !error && <small id={`${id}-hint`} className="muted">{hint}</small>}
      {error && (
        <small id={`${id}-error`} className="field-error" role="alert">
          {error}
        </small>
      )}
    </div>
  );
}

/** Props for an input inside <Field>: wires id and error description. */
export function fieldProps(id: string, error?: string | null) {
  return {
    id,
    name: id,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": error ? `${id}-error` : undefined,
  } as const;
}

export function KeyValues({ rows }: { rows: [string, ReactNode][] }) {
  return (
    <dl className="kv">
      {rows.map(([key, value]) => (
        <div key={key}>
          <dt>{key}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/**
 * Opens a stored document in the console's preview, which checks it against the ledger's hash (the gateway serves it
 * to the record's parties, re-hashed as it is read). The link still works as a plain link to the file.
 */
export function DocumentLink({ hash }: { hash: string | null | undefined }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  if (!hash || /^0x0{64}$/.test(hash)) return null;
  return (
    <>
      <a
        href={`/api/v1/documents/${hash}`}
        onClick={(e) => {
          if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
          e.preventDefault();
          setOpen(true);
        }}
        data-testid="open-document"
      >
        {t("hash.openDocument")}
      </a>
      {open && <DocumentPreview hash={hash} onClose={() => setOpen(false)} />}
    </>
  );
}
