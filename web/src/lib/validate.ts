import { amountProblem } from "./format";

export type Problems<K extends string> = Partial<Record<K, string>>;

export function required(value: string, label: string): string | undefined {
  return value.trim() ? undefined : `${label} is required.`;
}

export function amount(value: string, label = "Amount"): string | undefined {
  return amountProblem(value, label) ?? undefined;
}

/** A YYYY-MM-DD date that is after today. */
export function futureDate(value: string, label = "Due date"): string | undefined {
  if (!value) return `${label} is required.`;
  const date = new Date(`${value}T23:59:59Z`);
  if (Number.isNaN(date.getTime())) return `${label} is not a date.`;
  if (date.getTime() <= Date.now()) return `${label} must be in the future.`;
  return undefined;
}

export function hasProblems<K extends string>(problems: Problems<K>): boolean {
  return Object.values(problems).some(Boolean);
}
