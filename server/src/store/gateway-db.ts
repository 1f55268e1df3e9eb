import { DISCLOSURES_MIGRATION } from "../disclosures/repo";
import fs from "node:fs";
import path from "node:path";
import { prepared } from "../db/stmt";
import Database from "better-sqlite3";
import { runMigrations } from "../db/migrate";
import { DESK_MIGRATION } from "../desk/repo";
import { SWEEPS_MIGRATION } from "../audit/sweeps";

/**
 * The gateway's own durable state, apart from the index: users and their hashed tokens, custodial keys (encrypted),
 * the transaction journal (every raw signed transaction, written before broadcast), idempotency records and
 * complaints. `synchronous = FULL` so that a row the gateway acted on survives `kill -9` and power loss.
 */
export type GatewayDb = Database.Database;

const MIGRATIONS: string[] = [
  `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TABLE accounts (
     address TEXT PRIMARY KEY,
     purpose TEXT NOT NULL,            -- 'user' | 'treasury' | 'operator'
     org_id TEXT,
     encrypted_key TEXT NOT NULL
   );
   CREATE TABLE users (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL UNIQUE,
     role TEXT NOT NULL,               -- operator | auditor | buyer | supplier | officer
     org_id TEXT NOT NULL,
     address TEXT NOT NULL REFERENCES accounts(address),
     token_hash TEXT NOT NULL UNIQUE,
     created_at TEXT NOT NULL
   );
   CREATE TABLE journal (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     tx_hash TEXT NOT NULL UNIQUE,
     sender TEXT NOT NULL,
     nonce INTEGER NOT NULL,
     raw TEXT NOT NULL,
     status TEXT NOT NULL,             -- 'pending' | 'mined' | 'reverted'
     block_number INTEGER,
     tx_index INTEGER,
     block_timestamp INTEGER,
     created_at TEXT NOT NULL
   );
   CREATE INDEX journal_status ON journal(status);
   CREATE INDEX journal_block ON journal(block_number, tx_index);
   CREATE TABLE idempotency (
     user_id TEXT NOT NULL,
     key TEXT NOT NULL,
     request_hash TEXT NOT NULL,
     status_code INTEGER,
     response TEXT,
     created_at TEXT NOT NULL,
     PRIMARY KEY (user_id, key)
   );
   CREATE TABLE idempotency_steps (
     user_id TEXT NOT NULL,
     key TEXT NOT NULL,
     step INTEGER NOT NULL,
     tx_hash TEXT NOT NULL,
     PRIMARY KEY (user_id, key, step)
   );
   CREATE TABLE complaints (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     kind TEXT NOT NULL,               -- 'invoice_dispute' | 'financing_complaint'
     category TEXT NOT NULL,
     subject_type TEXT NOT NULL,       -- 'invoice' | 'financing'
     subject_id TEXT NOT NULL,
     raised_by_org TEXT NOT NULL,
     raised_by_user TEXT NOT NULL,
     assigned_org TEXT NOT NULL,
     reason TEXT NOT NULL,
     reason_hash TEXT NOT NULL,
     tx_hash TEXT,
     opened_at TEXT NOT NULL,
     response TEXT,
     responded_by TEXT,
     responded_at TEXT
   );
   CREATE INDEX complaints_raised ON complaints(raised_by_org);
   CREATE INDEX complaints_assigned ON complaints(assigned_org);`,
  `CREATE TABLE financing_intents (
     invoice_id TEXT PRIMARY KEY,
     user_id TEXT NOT NULL,
     bank_org_id TEXT NOT NULL,
     amount TEXT NOT NULL,             -- minor units
     status TEXT NOT NULL,             -- 'awaiting_confirmation' | 'submitted' | 'failed'
     request_id TEXT,
     error TEXT,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL
   );`,
  // A user's name is reserved before its key or membership exists, so that concurrent creations of one name cannot
  // both reach the chain; the row is done once the user row exists. Documents are counted per organisation (quota).
  `CREATE TABLE user_creations (
     name TEXT PRIMARY KEY,
     org_id TEXT NOT NULL,
     role TEXT NOT NULL,
     address TEXT NOT NULL,
     status TEXT NOT NULL,             -- 'pending' | 'done'
     created_at TEXT NOT NULL
   );
   CREATE TABLE documents (
     org_id TEXT NOT NULL,
     sha256 TEXT NOT NULL,
     size INTEGER NOT NULL,
     uploaded_by TEXT NOT NULL,
     created_at TEXT NOT NULL,
     PRIMARY KEY (org_id, sha256)
   );`,
  // People and credentials: passwords (scrypt), the admin flag, TOTP, deactivation; API tokens that expire and can be
  // revoked (each user's existing token becomes one, valid 365 days); console sessions; sign-in failures by username.
  `ALTER TABLE users ADD COLUMN password_hash TEXT;
   ALTER TABLE users ADD COLUMN is_admin INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE users ADD COLUMN totp_secret TEXT;
   ALTER TABLE users ADD COLUMN totp_enabled INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE users ADD COLUMN deactivated_at TEXT;
   UPDATE users SET is_admin = 1 WHERE rowid IN (SELECT MIN(rowid) FROM users GROUP BY org_id);  -- each org's first user
   CREATE TABLE api_tokens (
     id TEXT PRIMARY KEY,
     user_id TEXT NOT NULL REFERENCES users(id),
     name TEXT NOT NULL,
     token_hash TEXT NOT NULL UNIQUE,  -- SHA-256 of the token; the token itself is shown once
     created_at TEXT NOT NULL,
     expires_at TEXT NOT NULL,         -- ISO-8601 UTC, compared as text
     revoked_at TEXT
   );
   CREATE INDEX api_tokens_user ON api_tokens(user_id);
   INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, expires_at)
     SELECT 'tok_' || lower(hex(randomblob(8))), id, 'initial', token_hash, created_at, strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+365 days')
     FROM users;
   CREATE TABLE sessions (
     id_hash TEXT PRIMARY KEY,         -- SHA-256 of the cookie's value
     user_id TEXT NOT NULL REFERENCES users(id),
     csrf_token TEXT NOT NULL,
     created_at TEXT NOT NULL,
     expires_at TEXT NOT NULL
   );
   CREATE INDEX sessions_user ON sessions(user_id);
   CREATE TABLE login_failures (
     username TEXT PRIMARY KEY,        -- as typed, whether or not such a user exists (no enumeration)
     failures INTEGER NOT NULL,
     window_started_ms INTEGER NOT NULL,
     locked_until_ms INTEGER
   );`,
  // Signing requests of self-custodied people: the write a route would make, waiting for the owner's signature.
  `CREATE TABLE signing_requests (
     id TEXT PRIMARY KEY,
     user_id TEXT NOT NULL,
     address TEXT NOT NULL,
     operation_id TEXT NOT NULL,      -- the route to re-run with the signature
     inputs TEXT NOT NULL,            -- JSON { params, query, body } as the route received them
     idempotency_key TEXT,            -- the first call's Idempotency-Key: the chain writes are its steps
     done TEXT NOT NULL,              -- JSON [{ to, data, txHash }] of the request's earlier writes
     typed_data TEXT NOT NULL,        -- JSON EIP-712 typed data of the forward request
     summary TEXT NOT NULL,
     deadline INTEGER NOT NULL,       -- the forward request's deadline (unix seconds, the chain's clock)
     status TEXT NOT NULL,            -- 'pending' | 'signing' | 'completed' | 'failed' | 'expired'
     result_status INTEGER,
     result TEXT,
     created_at TEXT NOT NULL,
     completed_at TEXT
   );
   CREATE INDEX signing_requests_user ON signing_requests (user_id, created_at);`,
  // The service desk: cases over complaints, their history, the inbox (desk/repo.ts).
  DESK_MIGRATION,
  // Salted commitments (issue #12): what reaches the chain only as keccak256(value, salt), kept here to answer and
  // disclose. The chain role of each user, as its organisation's admins gave it.
  `CREATE TABLE commitments (
     commitment TEXT PRIMARY KEY,      -- 0x keccak256(utf8(value) || salt), lower case
     entity TEXT NOT NULL,             -- organization | order | invoice | financing | dispute
     field TEXT NOT NULL,              -- name | reference | number | reason | note
     value TEXT NOT NULL,
     salt TEXT NOT NULL,
     created_at TEXT NOT NULL
   );
   ALTER TABLE users ADD COLUMN chain_role TEXT NOT NULL DEFAULT 'member'; -- member | officer | admin | removed
   -- One PUT of a bank's policy is one proposal in the API and one on-chain proposal per change; the API's id is the
   -- first on-chain id.
   CREATE TABLE policy_proposal_groups (
     id TEXT PRIMARY KEY,
     bank_org_id TEXT NOT NULL,
     chain_ids TEXT NOT NULL,          -- JSON array of on-chain proposal ids, in order
     created_at TEXT NOT NULL
   );`,
  // Row-proof sweeps and their mismatches (audit/sweeps.ts).
  SWEEPS_MIGRATION,
  // Selective disclosures made by this gateway's people (disclosures/repo.ts).
  DISCLOSURES_MIGRATION,
  // A document's file name as uploaded, and its content type as read from its first bytes (documents/service.ts).
  `ALTER TABLE documents ADD COLUMN file_name TEXT;
   ALTER TABLE documents ADD COLUMN content_type TEXT;`,
];

