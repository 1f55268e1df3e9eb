import type { IdempotencyStep } from "../chain/ledger-client";
import type { Role, Scope } from "../shared/scope";

/** The authenticated person behind a request. */
export interface AuthUser {
  id: string;
  name: string;
  role: Role;
  orgId: string;
  address: string;
  /** An admin of the organisation: may deactivate its people and revoke their tokens. */
  isAdmin?: boolean;
  /** How the request authenticated: an API token (bearer) or a console session (cookie). */
  credential?: { kind: "token"; tokenId: string } | { kind: "session"; sessionHash: string; csrfToken: string };
}

/**
 * Who acts, as the application layer sees it: the person and the read scope their role and organisation give.
 * Services take an Actor rather than an HTTP context, so a script, a job or a future transport can call them too.
 */
export interface Actor {
  user: AuthUser;
  scope: Scope;
}

/** The scope of a user: the operator sees the whole network, everyone else their own organisation. */
export function actorOf(user: AuthUser): Actor {
  return { user, scope: { orgId: user.role === "operator" ? null : user.orgId, role: user.role } };
}

/**
 * The idempotency step of the n-th chain write of one request, counted from `base` (the request's first write);
 * undefined when the request carries no Idempotency-Key.
 */
export function stepAt(base: IdempotencyStep | undefined, n: number): IdempotencyStep | undefined {
  return base ? { ...base, step: base.step + n } : undefined;
}
