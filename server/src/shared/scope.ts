/**
 * Who is asking, as far as the read model cares: the caller's organisation and role. Every repo read takes a Scope
 * and answers `undefined` (the route's 404) for a row the caller's organisation is not party to, so that another
 * organisation's ids cannot even be probed.
 */
import type { Role } from "./roles";

export type { Role } from "./roles";

export interface Scope {
  /** The caller's organisation id (a decimal string), or null for the platform operator. */
  orgId: string | null;
  role: Role;
}

/** The operator and auditors see every row. */
export function seesAll(scope: Scope): boolean {
  return scope.role === "operator" || scope.role === "auditor";
}

/** The caller's organisation id as a number, or null when it has none (operator) or it is malformed. */
export function scopeOrg(scope: Scope): number | null {
  if (scope.orgId === null || !/^[1-9][0-9]{0,9}$/.test(scope.orgId)) return null;
  return Number(scope.orgId);
}

/** A scope that sees everything; for internal callers (the indexer's own checks, scripts). */
export const SYSTEM_SCOPE: Scope = { orgId: null, role: "operator" };
