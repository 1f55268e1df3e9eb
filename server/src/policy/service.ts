import type { z } from "zod";
import type { IdempotencyStep } from "../chain/ledger-client";
import type { Services } from "../services";
import { AppError, forbidden } from "../shared/errors";
import { formatMinor, toMinor } from "../shared/money";
import { stepAt, type Actor } from "../app/actor";
import { visible } from "../app/write";
import { ledgerAllowance } from "../orgs/members";
import { listPolicyProposalRows, type PolicyProposalRow } from "./repo";
import type { PutPolicy } from "./schemas";

/** IBankPolicy.PolicyChangeKind. */
const KIND = { rates: 0, trustedBuyer: 1, creditLimit: 2 } as const;

/** One change of a policy proposal, as the API shows it. */
export interface PolicyChangeView {
  kind: "rates" | "trustedBuyer" | "creditLimit";
  advanceRateBps?: number;
  discountRateBps?: number;
  fastTrackLimit?: string;
  buyerOrgId?: string;
  trusted?: boolean;
  supplierOrgId?: string;
  limit?: string;
}

export interface PolicyProposalView {
  id: string;
  bankOrgId: string;
  changes: PolicyChangeView[];
  proposedBy: string;
  status: "pending" | "approved" | "rejected";
  approvedBy: string | null;
  proposedAt: string;
  decidedAt: string | null;
}

const ZERO = { orgId: 0, trusted: false, advanceRateBps: 0, discountRateBps: 0, fastTrackLimit: 0n, creditLimit: 0n };

function ownBank(actor: Actor, bankOrgId: string): void {
  if (bankOrgId !== actor.user.orgId) throw forbidden("You may only change your own bank's policy.");
}

/**
 * Proposes a change of the actor's own bank's policy (maker-checker): rates and fast-track limit, the fast-track
 * list brought to exactly `trustedBuyers` (when given) and each credit limit, one on-chain proposal per change. It
 * takes effect only when a different officer of the bank approves (`approvePolicy`).
 */
export async function proposePolicy(s: Services, actor: Actor, idem: IdempotencyStep | undefined, bankOrgId: string, input: z.infer<typeof PutPolicy>) {
  ownBank(actor, bankOrgId);
  const signer = { address: actor.user.address, orgId: actor.user.orgId };
  const changes: (typeof ZERO & { kind: number })[] = [
    { ...ZERO, kind: KIND.rates, advanceRateBps: input.advanceRateBps, discountRateBps: input.discountRateBps, fastTrackLimit: toMinor(input.fastTrackLimit) },
  ];
  if (input.trustedBuyers) {
    const current = new Set(s.read.getPolicy(bankOrgId, actor.scope)?.trustedBuyers ?? []);
    const wanted = new Set(input.trustedBuyers);
    for (const id of wanted) if (!current.has(id)) changes.push({ ...ZERO, kind: KIND.trustedBuyer, orgId: Number(id), trusted: true });
    for (const id of current) if (!wanted.has(id)) changes.push({ ...ZERO, kind: KIND.trustedBuyer, orgId: Number(id), trusted: false });
  }
  for (const c of input.creditLimits ?? []) changes.push({ ...ZERO, kind: KIND.creditLimit, orgId: Number(c.supplierOrgId), creditLimit: toMinor(c.limit) });
  const ids: string[] = [];
  let last;
  for (const [i, change] of changes.entries()) {
    last = await s.ledger.act(signer, "ledger", "proposePolicyChange", [change], stepAt(idem, i));
    ids.push(String(s.ledger.parseLogs(last).find((l) => l.name === "PolicyChangeProposed")!.args.proposalId));
  }
  await s.indexer.waitFor(last!.blockNumber);
  s.gdb
    .prepare("INSERT OR IGNORE INTO policy_proposal_groups (id, bank_org_id, chain_ids, created_at) VALUES (?, ?, ?, ?)")
    .run(ids[0], bankOrgId, JSON.stringify(ids), new Date().toISOString());
  return { proposal: visible(policyProposal(s, bankOrgId, ids[0]), `Policy proposal ${ids[0]}`), txHash: last!.hash, blockNumber: last!.blockNumber };
}

/** A different officer of the bank approves every change of a proposal; the chain applies each. */
export async function approvePolicy(s: Services, actor: Actor, idem: IdempotencyStep | undefined, bankOrgId: string, id: string) {
  ownBank(actor, bankOrgId);
  const p = policyProposal(s, bankOrgId, id);
  if (!p) throw new AppError("not_found", "NOT_FOUND", `Policy proposal ${id} of bank ${bankOrgId} was not found.`);
  if (p.proposedBy.toLowerCase() === actor.user.address.toLowerCase()) {
    throw forbidden("Maker-checker: the officer who proposed a policy change cannot approve it; a different officer of the bank does.", "SAME_OFFICER");
  }
  if (p.status !== "pending") throw new AppError("conflict", "PROPOSAL_NOT_OPEN", `Policy proposal ${id} is already ${p.status}.`);
  const signer = { address: actor.user.address, orgId: actor.user.orgId };
  let last;
  let step = 0;
  for (const row of chainRows(s, bankOrgId, id)) {
    if (row.status !== "pending") continue;
    last = await s.ledger.act(signer, "ledger", "approvePolicyChange", [row.id], stepAt(idem, step++));
  }
  await s.indexer.waitFor(last!.blockNumber);
  return {
    proposal: visible(policyProposal(s, bankOrgId, id), `Policy proposal ${id}`),
    policy: visible(s.read.getPolicy(bankOrgId, actor.scope), `Bank ${bankOrgId}`),
    txHash: last!.hash,
    blockNumber: last!.blockNumber,
  };
}

