/**
 * Operator CLI: onboard organisations and issue user tokens through the gateway's API.
 *
 *   npm run admin -- org --kind supplier --name "Delta Castings"
 *   npm run admin -- user --org 2 --name alice --role supplier
 *
 * The gateway URL and the operator's token come from --url/--token, TRELLIS_URL/TRELLIS_OPERATOR_TOKEN, or the data
 * directory's demo-credentials.json (--data-dir, default ./data).
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
  if (command === "org") {
    route = "/orgs";
    body = { kind: flags.kind, name: flags.name, ...(flags.kyc ? { kycHash: flags.kyc } : {}) };
  } else if (command === "user") {
    route = "/users";
    body = { orgId: String(flags.org ?? ""), name: flags.name, role: flags.role };
  } else {
    process.stderr.write("usage: npm run admin -- org --kind <core_enterprise|supplier|bank|auditor> --name <name>\n       npm run admin -- user --org <orgId> --name <name> --role <buyer|supplier|officer|auditor|operator>\n");
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
  if (command === "user") process.stdout.write("\nThe token above is shown once; the gateway keeps only its hash.\n");
}

main().catch((err) => {
  process.stderr.write(`admin: ${(err as Error).message}\n`);
  process.exit(1);
});
