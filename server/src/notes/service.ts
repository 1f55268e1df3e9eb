import crypto from "node:crypto";
import { hexlify, ZeroHash, type TransactionReceipt } from "ethers";
import type { z } from "zod";
import type { Actor } from "../app/actor";
import { stepAt } from "../app/actor";
import { eventArg, visible, writeThenRead, type Target, type Written } from "../app/write";
import type { IdempotencyStep } from "../chain/ledger-client";
import { commitmentOf } from "../commitments/service";
import { NOTE_FINANCING_ID_BASE, noteFinancingApiId } from "../indexer/projections/notes";
import type { Services } from "../services";
import { AppError, forbidden, unprocessable } from "../shared/errors";
import { formatMinor, toMinor } from "../shared/money";
import { allowanceSetter } from "../orgs/members";
import { getNote, listNotes, noteTreeBody, payoutsOf, type Note, type NoteFilter } from "./repo";
import type { IssueNote, SplitNote, TransferNote } from "./schemas";

/**
 * Notes clearing pages: `payTree` clears at most this many notes in its own transaction, and the gateway sends
 * `clearTree` pages of the same size until the payment is paid out (TRELLIS_NOTE_CLEAR_STEPS, 1 to 100; default 40,
 * about 700,000 gas a page at 16,488 gas a leaf).
 */
export const clearSteps = (env: NodeJS.ProcessEnv = process.env): number => {
  const n = Number(env.TRELLIS_NOTE_CLEAR_STEPS ?? 40);
  return Number.isInteger(n) && n >= 1 && n <= 100 ? n : 40;
};

const notes = (s: Services, a: Actor): Target<Note> => ({ label: "Note", read: (id) => getNote(s.idb, id, a.scope) });

/** The note if the actor may see it, else 404 (another party's note never says it exists). */
const seen = (s: Services, a: Actor, id: string) => visible(getNote(s.idb, id, a.scope), `Note ${id}`);

const noteWrite = <T extends object>(s: Services, actor: Actor, idem: IdempotencyStep | undefined, fn: string, args: unknown[], idOf: (logs: Parameters<ReturnType<typeof eventArg>>[0]) => string, read: (id: string) => T | undefined) =>
  writeThenRead(s, actor, idem, { target: "notes", fn, args }, idOf, read);

/** The holder's own note, live: a visible note held by someone else is 403 NOT_HOLDER; a retired one 409. */
function heldNote(s: Services, actor: Actor, id: string): Note {
  const note = seen(s, actor, id);
  if (note.holderOrgId !== actor.user.orgId) throw forbidden(`Note ${id} is held by ${note.holderName || `organisation ${note.holderOrgId}`}, not your organisation.`, "NOT_HOLDER");
  if (note.status === "retired") throw new AppError("conflict", "NOTE_RETIRED", `Note ${id} was transferred or split; its pieces act now.`);
  if (note.status === "financing" || note.status === "financed" || note.status === "defaulted") {
    throw new AppError("conflict", "NOTE_IN_FINANCING", `Note ${id} has financing request ${note.financingRequestId}; a note in financing cannot be transferred or split.`);
  }
  return note;
}

/** The core enterprise issues a note from one of its confirmed invoices: face, maturity and first holder from it. */
export async function issueNote(s: Services, actor: Actor, idem: IdempotencyStep | undefined, input: z.infer<typeof IssueNote>) {
  visible(s.read.getInvoice(input.invoiceId, actor.scope), `Invoice ${input.invoiceId}`);
  return noteWrite(s, actor, idem, "issueNote", [input.invoiceId], eventArg("NoteIssued", "noteId"), (id) => notes(s, actor).read(id));
}

/**
 * A salted commitment to a trade reference that stays the same for one note: a write that asks a self-custodied
 * holder to sign is run again with the signature, and must send the same calldata. The plain text and salt stay in
 * this gateway's `commitments` table (entity note, field `tradeReference:<noteId>`).
 */
