import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { concat, hexlify, keccak256, toUtf8Bytes } from "ethers";
import { prepared } from "../db/stmt";
import { withoutFsync, type GatewayDb } from "../store/gateway-db";

/**
 * Salted commitments (issue #12): a reference, an invoice number, a reason or a name reaches the chain only as
 * keccak256(utf8(value) ‖ salt) with a 32-byte random salt. The value and its salt stay in this gateway's
 * `commitments` table, so the parties' gateway can answer the plain text and later disclose it (value + salt) to an
 * auditor, who recomputes the hash against the chain without trusting the gateway.
 */

/** What a commitment is about: the entity kind and the field of it. */
export type CommitmentEntity = "organization" | "order" | "invoice" | "financing" | "dispute" | "note";

/** The longest free text the gateway commits to (characters after NFC normalisation). */
export const MAX_TEXT = 2000;

/** keccak256 of the UTF-8 bytes of `value` followed by the 32-byte salt. */
export function commitmentOf(value: string, salt: string): string {
  return keccak256(concat([toUtf8Bytes(value), salt]));
}

/** Creates a fresh commitment to `value`, records value and salt, and returns the commitment. */
export function commit(gdb: GatewayDb, entity: CommitmentEntity, field: string, value: string): string {
  const salt = hexlify(crypto.randomBytes(32));
  const commitment = commitmentOf(value, salt);
  // No fsync of its own: the commitment only matters once a transaction carrying it is journaled, and the journal's
  // fsynced commit before the broadcast carries this row to disk with it (withoutFsync).
  withoutFsync(gdb, () =>
    prepared(
      gdb,
      "INSERT INTO commitments (commitment, entity, field, value, salt, created_at) VALUES (?, ?, ?, ?, ?, ?)",
    ).run(commitment, entity, field, value, salt, new Date().toISOString()),
  );
  return commitment;
}

/** The value and salt behind a commitment this gateway made, or undefined (another gateway's, or not one). */
export function opening(
  gdb: GatewayDb,
  commitment: string,
): { entity: string; field: string; value: string; salt: string } | undefined {
  return gdb
    .prepare("SELECT entity, field, value, salt FROM commitments WHERE commitment = ?")
    .get(commitment.toLowerCase()) as { entity: string; field: string; value: string; salt: string } | undefined;
}

/** A reader the indexer's projections use to show the plain value of a commitment this gateway holds. */
export function revealer(gdb: GatewayDb): (commitment: string) => string | undefined {
  const stmt = gdb.prepare("SELECT value FROM commitments WHERE commitment = ?");
  return (c) => (stmt.get(c.toLowerCase()) as { value: string } | undefined)?.value;
}

/**
 * Normalises an invoice number for the uniqueness key: Unicode NFKC (so full-width and half-width digits agree),
 * trimmed, inner whitespace collapsed, upper-cased. "inv-7", " INV-7 " and "ＩＮＶ-７" are one number.
 */
export function normaliseInvoiceNumber(n: string): string {
  return n.normalize("NFKC").trim().replace(/\s+/g, " ").toUpperCase();
}

/**
 * The invoice's uniqueness key: HMAC-SHA256 under the consortium key of the supplier's organisation id and the
 * normalised number. Every consortium gateway holding the key computes the same key for the same invoice, so the
 * ledger's `InvoiceDuplicate` check still holds network-wide; a chain reader without the key cannot test guesses.
 */
export function invoiceKey(consortiumKey: Buffer, supplierOrgId: string, invoiceNumber: string): string {
  const mac = crypto
    .createHmac("sha256", consortiumKey)
    .update(`${BigInt(supplierOrgId).toString()}\n${normaliseInvoiceNumber(invoiceNumber)}`);
  return "0x" + mac.digest("hex");
}

/**
 * The consortium key: `TRELLIS_CONSORTIUM_KEY` (64 hex characters) when set, otherwise `<dataDir>/consortium.key`,
 * created with 32 random bytes on the first start (the demo's single gateway). Gateways of one network must share it.
 */
export function loadConsortiumKey(dataDir: string, fromEnv = process.env.TRELLIS_CONSORTIUM_KEY): Buffer {
  if (fromEnv !== undefined && fromEnv !== "") {
    const hex = fromEnv.replace(/^0x/, "");
    if (!/^[0-9a-fA-F]{64}$/.test(hex))
      throw new Error("TRELLIS_CONSORTIUM_KEY must be 32 bytes as 64 hexadecimal characters.");
    return Buffer.from(hex, "hex");
  }
  const file = path.join(dataDir, "consortium.key");
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, crypto.randomBytes(32).toString("hex") + "\n", { mode: 0o600, flag: "wx" });
  }
  const hex = fs.readFileSync(file, "utf8").trim();
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new Error(`${file} must hold 32 bytes as 64 hexadecimal characters.`);
  return Buffer.from(hex, "hex");
}

const keys = new Map<string, Buffer>();
/** The consortium key of a data directory, loaded once per process. */
export function consortiumKeyOf(dataDir: string): Buffer {
  let key = keys.get(dataDir);
  if (!key) {
    key = loadConsortiumKey(dataDir);
    keys.set(dataDir, key);
  }
  return key;
}