/** The bank's policy proposals, newest first: the gateway's groups, and any other on-chain proposal alone. */
export function listPolicyProposals(s: Services, actor: Actor, bankOrgId: string): { items: PolicyProposalView[] } {
  if (actor.user.role !== "auditor" && actor.user.role !== "operator" && actor.user.orgId !== bankOrgId) throw forbidden("Only the bank's own people and auditors see its policy proposals.");
  const rows = listPolicyProposalRows(s.idb, bankOrgId);
  const grouped = new Map<number, string>();
  for (const g of s.gdb.prepare("SELECT id, chain_ids FROM policy_proposal_groups WHERE bank_org_id = ?").all(bankOrgId) as { id: string; chain_ids: string }[]) {
    for (const c of JSON.parse(g.chain_ids) as string[]) grouped.set(Number(c), g.id);
  }
  const heads = rows.filter((r) => (grouped.get(r.id) ?? String(r.id)) === String(r.id));
  return { items: heads.map((r) => policyProposal(s, bankOrgId, String(r.id))!).filter(Boolean) };
}

function chainRows(s: Services, bankOrgId: string, id: string): PolicyProposalRow[] {
  const g = s.gdb.prepare("SELECT chain_ids FROM policy_proposal_groups WHERE id = ? AND bank_org_id = ?").get(id, bankOrgId) as { chain_ids: string } | undefined;
  const ids = g ? (JSON.parse(g.chain_ids) as string[]).map(Number) : [Number(id)];
  const rows = listPolicyProposalRows(s.idb, bankOrgId).filter((r) => ids.includes(r.id));
  return rows.sort((a, b) => a.id - b.id);
}

/** One API proposal: its on-chain changes and their combined status. */
export function policyProposal(s: Services, bankOrgId: string, id: string): PolicyProposalView | undefined {
  const rows = chainRows(s, bankOrgId, id);
  if (rows.length === 0) return undefined;
  const status = rows.some((r) => r.status === "rejected") ? "rejected" : rows.every((r) => r.status === "approved") ? "approved" : "pending";
  const decided = rows.filter((r) => r.decided_at !== null);
  return {
    id,
    bankOrgId,
    changes: rows.map((r) => changeView(r.change)),
    proposedBy: rows[0].proposer,
    status,
    approvedBy: status === "approved" ? rows[rows.length - 1].decided_by : null,
    proposedAt: new Date(rows[0].proposed_at * 1000).toISOString(),
    decidedAt: status === "pending" || decided.length === 0 ? null : new Date(Math.max(...decided.map((r) => r.decided_at!)) * 1000).toISOString(),
  };
}

function changeView(json: string): PolicyChangeView {
  const c = JSON.parse(json) as { kind: number; orgId: number; trusted: boolean; advanceRateBps: number; discountRateBps: number; fastTrackLimit: string; creditLimit: string };
  if (c.kind === KIND.rates) return { kind: "rates", advanceRateBps: c.advanceRateBps, discountRateBps: c.discountRateBps, fastTrackLimit: formatMinor(BigInt(c.fastTrackLimit)) };
  if (c.kind === KIND.trustedBuyer) return { kind: "trustedBuyer", buyerOrgId: String(c.orgId), trusted: c.trusted };
  return { kind: "creditLimit", supplierOrgId: String(c.orgId), limit: formatMinor(BigInt(c.creditLimit)) };
}

/**
 * A bank's policy as the index shows it, with what only the chain's views know: each supplier's fast-track exposure
 * and headroom (open, approved and disbursed-not-repaid fast-track requests against the limit) and the treasury's
 * remaining allowance to the ledger, which bounds disbursement.
 */
export async function policyView(s: Services, actor: Actor, bankOrgId: string) {
  const policy = visible(s.read.getPolicy(bankOrgId, actor.scope), `Bank ${bankOrgId}`);
  const bank = visible(s.read.getOrganization(bankOrgId), `Bank ${bankOrgId}`);
  const creditLimits = await Promise.all(
    policy.creditLimits.map(async (c) => {
      const [exposure, headroom] = (await s.ledger.read("ledger", "fastTrackExposure", [bankOrgId, c.supplierOrgId])) as [bigint, bigint];
      return { ...c, fastTrackExposure: formatMinor(exposure), fastTrackHeadroom: formatMinor(headroom) };
    }),
  );
  return { ...policy, creditLimits, ledgerAllowance: await ledgerAllowance(s, bank.treasury) };
}
