/**
 * The gateway's roles, defined once: the type, the API's enum (zod and OpenAPI) and the route tables' "everyone"
 * all read this list. The operator runs the platform, auditors read everything, buyers and suppliers act for their
 * enterprise, officers for their bank.
 */
export const ROLES = ["operator", "auditor", "buyer", "supplier", "officer"] as const;

export type Role = (typeof ROLES)[number];