function tradeCommitment(s: Services, noteId: string, reference: string): string {
  const field = `tradeReference:${noteId}`;
  const prior = s.gdb.prepare("SELECT commitment FROM commitments WHERE entity = 'note' AND field = ? AND value = ? ORDER BY created_at DESC LIMIT 1").get(field, reference) as
    | { commitment: string }
    | undefined;
  if (prior) return prior.commitment;
  const salt = hexlify(crypto.randomBytes(32));
  const commitment = commitmentOf(reference, salt);
  s.gdb
    .prepare("INSERT INTO commitments (commitment, entity, field, value, salt, created_at) VALUES (?, 'note', ?, ?, ?, ?)")
    .run(commitment, field, reference, salt, new Date().toISOString());
  return commitment;
}

/** Transfers part or all of a held note to another supplier: the transferred piece and, for a part, the remainder. */
export async function transferNote(s: Services, actor: Actor, idem: IdempotencyStep | undefined, id: string, input: z.infer<typeof TransferNote>) {
  const note = heldNote(s, actor, id);
  const amount = toMinor(input.amount);
  if (amount > toMinor(note.face)) throw unprocessable("AMOUNT_EXCEEDS_NOTE", `The amount ${input.amount} is more than note ${id}'s face ${note.face}.`, { face: note.face });
  const recipient = s.read.getOrganization(input.toOrgId);
  if (!recipient || recipient.kind !== "supplier" || recipient.status !== "active" || input.toOrgId === actor.user.orgId) {
    throw unprocessable("RECIPIENT_NOT_SUPPLIER", `Organisation ${input.toOrgId} is not an active supplier other than the holder.`);
  }
  const args = [id, input.toOrgId, amount, tradeCommitment(s, id, input.tradeReference), input.documentHash ?? ZeroHash];
  let remainderId: string | null = null;
  const transferred = await noteWrite(s, actor, idem, "transferNote", args, (logs) => {
    const log = logs.find((l) => l.name === "NoteTransferred");
    if (!log) throw new AppError("internal", "INTERNAL", "The transaction did not emit NoteTransferred.");
    remainderId = log.args.remainderId === 0n ? null : String(log.args.remainderId);
    return String(log.args.transferredId);
  }, (i) => notes(s, actor).read(i));
  const { txHash, blockNumber, ...piece } = transferred;
  const remainder = remainderId ? visible(getNote(s.idb, remainderId, actor.scope), `Note ${remainderId}`) : null;
  return { transferred: piece, remainder, txHash, blockNumber };
}

/** Splits a held note into 2 to 10 pieces that add up to its face. */
export async function splitNote(s: Services, actor: Actor, idem: IdempotencyStep | undefined, id: string, input: z.infer<typeof SplitNote>) {
  const note = heldNote(s, actor, id);
  const amounts = input.amounts.map(toMinor);
  const sum = amounts.reduce((a, b) => a + b, 0n);
  if (sum !== toMinor(note.face)) {
    throw unprocessable("SPLIT_SUM_MISMATCH", `The pieces add up to ${formatPlain(sum)}, not note ${id}'s face ${note.face}.`, { face: note.face, sum: formatPlain(sum) });
  }
  let childIds: string[] = [];
  const out = await noteWrite(s, actor, idem, "splitNote", [id, amounts], (logs) => {
    const log = logs.find((l) => l.name === "NoteSplit");
    if (!log) throw new AppError("internal", "INTERNAL", "The transaction did not emit NoteSplit.");
    childIds = (log.args.childIds as bigint[]).map(String);
    return childIds[0];
  }, (i) => notes(s, actor).read(i));
  return { items: childIds.map((c) => visible(getNote(s.idb, c, actor.scope), `Note ${c}`)), txHash: out.txHash, blockNumber: out.blockNumber };
}

const formatPlain = (minor: bigint) => `${minor / 100n}.${(minor % 100n).toString().padStart(2, "0")}`;

/**
 * The issuer pays `amount` into a tree (in full or in part, before or at maturity): `payTree` takes the money and
 * clears the first page of leaves; the gateway then sends `clearTree` pages (signed by the operator's account: anyone
 * may clear) until the payment is paid out, so every transaction's gas stays bounded whatever the tree's size.
 * Answers the root and every payout of this payment: each leaf's bank first up to its financed amount, then its holder.
 */
