import type BetterSqlite3 from "better-sqlite3";

/**
 * The one migration runner, for both databases (index.db and gateway.db). Each migration runs once, in its own
 * transaction, and is recorded as a row of `schema_version (version, applied_at)`.
 *
 * `newerHint` finishes the sentence a person reads when the file is from a newer gateway than this one.
 */
export function runMigrations(db: BetterSqlite3.Database, migrations: readonly string[], name: string, newerHint: string): void {
  db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)");
  upgradeSingleRowVersion(db);
  const current = (db.prepare("SELECT COALESCE(MAX(version), 0) AS v FROM schema_version").get() as { v: number }).v;
  if (current > migrations.length) {
    throw new Error(`The ${name} database is at schema version ${current}, newer than this gateway knows (${migrations.length}); ${newerHint}`);
  }
  const record = db.prepare("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)");
  for (let v = current + 1; v <= migrations.length; v++) {
    db.transaction(() => {
      db.exec(migrations[v - 1]);
      record.run(v, new Date().toISOString());
    })();
  }
}

/**
 * gateway.db files written before the runner was shared kept one row `schema_version (version)` holding the current
 * version; they are rewritten to one row per applied version, so both databases read the same way.
 */
function upgradeSingleRowVersion(db: BetterSqlite3.Database): void {
  const columns = db.prepare("SELECT name FROM pragma_table_info('schema_version')").pluck().all() as string[];
  if (columns.includes("applied_at")) return;
  db.transaction(() => {
    const current = (db.prepare("SELECT COALESCE(MAX(version), 0) AS v FROM schema_version").get() as { v: number }).v;
    db.exec(`ALTER TABLE schema_version RENAME TO schema_version_old;
      CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL);
      DROP TABLE schema_version_old;`);
    const record = db.prepare("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)");
    for (let v = 1; v <= current; v++) record.run(v, "before the shared migration runner");
  })();
}
