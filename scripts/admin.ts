/**
 * Admin CLI: onboard and suspend organisations, create and deactivate people, issue and revoke API tokens, all
 * through the gateway's API (so the same rules apply as for any client).
 *
 *   npm run admin -- org --kind supplier --name "Delta Castings"      (also: org create ...)
 *   npm run admin -- org suspend --id 2
 *   npm run admin -- org reinstate --id 2
 *   npm run admin -- user --org 2 --name alice --role supplier        (also: user create ...)
 *   npm run admin -- user deactivate --id u_0123456789abcdef          (an admin of that user's organisation)
 *   npm run admin -- token create --name erp --days 90
 *   npm run admin -- token list [--user u_0123456789abcdef]
 *   npm run admin -- token revoke --id tok_0123456789abcdef
 *
 * The gateway URL and the token come from --url/--token, TRELLIS_URL/TRELLIS_TOKEN (or TRELLIS_OPERATOR_TOKEN), or
 * the data directory's demo-credentials.json (--data-dir, default ./data; the operator's token, or --as <demo user>).
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "../server/src/config";

const USAGE = `usage: npm run admin -- <command>
  org [create] --kind <core_enterprise|supplier|bank|auditor> --name <name> [--kyc <0x hash>]
  org suspend --id <orgId>            org reinstate --id <orgId>
  user [create] --org <orgId> --name <name> --role <buyer|supplier|officer|auditor|operator>
  user deactivate --id <userId>
  token create --name <name> --days <1-365>
  token list [--user <userId>]        token revoke --id <tokenId>
options: --url <gateway URL>  --token <API token>  --data-dir <dir>  --as <demo user, default operator>
`;

type Call = { method: "GET" | "POST" | "DELETE"; route: string; body?: Record<string, unknown>; note?: string };

function plan(command: string | undefined, verb: string, flags: Record<string, string | boolean | undefined>): Call | undefined {
  const s = (k: string) => (flags[k] === undefined || flags[k] === true ? "" : String(flags[k]));
  const shownOnce = "\nThe token above is shown once; the gateway keeps only its hash.\n";
  if (command === "org" && verb === "create") return { method: "POST", route: "/orgs", body: { kind: s("kind"), name: s("name"), ...(flags.kyc ? { kycHash: s("kyc") } : {}) } };
  if (command === "org" && (verb === "suspend" || verb === "reinstate")) return { method: "POST", route: `/orgs/${encodeURIComponent(s("id"))}/${verb}` };
  if (command === "user" && verb === "create") return { method: "POST", route: "/users", body: { orgId: s("org"), name: s("name"), role: s("role") }, note: shownOnce };
  if (command === "user" && verb === "deactivate") return { method: "POST", route: `/users/${encodeURIComponent(s("id"))}/deactivate` };
  if (command === "token" && verb === "create") return { method: "POST", route: "/tokens", body: { name: s("name"), expiresInDays: Number(s("days") || "90") }, note: shownOnce };
  if (command === "token" && verb === "list") return { method: "GET", route: `/tokens${flags.user ? `?userId=${encodeURIComponent(s("user"))}` : ""}` };
  if (command === "token" && verb === "revoke") return { method: "DELETE", route: `/tokens/${encodeURIComponent(s("id"))}` };
  return undefined;
}

async function main(): Promise<void> {
  const [command, second, ...others] = process.argv.slice(2);
  // The verb is optional for the two original commands: `org --kind ...` still creates an organisation.
  const hasVerb = second !== undefined && !second.startsWith("--");
  const verb = hasVerb ? second : "create";
  const flags = parseArgs(hasVerb ? others : [second, ...others].filter((a) => a !== undefined));
  const call = plan(command, verb, flags);
  if (!call) {
    process.stderr.write(USAGE);
    process.exit(2);
  }
  const dataDir = String(flags["data-dir"] ?? process.env.TRELLIS_DATA_DIR ?? "./data");
  const credsFile = path.resolve(dataDir, "demo-credentials.json");
  const creds = fs.existsSync(credsFile) ? JSON.parse(fs.readFileSync(credsFile, "utf8")) : undefined;
  const url = String(flags.url ?? process.env.TRELLIS_URL ?? creds?.baseUrl ?? "http://127.0.0.1:3000");
  const as = String(flags.as ?? "operator");
  const token = String(flags.token ?? process.env.TRELLIS_TOKEN ?? process.env.TRELLIS_OPERATOR_TOKEN ?? creds?.users?.[as]?.token ?? "");
  if (!token) throw new Error("no API token: pass --token or set TRELLIS_TOKEN");
  const res = await fetch(`${url}/api/v1${call.route}`, {
    method: call.method,
    headers: { authorization: `Bearer ${token}`, ...(call.body ? { "content-type": "application/json" } : {}) },
    body: call.body ? JSON.stringify(call.body) : undefined,
  });
  const out = (await res.json()) as { error?: { code: string; message: string } };
  if (!res.ok) {
    process.stderr.write(`refused (${res.status}): ${out.error?.code}: ${out.error?.message}\n`);
    process.exit(1);
  }
  process.stdout.write(JSON.stringify(out, null, 2) + "\n");
  if (call.note) process.stderr.write(call.note);
}

main().catch((err) => {
  process.stderr.write(`admin: ${(err as Error).message}\n`);
  process.exit(1);
});
