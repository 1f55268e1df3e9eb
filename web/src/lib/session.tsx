import { createContext, useContext } from "react";
import type { Me, DirectoryEntry } from "../api/types";

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