export function openGatewayDb(dataDir: string): GatewayDb {
  fs.mkdirSync(dataDir, { recursive: true });
  const db = new Database(path.join(dataDir, "gateway.db"));
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  runMigrations(
    db,
    MIGRATIONS,
    "gateway",
    "upgrade the gateway: its users, keys and journal cannot be rebuilt from the chain.",
  );
  return db;
}

export function getMeta(db: GatewayDb, key: string): string | undefined {
  return (prepared(db, "SELECT value FROM meta WHERE key = ?").get(key) as { value: string } | undefined)?.value;
}

export function setMeta(db: GatewayDb, key: string, value: string): void {
  prepared(db, "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(
    key,
    value,
  );
}

/**
 * Runs `fn` (its statements, or one transaction of them) without an fsync at commit. gateway.db runs with
 * synchronous=FULL; in WAL mode a commit under NORMAL is appended to the write-ahead log like any other and survives
 * a killed process at once, and the next fsynced commit (the journal's `record` before every broadcast) carries it to
 * disk with everything before it, since the log is append-only. So a write that only matters once a transaction is
 * journaled (a commitment's salt), or that is derived and idempotent (notifications from indexed events, a mined
 * mark), costs no fsync of its own.
 */
export function withoutFsync<T>(db: GatewayDb, fn: () => T): T {
  prepared(db, "PRAGMA synchronous = NORMAL").run();
  try {
    return fn();
  } finally {
    prepared(db, "PRAGMA synchronous = FULL").run();
  }
}
