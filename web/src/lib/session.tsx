import { createContext, useContext } from "react";
import { api, ApiError, setCsrfToken } from "../api/client";
import type { Me, Organisation } from "../api/types";

export interface Session {
  me: Me;
  orgs: Organisation[];
  orgName: (id: string | null | undefined) => string;
  logout: () => void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside a signed-in console");
  return session;
}

/** What POST /sessions and GET /sessions/current answer; the session itself is the HttpOnly cookie. */
interface SessionAnswer {
  user: Me["user"] & { orgId: string; isAdmin: boolean; totpEnabled: boolean };
  org: Organisation;
  csrfToken: string;
  expiresAt: string;
}

function adopt(answer: SessionAnswer): Me {
  setCsrfToken(answer.csrfToken);
  return { user: answer.user, org: answer.org };
}

/** Signs in with username, password and, once enrolled, the authenticator's code. */
export async function signIn(username: string, password: string, totp?: string): Promise<Me> {
  return adopt(await api.post<SessionAnswer>("/sessions", { username, password, ...(totp ? { totp } : {}) }));
}

/** The session the browser's cookie still holds (after a reload), or null when there is none. */
export async function resumeSession(): Promise<Me | null> {
  try {
    return adopt(await api.get<SessionAnswer>("/sessions/current"));
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return null;
    throw e;
  }
}

/** Ends the session on the gateway (which clears the cookie); forgets the CSRF token either way. */
export async function signOut(): Promise<void> {
  try {
    await api.delete("/sessions/current");
  } catch {
    // Already ended (expired, or deactivated): nothing left to end.
  } finally {
    setCsrfToken(null);
  }
}
