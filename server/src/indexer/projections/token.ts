import type { Database } from "../../db/sqlite";
import { dec, type Attribution, type Handlers, type TokenEvents } from "./context";
import type { SharedRows } from "./rows";

interface TransferRow {
  seq: number;
  block_number: number;
  tx_hash: string;
  from_address: string;
  to_address: string;
  amount: string;
  from_org_id: number | null;
  to_org_id: number | null;
  at: number;
}

/** The settlement token's transfers, approvals, deposits and roles; all are audit entity ("token", its address). */
export function tokenHandlers(db: Database, rows: SharedRows, tokenAddress: string): Handlers<TokenEvents> {
  const insertTransfer = db.prepare<[TransferRow]>(`INSERT OR IGNORE INTO token_transfers (seq, block_number, tx_hash, from_address,
    to_address, amount, from_org_id, to_org_id, at) VALUES (@seq, @block_number, @tx_hash, @from_address, @to_address, @amount,
    @from_org_id, @to_org_id, @at)`);
  const token = (orgIds: (number | null)[], actor: string): Attribution => ({
    entityType: "token",
    entityId: tokenAddress,
    orgIds: orgIds.map((o) => o ?? 0),
    actor,
  });

  return {
    Transfer(a, { seq, ts, log }) {
      const fromOrg = rows.orgOfTreasury(a.from);
      const toOrg = rows.orgOfTreasury(a.to);
      insertTransfer.run({
        seq,
        block_number: log.blockNumber,
        tx_hash: log.txHash,
        from_address: a.from,
        to_address: a.to,
        amount: dec(a.value),
        from_org_id: fromOrg,
        to_org_id: toOrg,
        at: ts,
      });
      return token([fromOrg, toOrg], a.from);
    },
    Approval: (a) => token([rows.orgOfTreasury(a.owner)], a.owner),
    DepositMinted: (a) => token([rows.orgOfTreasury(a.to)], a.issuer),
    DepositBurned: (a) => token([rows.orgOfTreasury(a.from)], a.issuer),
    RoleGranted: (a) => token([], a.sender),
    RoleRevoked: (a) => token([], a.sender),
  };
}
