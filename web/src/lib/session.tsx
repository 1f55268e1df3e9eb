import { createContext, useContext } from "react";
import { api, ApiError, call, setCsrfToken } from "../api/client";
import type { DirectoryEntry, Me, SessionAnswer } from "../api/types";

export interface Session {
  me: Me;
  orgs: DirectoryEntry[];
  orgName: (id: string | null | undefined) => string;
  logout: () => void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside a signed-in console");
  return session;
}

/** Keeps the session's CSRF token (in memory only) and answers the signed-in user and organisation, as GET /me does. */
function adopt(answer: SessionAnswer): Me {
  setCsrfToken(answer.csrfToken);
  if (!answer.org) throw new ApiError(503, "NOT_INDEXED", "Your organisation is not in the ledger's index yet; try again in a moment.");
  // The session names the admin flag isAdmin; GET /me calls it admin. The console reads `admin`.
  return { user: { ...answer.user, admin: answer.user.isAdmin === true }, org: answer.org };
}

/** Signs in with username, password and, once enrolled, the authenticator's code. */
export async function signIn(username: string, password: string, totp?: string): Promise<Me> {
  return adopt(await call(api.POST("/api/v1/sessions", { body: { username, password, ...(totp ? { totp } : {}) } })));
}

/** The session the browser's cookie still holds (after a reload), or null when there is none. */
export async function resumeSession(): Promise<Me | null> {
  try {
    return adopt(await call(api.GET("/api/v1/sessions/current")));
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return null;
    throw e;
  }
}

/** Ends the session on the gateway (which clears the cookie); forgets the CSRF token either way. */
export async function signOut(): Promise<void> {
  try {
    await call(api.DELETE("/api/v1/sessions/current"));
  } catch {
    // Already ended (expired, or deactivated): nothing left to end.
  } finally {
    setCsrfToken(null);
  }
}