export async function payTree(s: Services, actor: Actor, idem: IdempotencyStep | undefined, id: string, amount: string) {
  const root = seen(s, actor, id);
  if (root.parentId !== null) throw unprocessable("NOTE_NOT_ROOT", `Note ${id} is a piece of tree ${root.rootId}; the issuer pays the tree at its root.`, { rootId: root.rootId });
  if (root.issuerOrgId !== actor.user.orgId) throw forbidden(`Only the issuer of note ${id} pays its tree.`, "NOT_ISSUER");
  const steps = clearSteps();
  const receipts: TransactionReceipt[] = [];
  const send = async (who: { address: string; orgId?: string }, fn: string, args: unknown[], step: IdempotencyStep | undefined) => {
    const receipt = await s.ledger.act(who, "notes", fn, args, step);
    await s.indexer.waitFor(receipt.blockNumber);
    receipts.push(receipt);
  };
  await send({ address: actor.user.address, orgId: actor.user.orgId }, "payTree", [id, toMinor(amount), steps], idem);
  // Page on while the escrow holds money and a leaf is unpaid (the contract's cursor is 0 once every leaf is paid).
  for (let page = 1; ; page++) {
    const tree = (await s.ledger.read("notes", "tree", [id])) as { cursor: bigint; paid: bigint; cleared: bigint };
    if (tree.cursor === 0n || tree.cleared >= tree.paid) break;
    await send({ address: s.operatorAddress, orgId: "0" }, "clearTree", [id, steps], stepAt(idem, page));
  }
  const note = visible(getNote(s.idb, id, actor.scope), `Note ${id}`);
  const last = receipts[receipts.length - 1];
  return {
    note,
    payouts: payoutsOf(s.idb, id, receipts.map((r) => r.hash)),
    transactions: receipts.map((r) => ({ txHash: r.hash, blockNumber: r.blockNumber })),
    txHash: last.hash,
    blockNumber: last.blockNumber,
  };
}

/** Marks an unpaid tree overdue once its maturity plus the grace period has passed (any party that sees it). */
export async function markTreeOverdue(s: Services, actor: Actor, idem: IdempotencyStep | undefined, id: string): Promise<Note & Written> {
  const note = seen(s, actor, id);
  return noteWrite(s, actor, idem, "markTreeOverdue", [note.rootId], () => note.rootId, (i) => notes(s, actor).read(i));
}

/** A holder asks a bank to finance a live note; the record is a financing request with `noteId` (see financing). */
export async function requestNoteFinancing<T extends object>(s: Services, actor: Actor, idem: IdempotencyStep | undefined, input: { noteId: string; bankOrgId: string; amount: string }, read: (id: string) => T | undefined) {
  const note = seen(s, actor, input.noteId);
  if (note.holderOrgId !== actor.user.orgId) throw forbidden(`Note ${input.noteId} is held by ${note.holderName || `organisation ${note.holderOrgId}`}, not your organisation.`, "NOT_HOLDER");
  if (note.status === "retired") throw new AppError("conflict", "NOTE_RETIRED", `Note ${input.noteId} was transferred or split; its pieces act now.`);
  return noteWrite(s, actor, idem, "requestNoteFinancing", [input.noteId, input.bankOrgId, toMinor(input.amount)], (logs) => {
    const log = logs.find((l) => l.name === "NoteFinancingRequested");
    if (!log) throw new AppError("internal", "INTERNAL", "The transaction did not emit NoteFinancingRequested.");
    return String(noteFinancingApiId(log.args.financingId as bigint));
  }, read);
}

/** The notes contract's financing id of a financing request's API id (note financings only). */
export const noteFinancingChainId = (apiId: string): string => String(Number(apiId) - NOTE_FINANCING_ID_BASE);

/** Lists the notes the actor may see. */
export const notesOf = (s: Services, actor: Actor, filter: NoteFilter) => listNotes(s.idb, filter, actor.scope);

/** The tree a visible note belongs to, from its root, as far as the actor may see it: its answer `{ root }`, serialised once per index state. */
export function treeOf(s: Services, actor: Actor, id: string) {
  return visible(noteTreeBody(s.idb, id, actor.scope), `Note ${id}`);
}

