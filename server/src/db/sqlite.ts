import fs from "node:fs";
import path from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { MIGRATIONS } from "./migrations";
import { runMigrations } from "./migrate";

export type Database = BetterSqlite3.Database;

/**
 * Opens (creating if needed) the index database at `file` and brings its schema up to date.
 *
 * WAL lets the gateway's reads run while the indexer writes; synchronous=NORMAL is safe under WAL (a power cut can
 * lose the last transactions but never corrupt the file), and losing them only means re-indexing a few blocks.
 * Migrations are idempotent: each runs once, in its own transaction, recorded in `schema_version`.
 */
export function openIndexDb(file: string): Database {
  if (file !== ":memory:") fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new BetterSqlite3(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  // A bigger page cache and memory-mapped reads keep history queries in memory at a million events.
  db.pragma("cache_size = -65536");
  db.pragma("mmap_size = 268435456");
  db.pragma("temp_store = MEMORY");
  migrate(db);
  return db;
}

/** Applies the migrations this database has not seen yet. */
export function migrate(db: Database): void {
  runMigrations(db, MIGRATIONS, "index", "delete index.db to rebuild it from the chain, or upgrade the gateway.");
}
