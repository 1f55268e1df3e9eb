import { t } from "../i18n";
import { amountProblem } from "./format";

export type Problems<K extends string> = Partial<Record<K, string>>;

export function required(value: string, label: string): string | undefined {
  return value.trim() ? undefined : t("validate.required", { label });
}

export function amount(value: string, label = t("field.amount")): string | undefined {
  return amountProblem(value, label) ?? undefined;
}

/** A YYYY-MM-DD date that is after today. */
export function futureDate(value: string, label = t("field.dueDate")): string | undefined {
  if (!value) return t("validate.required", { label });
  const date = new Date(`${value}T23:59:59Z`);
  if (Number.isNaN(date.getTime())) return t("validate.notDate", { label });
  if (date.getTime() <= Date.now()) return t("validate.future", { label });
  return undefined;
}

export function hasProblems<K extends string>(problems: Problems<K>): boolean {
  return Object.values(problems).some(Boolean);
}
