import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { Logger } from "pino";
import type { Services } from "../services";
import { commitmentOf } from "../commitments/service";
import { chainCommitments } from "./onchain";
import { keepOpening } from "./repo";

/**
 * The consortium directory: the organisations' names, which reach the chain only as salted commitments. The
 * gateway that onboards organisations (the platform's) writes `directory.json` beside `deployment.json`: for each
 * organisation its id, name, salt and commitment. A member's own gateway (`--deployment`, `--directory`) imports
 * it, and keeps a name only when keccak256(name ‖ salt) is the commitment the ledger's OrganizationRegistered
 * event carries for that id, so a wrong or forged file shows nothing wrong; it only fails to name.
 */

const Entry = z.object({ orgId: z.string().regex(/^[1-9][0-9]*$/), name: z.string().min(1).max(2000), salt: z.string().regex(/^0x[0-9a-fA-F]{64}$/), commitment: z.string().regex(/^0x[0-9a-fA-F]{64}$/) });
const DirectoryFile = z.object({ chainId: z.number().int(), ledger: z.string(), organizations: z.array(Entry) });

export const DIRECTORY_FILE = "directory.json";

/** Writes this gateway's directory of the organisations whose names it committed (the onboarding gateway's). */
export function writeDirectory(s: Services): number {
  const rows = s.gdb
    .prepare("SELECT commitment, value, salt FROM commitments WHERE entity = 'organization' AND field = 'name'")
    .all() as { commitment: string; value: string; salt: string }[];
  const byCommitment = new Map(rows.map((r) => [r.commitment.toLowerCase(), r]));
  const indexed = s.idb.prepare("SELECT id, name_commitment AS c FROM organizations WHERE name_commitment IS NOT NULL ORDER BY id").all() as { id: number; c: string }[];
  const organizations = indexed.flatMap(({ id, c }) => {
    const r = byCommitment.get(c.toLowerCase());
    return r ? [{ orgId: String(id), name: r.value, salt: r.salt, commitment: r.commitment }] : [];
  });
  if (organizations.length === 0) return 0;
  const file = path.join(s.config.dataDir, DIRECTORY_FILE);
  const tmp = file + ".tmp";
  fs.writeFileSync(tmp, JSON.stringify({ chainId: Number(s.ledger.chainId), ledger: s.ledger.addresses.ledger, organizations }, null, 2) + "\n");
  fs.renameSync(tmp, file);
  return organizations.length;
}

/**
 * Imports a directory file: each name whose opening matches the ledger's commitment for that organisation is kept
 * and shown. Returns how many names were kept and how many were refused (no such organisation, or no match).
 */
export async function importDirectory(s: Services, file: string, logger: Logger): Promise<{ kept: number; refused: number }> {
  const parsed = DirectoryFile.safeParse(JSON.parse(fs.readFileSync(file, "utf8")));
  if (!parsed.success) throw new Error(`${file}: not a Trellis directory (${parsed.error.issues[0]?.message})`);
  const d = parsed.data;
  if (d.chainId !== Number(s.ledger.chainId) || d.ledger.toLowerCase() !== s.ledger.addresses.ledger.toLowerCase()) {
    throw new Error(`${file} is the directory of ledger ${d.ledger} on chain ${d.chainId}, not of this gateway's ${s.ledger.addresses.ledger}`);
  }
  let kept = 0;
  let refused = 0;
  for (const e of d.organizations) {
    const onChain = (await chainCommitments(s, "organization", e.orgId, ["name"])).items[0].commitment;
    if (!onChain || onChain !== commitmentOf(e.name, e.salt).toLowerCase() || onChain !== e.commitment.toLowerCase()) {
      refused += 1;
      continue;
    }
    keepOpening(s.gdb, { commitment: onChain, entity: "organization", field: "name", value: e.name, salt: e.salt });
    s.indexer.applyOpening(onChain, e.name);
    kept += 1;
  }
  logger.info({ file, kept, refused }, "imported the consortium directory");
  return { kept, refused };
}
