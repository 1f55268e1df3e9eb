import { prepared } from "../db/stmt";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Wallet } from "ethers";
import { makeWallet } from "../chain/native-crypto";
import type { GatewayDb } from "./gateway-db";
import { AppError } from "../shared/errors";

/**
 * Custodial keys, encrypted at rest with AES-256-GCM under a master key. The master key comes from
 * TRELLIS_MASTER_KEY (64 hex characters) or, failing that, from `<dataDir>/master.key` (created 0600 on first start).
 * Keep the master key apart from backups of the data directory in production.
 */
export class KeyVault {
  private readonly masterKey: Buffer;
  private readonly cache = new Map<string, Wallet>();

  constructor(
    private readonly db: GatewayDb,
    dataDir: string,
    envKey = process.env.TRELLIS_MASTER_KEY,
  ) {
    if (envKey) {
      if (!/^[0-9a-fA-F]{64}$/.test(envKey)) throw new Error("TRELLIS_MASTER_KEY must be 64 hex characters (32 bytes)");
      this.masterKey = Buffer.from(envKey, "hex");
    } else {
      const file = path.join(dataDir, "master.key");
      if (!fs.existsSync(file)) fs.writeFileSync(file, crypto.randomBytes(32).toString("hex"), { mode: 0o600 });
      this.masterKey = Buffer.from(fs.readFileSync(file, "utf8").trim(), "hex");
    }
  }

  /** Creates a new key, stores it encrypted and returns its wallet. */
  create(purpose: "user" | "treasury" | "operator" | "keeper", orgId: string | null): Wallet {
    const w = makeWallet("0x" + crypto.randomBytes(32).toString("hex"));
    prepared(this.db, "INSERT INTO accounts (address, purpose, org_id, encrypted_key) VALUES (?, ?, ?, ?)").run(
      w.address,
      purpose,
      orgId,
      this.encrypt(w.privateKey),
    );
    this.cache.set(w.address.toLowerCase(), w);
    return w;
  }

  /** Registers an account whose key stays with its owner (non-custodial): it can only act through /relay. */
  registerExternal(address: string, orgId: string): void {
    prepared(this.db, "INSERT INTO accounts (address, purpose, org_id, encrypted_key) VALUES (?, 'user', ?, '')").run(
      address,
      orgId,
    );
  }

  /**
   * Who holds the key of `address`: the gateway ("gateway", encrypted here) or its owner ("self": the row records the
   * account with no key, and every write of it goes through a signing request); undefined for an unknown account.
   */
  custodyOf(address: string): "gateway" | "self" | undefined {
    const row = prepared(this.db, "SELECT encrypted_key FROM accounts WHERE address = ? COLLATE NOCASE").get(
      address,
    ) as { encrypted_key: string } | undefined;
    if (!row) return undefined;
    return row.encrypted_key === "" ? "self" : "gateway";
  }

  /**
   * Whether the wallet of `address` is loaded: its key is in this vault (custodial). A key is never removed from an
   * account nor added to a self-custodied one, so the write path asks this before custodyOf's lookup, which compares
   * addresses without case and so cannot use the table's key (1.7 % of the gateway's CPU under interval mining).
   */
  hasWallet(address: string): boolean {
    return this.cache.has(address.toLowerCase());
  }

  /** The addresses whose private key this vault holds (encrypted), for audits: a self-custodied account is never one. */
  custodialAddresses(): string[] {
    return prepared(this.db, "SELECT address FROM accounts WHERE encrypted_key <> ''").pluck().all() as string[];
  }

  /** Registers a self-custodied account of any purpose (a bank's treasury held by the bank): no key is stored. */
  registerSelfCustodied(address: string, purpose: "user" | "treasury", orgId: string | null): void {
    prepared(this.db, "INSERT INTO accounts (address, purpose, org_id, encrypted_key) VALUES (?, ?, ?, '')").run(
      address,
      purpose,
      orgId,
    );
  }

  /** The treasury account address of an organisation, custodial or not. */
  treasuryAddressOf(orgId: string): string | undefined {
    return (
      prepared(this.db, "SELECT address FROM accounts WHERE purpose = 'treasury' AND org_id = ?").get(orgId) as
        { address: string } | undefined
    )?.address;
  }

  /** Returns the wallet of a custodial account. */
  wallet(address: string): Wallet {
    const cached = this.cache.get(address.toLowerCase());
    if (cached) return cached;
    const row = prepared(this.db, "SELECT encrypted_key FROM accounts WHERE address = ? COLLATE NOCASE").get(
      address,
    ) as { encrypted_key: string } | undefined;
    if (!row || row.encrypted_key === "") {
      throw new AppError(
        "conflict",
        "NON_CUSTODIAL_ACCOUNT",
        "This account holds its own key: its writes answer 202 with a signing request (or sign a forward request for /api/v1/relay).",
      );
    }
    const w = makeWallet(this.decrypt(row.encrypted_key));
    this.cache.set(address.toLowerCase(), w);
    return w;
  }

  /** The treasury account of an organisation. */
  treasuryOf(orgId: string): Wallet {
    const row = prepared(this.db, "SELECT address FROM accounts WHERE purpose = 'treasury' AND org_id = ?").get(
      orgId,
    ) as { address: string } | undefined;
    if (!row) throw new Error(`organisation ${orgId} has no custodial treasury`);
    return this.wallet(row.address);
  }

  private encrypt(plain: string): string {
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv("aes-256-gcm", this.masterKey, iv);
    const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
    return [iv, cipher.getAuthTag(), body].map((b) => b.toString("base64")).join(".");
  }

  private decrypt(stored: string): string {
    const [iv, tag, body] = stored.split(".").map((s) => Buffer.from(s, "base64"));
    const decipher = crypto.createDecipheriv("aes-256-gcm", this.masterKey, iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString("utf8");
  }
}
