import type { Me } from "../api/types";

/** Who files and handles cases: the network's members. Auditors and the operator read them. */
export const files = (me: Me): boolean => ["buyer", "supplier", "officer"].includes(me.user.role);

/**
 * Whether the person is an admin of their organisation. Signing in and resuming a session answer it (GET /me does
 * not), and the console keeps that answer as its `me`.
 */
export const isOrgAdmin = (me: Me): boolean => "isAdmin" in me.user && me.user.isAdmin === true;