/**
 * Sets what the notes contract may draw from the organisation's treasury (an issuer's payments into its trees, a bank's
 * advances on notes), as setLedgerAllowance does for the ledger: the organisation's admin (or a bank's officer) asks,
 * the treasury's own key signs the approval (a signing request where the treasury is self-custodied).
 */
export async function setNotesAllowance(s: Services, actor: Actor, idem: IdempotencyStep | undefined, orgId: string, amount: string) {
  const org = allowanceSetter(s, actor, orgId);
  const receipt = await grantNotesAllowance(s, orgId, org.treasury, toMinor(amount), idem);
  return { orgId, treasury: org.treasury, allowance: await notesAllowance(s, org.treasury), txHash: receipt.hash, blockNumber: receipt.blockNumber };
}

/** What the notes contract may still draw from a treasury, as a decimal string. */
export async function notesAllowance(s: Services, treasury: string): Promise<string> {
  return formatMinor((await s.ledger.read("token", "allowance", [treasury, s.ledger.notesAddress()])) as bigint);
}

/** The treasury's own key lets the notes contract draw up to `minor` (the issuer's payments, a bank's advances). */
export async function grantNotesAllowance(s: Services, orgId: string, treasury: string, minor: bigint, idem?: IdempotencyStep) {
  const receipt = await s.ledger.act({ address: treasury, orgId }, "token", "approve", [s.ledger.notesAddress(), minor], idem);
  await s.indexer.waitFor(receipt.blockNumber);
  return receipt;
}

/**
 * The sentence a self-custodied signer reads before signing a notes-contract call, from the call and the records it
 * names: "Transfer TDT 30,000.00 of note #3 (TDT 100,000.00, Acme Motors, due 2027-03-01) to Tier 2 Metals for trade
 * PO-T2-17". Undefined for a call it does not know (the generic sentence is used then).
 */
export function noteSummary(s: Services, actor: Actor, fn: string, args: unknown[], money: (minor: unknown) => string, plain: (c: unknown) => string): string | undefined {
  const org = (id: unknown) => s.read.getOrganization(String(id))?.name ?? `organisation ${String(id)}`;
  const describe = (id: unknown) => {
    const n = getNote(s.idb, String(id), actor.scope);
    return n ? `note #${n.id} (${money(toMinor(n.face))}, ${n.issuerName}, due ${n.maturity.slice(0, 10)})` : `note #${String(id)}`;
  };
  const financing = (chainId: unknown) => {
    const apiId = String(noteFinancingApiId(BigInt(String(chainId))));
    const r = s.read.getFinancing(apiId, actor.scope);
    return r ? `financing request #${apiId} for note #${r.noteId}, ${money(toMinor(r.amount))}, ${r.supplierName}, ${r.bankName}` : `financing request #${apiId}`;
  };
  switch (fn) {
    case "issueNote": {
      const inv = s.read.getInvoice(String(args[0]), actor.scope);
      return `Issue a payable note from invoice #${String(args[0])}${inv ? ` (${inv.invoiceNumber}), ${money(toMinor(inv.amount))}, to ${inv.supplierName}, due ${inv.dueDate.slice(0, 10)}` : ""}; irrevocable`;
    }
    case "transferNote":
      return `Transfer ${money(args[2])} of ${describe(args[0])} to ${org(args[1])} for trade ${plain(args[3])}`;
    case "splitNote":
      return `Split ${describe(args[0])} into ${(args[1] as unknown[]).map(money).join(" + ")}`;
    case "requestNoteFinancing":
      return `Request financing of ${money(args[2])} on ${describe(args[0])} at ${org(args[1])}`;
    case "approveNoteFinancing":
      return `Approve ${financing(args[0])}`;
    case "rejectNoteFinancing":
      return `Reject ${financing(args[0])}`;
    case "disburseNoteFinancing":
      return `Disburse ${financing(args[0])}`;
    case "declareNoteDefault":
      return `Declare ${financing(args[0])} defaulted`;
    case "payTree":
      return `Pay ${money(args[1])} into the tree of ${describe(args[0])}; its leaves are paid out, banks first`;
    case "clearTree":
      return `Clear up to ${String(args[1])} notes of the tree of ${describe(args[0])}`;
    case "markTreeOverdue":
      return `Mark the tree of ${describe(args[0])} overdue`;
    default:
      return undefined;
  }
}
