import type { GatewayDb } from "../store/gateway-db";
import type { DisclosureRecord } from "./schemas";

/** The disclosures table: every disclosure this gateway's people made, kept so its audience can fetch it by id. */
export const DISCLOSURES_MIGRATION = `CREATE TABLE disclosures (
  id TEXT PRIMARY KEY,
  entity_type TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  audience_org_id TEXT NOT NULL,
  issued_by_org_id TEXT NOT NULL,
  issued_by_user TEXT NOT NULL,
  body TEXT NOT NULL,               -- the disclosure as handed over (JSON)
  created_at TEXT NOT NULL
);
CREATE INDEX disclosures_audience ON disclosures (audience_org_id, created_at);`;

export function insertDisclosure(db: GatewayDb, d: DisclosureRecord): void {
  db.prepare(
    `INSERT INTO disclosures (id, entity_type, entity_id, audience_org_id, issued_by_org_id, issued_by_user, body, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(d.id, d.entityType, d.entityId, d.audience, d.issuedBy.orgId, d.issuedBy.userId, JSON.stringify(d), d.createdAt);
}

export function getDisclosure(db: GatewayDb, id: string): DisclosureRecord | undefined {
  const row = db.prepare("SELECT body FROM disclosures WHERE id = ?").get(id) as { body: string } | undefined;
  return row ? (JSON.parse(row.body) as DisclosureRecord) : undefined;
}

/** Records an opening learned from a verified disclosure (a no-op when this gateway already holds it). */
export function keepOpening(db: GatewayDb, o: { commitment: string; entity: string; field: string; value: string; salt: string }): boolean {
  return (
    db
      .prepare("INSERT OR IGNORE INTO commitments (commitment, entity, field, value, salt, created_at) VALUES (?, ?, ?, ?, ?, ?)")
      .run(o.commitment.toLowerCase(), o.entity, o.field, o.value, o.salt, new Date().toISOString()).changes === 1
  );
}
