/**
 * The payable-notes network: the ledger network of `ledger-fixture.ts` plus a third-tier supplier ("Tier Three
 * Fasteners", org 8) with a credit limit at Bank A, and every treasury's bounded allowance to the notes contract.
 * Pearl River (org 2) is tier 1, Quarry Castings (org 6) tier 2, Tier Three (org 8) tier 3.
 */
import { ethers } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { PayableNotes__factory, type PayableNotes } from "../../typechain-types";
import {
  ALLOWANCE,
  INITIAL_BALANCE,
  OrgKind,
  applyPolicy,
  commitment,
  creditLimit,
  deployNetwork,
  invoiceOf,
  kycOf,
  type Network,
} from "./ledger-fixture";

export const TIER3 = 8n;
export const TIER3_LIMIT = 1_000_000_00n;
export const NoteStatus = { None: 0, Active: 1, Retired: 2, Paid: 3 } as const;
export const NoteFinancingStatus = {
  None: 0,
  Requested: 1,
  Approved: 2,
  Rejected: 3,
  Disbursed: 4,
  Repaid: 5,
  Defaulted: 6,
} as const;
/** The ledger's invoice status for an invoice settled through a note. */
export const INVOICE_NOTED = 7;

export interface NotesNetwork extends Network {
  notes: PayableNotes;
  tier3: HardhatEthersSigner;
  tier3Treasury: HardhatEthersSigner;
  /** Everyone whose balance the notes can move, for conservation sums. */
  holders: HardhatEthersSigner[];
}

export async function deployNotesNetwork(): Promise<NotesNetwork> {
  const n = await deployNetwork();
  const { ledger, token } = n.contracts;
  const s = n.signers;
  const all = await ethers.getSigners();
  const [tier3, tier3Treasury] = [all[22], all[23]];
  await ledger
    .connect(s.operator)
    .registerOrganization(OrgKind.Supplier, commitment("Tier Three Fasteners"), tier3Treasury.address, kycOf(8), tier3.address);
  await token.connect(s.bankATreasury).mint(tier3Treasury.address, INITIAL_BALANCE);
  await applyPolicy(n, s.officerA1, s.officerA2, creditLimit(TIER3, TIER3_LIMIT));
  const notes = PayableNotes__factory.connect(await ledger.notesContract(), s.deployer);
  const notesAddress = await notes.getAddress();
  const holders = [...n.treasuries, tier3Treasury];
  for (const t of holders) await token.connect(t).approve(notesAddress, ALLOWANCE);
  return { ...n, notes, tier3, tier3Treasury, holders };
}

/** A confirmed invoice from Pearl to `buyer` (Acme by default) and the note its buyer issues from it. */
export async function issuedNote(
  n: NotesNetwork,
  amount: bigint,
  opts: { dueInSeconds?: number; buyer?: HardhatEthersSigner } = {},
): Promise<{ invoiceId: bigint; noteId: bigint; dueDate: number }> {
  const { invoiceId, dueDate } = await invoiceOf(n, amount, opts);
  await n.notes.connect(opts.buyer ?? n.signers.buyer).issueNote(invoiceId);
  const [count] = await n.notes.counts();
  return { invoiceId, noteId: count, dueDate };
}

/** A trade reference: the hash of the contract or invoice between two tiers. */
export function tradeRef(text: string): string {
  return ethers.id(`trade:${text}`);
}
