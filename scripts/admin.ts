/**
 * Governance CLI over the gateway's API.
 *
 *   npm run admin -- org --kind supplier --name "Delta Castings" --admin delta-admin     (operator)
 *   npm run admin -- suspend --org 6          /  reinstate --org 6                       (operator)
 *   npm run admin -- member --org 6 --name alice --role member --token <admin's token>   (an admin of org 6)
 *   npm run admin -- approve --org 3 --proposal 4 --token <a second governor's token>
 *   npm run admin -- user --name ops2                                                    (a platform user)
 *
 * The operator only onboards, suspends and reinstates; an organisation's own admins add its members. The gateway URL
 * and the token come from --url/--token, TRELLIS_URL/TRELLIS_OPERATOR_TOKEN, or the data directory's
 * demo-credentials.json (--data-dir, default ./data; the operator's token).
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "../server/src/config";

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  const flags = parseArgs(rest);
  const dataDir = String(flags["data-dir"] ?? process.env.TRELLIS_DATA_DIR ?? "./data");
  const credsFile = path.resolve(dataDir, "demo-credentials.json");
  const creds = fs.existsSync(credsFile) ? JSON.parse(fs.readFileSync(credsFile, "utf8")) : undefined;
  const url = String(flags.url ?? process.env.TRELLIS_URL ?? creds?.baseUrl ?? "http://127.0.0.1:3000");
  const token = String(flags.token ?? process.env.TRELLIS_OPERATOR_TOKEN ?? creds?.users?.operator?.token ?? "");
  if (!token) throw new Error("no operator token: pass --token or TRELLIS_OPERATOR_TOKEN");
  let body: Record<string, unknown>;
  let route: string;
  const org = String(flags.org ?? "");
  if (command === "org") {
    route = "/orgs";
    body = { kind: flags.kind, name: flags.name, admin: { name: flags.admin }, ...(flags.kyc ? { kycHash: flags.kyc } : {}) };
  } else if (command === "suspend" || command === "reinstate") {
    route = `/orgs/${org}/${command}`;
    body = {};
  } else if (command === "member") {
    route = `/orgs/${org}/members`;
    body = { name: flags.name, role: flags.role ?? "member", ...(flags.address ? { address: flags.address } : {}) };
  } else if (command === "approve") {
    route = `/orgs/${org}/members/${String(flags.proposal ?? "")}/approve`;
    body = {};
  } else if (command === "user") {
    route = "/users";
    body = { orgId: "0", name: flags.name, role: "operator" };
  } else {
    process.stderr.write(
      "usage: npm run admin -- org --kind <core_enterprise|supplier|bank|auditor> --name <name> --admin <user name>\n" +
        "       npm run admin -- suspend|reinstate --org <orgId>\n" +
        "       npm run admin -- member --org <orgId> --name <name> [--role member|officer|admin] [--address 0x...] --token <admin token>\n" +
        "       npm run admin -- approve --org <orgId> --proposal <id> --token <governor token>\n" +
        "       npm run admin -- user --name <name>   (a platform user)\n",
    );
    process.exit(2);
  }
  const res = await fetch(`${url}/api/v1${route}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const out = (await res.json()) as { error?: { code: string; message: string } };
  if (!res.ok) {
    process.stderr.write(`refused (${res.status}): ${out.error?.code}: ${out.error?.message}\n`);
    process.exit(1);
  }
  process.stdout.write(JSON.stringify(out, null, 2) + "\n");
  if (command === "user" || command === "member" || command === "org") process.stdout.write("\nThe token above is shown once; the gateway keeps only its hash.\n");
}

main().catch((err) => {
  process.stderr.write(`admin: ${(err as Error).message}\n`);
  process.exit(1);
});
