import { WEBHOOK_OUTBOX_MIGRATION } from "../webhooks/outbox";
/**
 * The index database's schema, as an ordered list of migrations. The index is derived data: every table can be
 * rebuilt from the chain, so a migration that changes a projection may simply drop it and let the indexer replay.
 *
 * Amounts are TEXT of decimal minor units because they are uint88 on-chain and SQLite integers stop at 2^63.
 * Times are INTEGER unix seconds (block timestamps). Ids are INTEGER (uint32 on-chain).
 * Audit events are keyed by `seq = blockNumber * 1_000_000 + logIndex`: one integer that orders the chain, so keyset
 * pagination and range filters run on one index column (a block never holds a million logs).
 */
export const MIGRATIONS: readonly string[] = [
  // 1: indexer bookkeeping, raw logs, audit events.
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
  CREATE TABLE checkpoint (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    chain_id INTEGER NOT NULL,
    block_number INTEGER NOT NULL,
    block_hash TEXT
  );
  CREATE TABLE blocks (
    number INTEGER PRIMARY KEY,
    hash TEXT NOT NULL,
    parent_hash TEXT NOT NULL,
    timestamp INTEGER NOT NULL,
    has_logs INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX blocks_timestamp ON blocks (timestamp);
  CREATE TABLE raw_logs (
    chain_id INTEGER NOT NULL,
    block_number INTEGER NOT NULL,
    log_index INTEGER NOT NULL,
    block_hash TEXT NOT NULL,
    tx_hash TEXT NOT NULL,
    tx_index INTEGER NOT NULL,
    address TEXT NOT NULL,
    topics TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (chain_id, block_number, log_index)
  ) WITHOUT ROWID;
  CREATE TABLE events (
    seq INTEGER PRIMARY KEY,
    chain_id INTEGER NOT NULL,
    block_number INTEGER NOT NULL,
    log_index INTEGER NOT NULL,
    block_hash TEXT NOT NULL,
    tx_hash TEXT NOT NULL,
    timestamp INTEGER NOT NULL,
    event_type TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    actor TEXT,
    org_ids TEXT NOT NULL,
    args TEXT NOT NULL
  );
  CREATE INDEX events_entity ON events (entity_type, entity_id, seq);
  CREATE INDEX events_type ON events (event_type, seq);
  CREATE INDEX events_tx ON events (tx_hash);
  CREATE TABLE event_orgs (org_id INTEGER NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (org_id, seq)) WITHOUT ROWID;
  `,
  // 2: projections of the ledger's state.
  `
  CREATE TABLE organizations (
    id INTEGER PRIMARY KEY,
    kind INTEGER NOT NULL,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    treasury TEXT NOT NULL,
    kyc_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX organizations_treasury ON organizations (treasury);
  CREATE TABLE members (
    org_id INTEGER NOT NULL,
    account TEXT NOT NULL,
    active INTEGER NOT NULL,
    added_at INTEGER NOT NULL,
    removed_at INTEGER,
    PRIMARY KEY (org_id, account)
  ) WITHOUT ROWID;
  CREATE INDEX members_account ON members (account, active);
  CREATE TABLE network_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at INTEGER NOT NULL) WITHOUT ROWID;
  CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    buyer_org_id INTEGER NOT NULL,
    supplier_org_id INTEGER NOT NULL,
    status TEXT NOT NULL,
    amount TEXT NOT NULL,
    invoiced TEXT NOT NULL,
    currency TEXT NOT NULL,
    reference TEXT NOT NULL,
    due_date INTEGER NOT NULL,
    document_hash TEXT NOT NULL,
    reject_reason_code INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    tx_hash TEXT NOT NULL
  );
  CREATE INDEX orders_buyer ON orders (buyer_org_id, status, id);
  CREATE INDEX orders_supplier ON orders (supplier_org_id, status, id);
  CREATE INDEX orders_status ON orders (status, id);
  CREATE TABLE invoices (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL,
    buyer_org_id INTEGER NOT NULL,
    supplier_org_id INTEGER NOT NULL,
    invoice_number TEXT NOT NULL,
    amount TEXT NOT NULL,
    paid TEXT NOT NULL,
    due_date INTEGER NOT NULL,
    document_hash TEXT NOT NULL,
    status TEXT NOT NULL,
    financing_request_id INTEGER,
    dispute_reason_code INTEGER,
    dispute_reason_hash TEXT,
    created_at INTEGER NOT NULL,
    confirmed_at INTEGER,
    overdue_at INTEGER,
    updated_at INTEGER NOT NULL,
    tx_hash TEXT NOT NULL
  );
  CREATE INDEX invoices_buyer ON invoices (buyer_org_id, status, id);
  CREATE INDEX invoices_supplier ON invoices (supplier_org_id, status, id);
  CREATE INDEX invoices_order ON invoices (order_id, id);
  CREATE INDEX invoices_status ON invoices (status, id);
  CREATE INDEX invoices_request ON invoices (financing_request_id);
  CREATE TABLE disputes (
    seq INTEGER PRIMARY KEY,
    invoice_id INTEGER NOT NULL,
    buyer_org_id INTEGER NOT NULL,
    supplier_org_id INTEGER NOT NULL,
    reason_code INTEGER NOT NULL,
    reason_hash TEXT NOT NULL,
    opened_at INTEGER NOT NULL,
    resolved_at INTEGER,
    resolution TEXT
  );
  CREATE INDEX disputes_invoice ON disputes (invoice_id, seq);
  CREATE TABLE payments (
    seq INTEGER PRIMARY KEY,
    invoice_id INTEGER NOT NULL,
    financing_request_id INTEGER,
    amount TEXT NOT NULL,
    to_bank TEXT NOT NULL,
    to_supplier TEXT NOT NULL,
    total_paid TEXT NOT NULL,
    actor TEXT NOT NULL,
    at INTEGER NOT NULL,
    tx_hash TEXT NOT NULL
  );
  CREATE INDEX payments_invoice ON payments (invoice_id, seq);
  CREATE TABLE financing_requests (
    id INTEGER PRIMARY KEY,
    invoice_id INTEGER NOT NULL,
    bank_org_id INTEGER NOT NULL,
    supplier_org_id INTEGER NOT NULL,
    buyer_org_id INTEGER NOT NULL,
    amount TEXT NOT NULL,
    fast_track INTEGER NOT NULL,
    approvals INTEGER NOT NULL,
    approvals_required INTEGER NOT NULL,
    discount_rate_bps INTEGER NOT NULL,
    status TEXT NOT NULL,
    requested_at INTEGER NOT NULL,
    decided_at INTEGER,
    disbursed_at INTEGER,
    discount TEXT,
    net_amount TEXT,
    days_to_due INTEGER,
    repaid TEXT NOT NULL,
    recourse_repaid TEXT NOT NULL,
    reject_reason_code INTEGER,
    reject_reason_hash TEXT,
    rejected_by TEXT,
    closed_at INTEGER,
    repaid_on_time INTEGER,
    updated_at INTEGER NOT NULL,
    tx_hash TEXT NOT NULL
  );
  CREATE INDEX financing_bank ON financing_requests (bank_org_id, status, id);
  CREATE INDEX financing_supplier ON financing_requests (supplier_org_id, status, id);
  CREATE INDEX financing_buyer ON financing_requests (buyer_org_id, status, id);
  CREATE INDEX financing_status ON financing_requests (status, id);
  CREATE INDEX financing_invoice ON financing_requests (invoice_id);
  CREATE TABLE financing_approvals (
    request_id INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    officer TEXT NOT NULL,
    approvals INTEGER NOT NULL,
    required INTEGER NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (request_id, seq)
  ) WITHOUT ROWID;
  CREATE TABLE financing_repayments (
    seq INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL,
    amount TEXT NOT NULL,
    total_repaid TEXT NOT NULL,
    by_recourse INTEGER NOT NULL,
    on_time INTEGER NOT NULL,
    status TEXT NOT NULL,
    actor TEXT NOT NULL,
    at INTEGER NOT NULL
  );
  CREATE INDEX financing_repayments_request ON financing_repayments (request_id, seq);
  CREATE TABLE bank_policies (
    bank_org_id INTEGER PRIMARY KEY,
    advance_rate_bps INTEGER NOT NULL,
    discount_rate_bps INTEGER NOT NULL,
    fast_track_limit TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by TEXT NOT NULL
  );
  CREATE TABLE trusted_buyers (
    bank_org_id INTEGER NOT NULL,
    buyer_org_id INTEGER NOT NULL,
    trusted INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (bank_org_id, buyer_org_id)
  ) WITHOUT ROWID;
  CREATE TABLE credit_records (
    bank_org_id INTEGER NOT NULL,
    supplier_org_id INTEGER NOT NULL,
    limit_minor TEXT NOT NULL,
    utilised TEXT NOT NULL,
    financed INTEGER NOT NULL,
    repaid_on_time INTEGER NOT NULL,
    repaid_late INTEGER NOT NULL,
    overdue INTEGER NOT NULL,
    defaulted INTEGER NOT NULL,
    overdue_open INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (bank_org_id, supplier_org_id)
  ) WITHOUT ROWID;
  CREATE INDEX credit_records_supplier ON credit_records (supplier_org_id, bank_org_id);
  CREATE TABLE token_transfers (
    seq INTEGER PRIMARY KEY,
    block_number INTEGER NOT NULL,
    tx_hash TEXT NOT NULL,
    from_address TEXT NOT NULL,
    to_address TEXT NOT NULL,
    amount TEXT NOT NULL,
    from_org_id INTEGER,
    to_org_id INTEGER,
    at INTEGER NOT NULL
  );
  CREATE INDEX token_transfers_from ON token_transfers (from_org_id, seq) WHERE from_org_id IS NOT NULL;
  CREATE INDEX token_transfers_to ON token_transfers (to_org_id, seq) WHERE to_org_id IS NOT NULL;
  `,
  // 3: event_orgs carries the event type, so "this organisation's events of this type" is one index range even when
  // the type is rare among the organisation's events.
  `
  DROP TABLE event_orgs;
  CREATE TABLE event_orgs (
    org_id INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    event_type TEXT NOT NULL,
    PRIMARY KEY (org_id, seq)
  ) WITHOUT ROWID;
  CREATE INDEX event_orgs_type ON event_orgs (org_id, event_type, seq);
  INSERT INTO event_orgs (org_id, seq, event_type)
    SELECT CAST(j.value AS INTEGER), e.seq, e.event_type FROM events e, json_each(e.org_ids) j;
  `,
  // 4: newest-first lists of one party without a status filter walk (party, id) instead of sorting the party's rows;
  // an entity-type filter without an id walks (entity_type, seq).
  `
  CREATE INDEX orders_buyer_id ON orders (buyer_org_id, id);
  CREATE INDEX orders_supplier_id ON orders (supplier_org_id, id);
  CREATE INDEX invoices_buyer_id ON invoices (buyer_org_id, id);
  CREATE INDEX invoices_supplier_id ON invoices (supplier_org_id, id);
  CREATE INDEX financing_bank_id ON financing_requests (bank_org_id, id);
  CREATE INDEX financing_supplier_id ON financing_requests (supplier_org_id, id);
  CREATE INDEX financing_buyer_id ON financing_requests (buyer_org_id, id);
  CREATE INDEX events_entity_type ON events (entity_type, seq);
  `,
  // Webhooks: endpoints, messages written in the indexer's transaction, deliveries and attempts (webhooks/outbox.ts).
  WEBHOOK_OUTBOX_MIGRATION,
  // 5: on-chain governance and commitments (issues #10, #12). Members carry their role; member and policy proposals
  // are projected; references, numbers and reasons arrive as salted commitments, and the plain text is filled in
  // from this gateway's commitments where it holds them (NULL or the commitment otherwise).
  `
  ALTER TABLE members ADD COLUMN role INTEGER NOT NULL DEFAULT 1;
  ALTER TABLE organizations ADD COLUMN name_commitment TEXT;
  ALTER TABLE organizations ADD COLUMN admin TEXT;
  ALTER TABLE orders ADD COLUMN reference_commitment TEXT;
  ALTER TABLE orders ADD COLUMN reject_reason TEXT;
  ALTER TABLE orders ADD COLUMN reject_reason_commitment TEXT;
  ALTER TABLE invoices ADD COLUMN invoice_key TEXT;
  ALTER TABLE invoices ADD COLUMN number_commitment TEXT;
  ALTER TABLE invoices ADD COLUMN dispute_reason TEXT;
  ALTER TABLE financing_requests ADD COLUMN reject_reason TEXT;
  CREATE TABLE member_proposals (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL,
    account TEXT NOT NULL,
    role INTEGER NOT NULL,
    proposer TEXT NOT NULL,
    status TEXT NOT NULL,
    decided_by TEXT,
    proposed_at INTEGER NOT NULL,
    decided_at INTEGER
  );
  CREATE INDEX member_proposals_org ON member_proposals (org_id, id);
  CREATE TABLE policy_proposals (
    id INTEGER PRIMARY KEY,
    bank_org_id INTEGER NOT NULL,
    kind INTEGER NOT NULL,
    change TEXT NOT NULL,
    proposer TEXT NOT NULL,
    status TEXT NOT NULL,
    decided_by TEXT,
    proposed_at INTEGER NOT NULL,
    decided_at INTEGER,
    tx_hash TEXT NOT NULL
  );
  CREATE INDEX policy_proposals_bank ON policy_proposals (bank_org_id, id);
  `,
  // Payable notes (issue #11): every note of every tree (a transfer or split retires its note and creates children),
  // the closure of the tree (each note with each of its ancestors and itself) so visibility reaches ancestors in one
  // join, each tree's payments and clearing, and each payout to a leaf. A note financing is a financing request with
  // `note_id` set (its id is NOTE_FINANCING_ID_BASE + the notes contract's financing id).
  `
  CREATE TABLE notes (
    id INTEGER PRIMARY KEY,
    root_id INTEGER NOT NULL,
    parent_id INTEGER,
    depth INTEGER NOT NULL,
    invoice_id INTEGER NOT NULL,
    issuer_org_id INTEGER NOT NULL,
    holder_org_id INTEGER NOT NULL,
    creator_org_id INTEGER,
    face TEXT NOT NULL,
    paid TEXT NOT NULL,
    maturity INTEGER NOT NULL,
    state TEXT NOT NULL,
    financing_request_id INTEGER,
    trade_reference TEXT,
    trade_commitment TEXT,
    document_hash TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    tx_hash TEXT NOT NULL
  );
  CREATE INDEX notes_root ON notes (root_id, id);
  CREATE INDEX notes_holder ON notes (holder_org_id, id);
  CREATE INDEX notes_creator ON notes (creator_org_id, id);
  CREATE INDEX notes_issuer ON notes (issuer_org_id, id);
  CREATE INDEX notes_parent ON notes (parent_id);
  CREATE TABLE note_paths (
    ancestor_id INTEGER NOT NULL,
    note_id INTEGER NOT NULL,
    PRIMARY KEY (note_id, ancestor_id)
  ) WITHOUT ROWID;
  CREATE INDEX note_paths_ancestor ON note_paths (ancestor_id, note_id);
  CREATE TABLE note_trees (
    root_id INTEGER PRIMARY KEY,
    issuer_org_id INTEGER NOT NULL,
    maturity INTEGER NOT NULL,
    paid TEXT NOT NULL,
    cleared TEXT NOT NULL,
    overdue_at INTEGER,
    updated_at INTEGER NOT NULL
  );
  CREATE TABLE note_payouts (
    seq INTEGER PRIMARY KEY,
    note_id INTEGER NOT NULL,
    root_id INTEGER NOT NULL,
    holder_org_id INTEGER NOT NULL,
    financing_request_id INTEGER,
    bank_org_id INTEGER,
    to_bank TEXT NOT NULL,
    to_holder TEXT NOT NULL,
    note_paid TEXT NOT NULL,
    at INTEGER NOT NULL,
    tx_hash TEXT NOT NULL
  );
  CREATE INDEX note_payouts_root ON note_payouts (root_id, seq);
  CREATE INDEX note_payouts_tx ON note_payouts (tx_hash);
  ALTER TABLE financing_requests ADD COLUMN note_id INTEGER;
  CREATE INDEX financing_note ON financing_requests (note_id);
  ALTER TABLE invoices ADD COLUMN note_id INTEGER;
  `,
  // 7: documents by hash: the one-document-one-invoice check on every issue and POST /documents/verify (issue #12).
  `
  CREATE INDEX invoices_document ON invoices (document_hash, id);
  CREATE INDEX orders_document ON orders (document_hash, id);
  `,
];

/**
 * The tables derived from raw logs. A reorg rollback empties them and replays the surviving raw logs in chain
 * order; `events` and `event_orgs` are not listed because each row belongs to one log and is deleted with it.
 */
export const PROJECTION_TABLES = [
  "organizations",
  "members",
  "network_settings",
  "orders",
  "invoices",
  "disputes",
  "payments",
  "financing_requests",
  "financing_approvals",
  "financing_repayments",
  "bank_policies",
  "trusted_buyers",
  "credit_records",
  "token_transfers",
  "member_proposals",
  "policy_proposals",
  "notes",
  "note_paths",
  "note_trees",
  "note_payouts",
] as const;
