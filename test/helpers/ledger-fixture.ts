/**
 * The network every contract suite starts from: a deployed ledger, token and forwarder; two core enterprises, two
 * suppliers, two banks and an auditor, each with a treasury that holds tokens and has given the ledger a bounded
 * allowance; each bank with its own admin and two officers (the second added by proposal and approval); bank
 * policies, trusted buyers and credit limits set by maker-checker (one officer proposes, the other approves). Suites build their own fixture on top of `deployNetwork` and load it
 * through `loadFixture`, so no state leaks between tests.
 */
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { deployTrellis } from "../../server/src/chain/deploy";
import type { SettlementToken, TrellisForwarder, TrellisLedger } from "../../typechain-types";

export const DAY = 86_400;
export const GRACE = 5 * DAY;

export const OrgKind = { None: 0, CoreEnterprise: 1, Supplier: 2, Bank: 3, Auditor: 4 } as const;
export const OrgStatus = { None: 0, Active: 1, Suspended: 2 } as const;
export const Role = { None: 0, Member: 1, Officer: 2, Admin: 3 } as const;
export const ProposalStatus = { None: 0, Pending: 1, Approved: 2, Rejected: 3 } as const;
export const ChangeKind = { Rates: 0, TrustedBuyer: 1, CreditLimit: 2 } as const;
export const OrderStatus = { None: 0, Issued: 1, Accepted: 2, Rejected: 3, Cancelled: 4 } as const;
export const InvoiceStatus = {
  None: 0,
  Issued: 1,
  Confirmed: 2,
  Disputed: 3,
  Cancelled: 4,
  Overdue: 5,
  Paid: 6,
} as const;
export const FinancingStatus = {
  None: 0,
  Requested: 1,
  Approved: 2,
  Rejected: 3,
  Withdrawn: 4,
  Disbursed: 5,
  Repaid: 6,
  Defaulted: 7,
} as const;

/** Organisation ids, in registration order. */
export const ORG = { acme: 1n, pearl: 2n, bankA: 3n, bankB: 4n, borealis: 5n, quarry: 6n, audit: 7n } as const;

/** Every treasury starts with this much (minor units: 10,000,000.00). */
export const INITIAL_BALANCE = 10_000_000_00n;
/** The allowance each treasury gives the ledger: bounded, never MaxUint256. */
export const ALLOWANCE = INITIAL_BALANCE;
/** Bank A: 90 % advance, 12 % a year, fast-track up to 500,000.00; trusts Acme; Pearl's limit 2,000,000.00. */
export const BANK_A = {
  advanceRateBps: 9000,
  discountRateBps: 1200,
  fastTrackLimit: 500_000_00n,
  pearlLimit: 2_000_000_00n,
};
/** Bank B: 80 % advance, 10 % a year, fast-track up to 100,000.00; trusts Acme; Pearl's limit 1,000,000.00. */
export const BANK_B = {
  advanceRateBps: 8000,
  discountRateBps: 1000,
  fastTrackLimit: 100_000_00n,
  pearlLimit: 1_000_000_00n,
};

export interface Signers {
  deployer: HardhatEthersSigner;
  operator: HardhatEthersSigner;
  relayer: HardhatEthersSigner;
  buyer: HardhatEthersSigner;
  buyer2: HardhatEthersSigner;
  supplier: HardhatEthersSigner;
  supplier2: HardhatEthersSigner;
  officerA1: HardhatEthersSigner;
  officerA2: HardhatEthersSigner;
  officerB1: HardhatEthersSigner;
  officerB2: HardhatEthersSigner;
  auditor: HardhatEthersSigner;
  outsider: HardhatEthersSigner;
  acmeTreasury: HardhatEthersSigner;
  borealisTreasury: HardhatEthersSigner;
  pearlTreasury: HardhatEthersSigner;
  quarryTreasury: HardhatEthersSigner;
  bankATreasury: HardhatEthersSigner;
  bankBTreasury: HardhatEthersSigner;
  auditTreasury: HardhatEthersSigner;
  adminA: HardhatEthersSigner;
  adminB: HardhatEthersSigner;
}

export interface Contracts {
  ledger: TrellisLedger;
  token: SettlementToken;
  forwarder: TrellisForwarder;
}

export interface Network {
  contracts: Contracts;
  signers: Signers;
  /** The treasuries, in a fixed order, for balance sums. */
  treasuries: HardhatEthersSigner[];
}

/** Deploys Trellis and onboards the cast described in the file comment. */
export async function deployNetwork(): Promise<Network> {
  const all = await ethers.getSigners();
  const names = [
    "deployer",
    "operator",
    "relayer",
    "buyer",
    "buyer2",
    "supplier",
    "supplier2",
    "officerA1",
    "officerA2",
    "officerB1",
    "officerB2",
    "auditor",
    "outsider",
    "acmeTreasury",
    "borealisTreasury",
    "pearlTreasury",
    "quarryTreasury",
    "bankATreasury",
    "bankBTreasury",
    "auditTreasury",
    "adminA",
    "adminB",
  ] as const;
  const signers = Object.fromEntries(names.map((n, i) => [n, all[i]])) as unknown as Signers;
  const s = signers;
  const { ledger, token, forwarder } = await deployTrellis(s.deployer, s.operator.address, GRACE);
  const op = ledger.connect(s.operator);
  // [kind, name, treasury, first admin, further members (officers in a bank)]
  const orgs: [number, string, HardhatEthersSigner, HardhatEthersSigner, HardhatEthersSigner[]][] = [
    [OrgKind.CoreEnterprise, "Acme Motors", s.acmeTreasury, s.buyer, []],
    [OrgKind.Supplier, "Pearl River Parts", s.pearlTreasury, s.supplier, []],
    [OrgKind.Bank, "Bank A", s.bankATreasury, s.adminA, [s.officerA1, s.officerA2]],
    [OrgKind.Bank, "Bank B", s.bankBTreasury, s.adminB, [s.officerB1, s.officerB2]],
    [OrgKind.CoreEnterprise, "Borealis Trucks", s.borealisTreasury, s.buyer2, []],
    [OrgKind.Supplier, "Quarry Castings", s.quarryTreasury, s.supplier2, []],
    [OrgKind.Auditor, "Ledger Audit", s.auditTreasury, s.auditor, []],
  ];
  for (const [i, [kind, name, treasury, admin, officers]] of orgs.entries()) {
    const orgId = i + 1;
    await op.registerOrganization(kind, commitment(name), treasury.address, kycOf(orgId), admin.address);
    if (officers.length === 0) continue;
    // The bank's first admin names the second governor alone; the third takes a proposal and a second governor.
    await ledger.connect(admin).addMember(orgId, officers[0].address, Role.Officer);
    await ledger.connect(admin).proposeMember(orgId, officers[1].address, Role.Officer);
    await ledger.connect(officers[0]).approveMember(await ledger.memberProposalCount());
  }
  const issuer = await token.ISSUER_ROLE();
  await token.connect(s.operator).grantRole(issuer, s.bankATreasury.address);
  const treasuries = [
    s.acmeTreasury,
    s.borealisTreasury,
    s.pearlTreasury,
    s.quarryTreasury,
    s.bankATreasury,
    s.bankBTreasury,
    s.auditTreasury,
  ];
  const ledgerAddress = await ledger.getAddress();
  for (const t of treasuries) {
    await token.connect(s.bankATreasury).mint(t.address, INITIAL_BALANCE);
    await token.connect(t).approve(ledgerAddress, ALLOWANCE);
  }
  const n: Network = { contracts: { ledger, token, forwarder }, signers, treasuries };
  const [a1, a2, b1, b2] = [s.officerA1, s.officerA2, s.officerB1, s.officerB2];
  await applyPolicy(n, a1, a2, rates(BANK_A.advanceRateBps, BANK_A.discountRateBps, BANK_A.fastTrackLimit));
  await applyPolicy(n, a1, a2, trustedBuyer(ORG.acme, true));
  await applyPolicy(n, a1, a2, creditLimit(ORG.pearl, BANK_A.pearlLimit));
  await applyPolicy(n, a1, a2, creditLimit(ORG.quarry, BANK_A.pearlLimit));
  await applyPolicy(n, b1, b2, rates(BANK_B.advanceRateBps, BANK_B.discountRateBps, BANK_B.fastTrackLimit));
  await applyPolicy(n, b1, b2, trustedBuyer(ORG.acme, true));
  await applyPolicy(n, b1, b2, creditLimit(ORG.pearl, BANK_B.pearlLimit));
  return n;
}

/** The KYC dossier hash the fixture onboards organisation `orgId` with. */
export function kycOf(orgId: number | bigint): string {
  return ethers.id(`kyc-${orgId}`);
}

/** A salted commitment to a text, as the gateway computes it: keccak256(text, salt). */
export function commitment(text: string, salt: string = ethers.id("fixture-salt")): string {
  return ethers.solidityPackedKeccak256(["string", "bytes32"], [text, salt]);
}

/** One policy change, as `proposePolicyChange` takes it. */
export interface Change {
  kind: number;
  orgId: bigint | number;
  trusted: boolean;
  advanceRateBps: number;
  discountRateBps: number;
  fastTrackLimit: bigint;
  creditLimit: bigint;
}
const NO_CHANGE = { orgId: 0, trusted: false, advanceRateBps: 0, discountRateBps: 0, fastTrackLimit: 0n, creditLimit: 0n };
export function rates(advanceRateBps: number, discountRateBps: number, fastTrackLimit: bigint): Change {
  return { ...NO_CHANGE, kind: ChangeKind.Rates, advanceRateBps, discountRateBps, fastTrackLimit };
}
export function trustedBuyer(orgId: bigint | number, trusted: boolean): Change {
  return { ...NO_CHANGE, kind: ChangeKind.TrustedBuyer, orgId, trusted };
}
export function creditLimit(orgId: bigint | number, limit: bigint): Change {
  return { ...NO_CHANGE, kind: ChangeKind.CreditLimit, orgId, creditLimit: limit };
}

/** Maker-checker: `maker` proposes `change` for their bank and `checker` approves it. Returns the proposal id. */
export async function applyPolicy(
  n: Network,
  maker: HardhatEthersSigner,
  checker: HardhatEthersSigner,
  change: Change,
): Promise<bigint> {
  const { ledger } = n.contracts;
  await ledger.connect(maker).proposePolicyChange(change);
  const id = await ledger.policyProposalCount();
  await ledger.connect(checker).approvePolicyChange(id);
  return id;
}

let counter = 0;
/** A fresh bytes32 commitment or key (e.g. to an invoice number), unique within a test run: a hash, never text. */
export function label(prefix: string): string {
  counter += 1;
  return commitment(`${prefix}-${counter}`);
}

/** Issues an order from `buyer` to `supplierOrgId` and has `supplier` accept it. Returns the order id. */
export async function acceptedOrder(
  n: Network,
  amount: bigint,
  opts: { buyer?: HardhatEthersSigner; supplier?: HardhatEthersSigner; supplierOrgId?: bigint } = {},
): Promise<bigint> {
  const { ledger, token } = n.contracts;
  const buyer = opts.buyer ?? n.signers.buyer;
  const supplier = opts.supplier ?? n.signers.supplier;
  const due = (await time.latest()) + 120 * DAY;
  await ledger
    .connect(buyer)
    .issueOrder(opts.supplierOrgId ?? ORG.pearl, await token.getAddress(), amount, due, label("PO"), ethers.id("po"));
  const orderId = await ledger.orderCount();
  await ledger.connect(supplier).acceptOrder(orderId);
  return orderId;
}

export interface InvoiceOpts {
  buyer?: HardhatEthersSigner;
  supplier?: HardhatEthersSigner;
  supplierOrgId?: bigint;
  dueInSeconds?: number;
  confirm?: boolean;
}

/** Creates an accepted order of `amount` and an invoice for all of it; confirms it unless `confirm` is false. */
export async function invoiceOf(
  n: Network,
  amount: bigint,
  opts: InvoiceOpts = {},
): Promise<{ orderId: bigint; invoiceId: bigint; dueDate: number }> {
  const { ledger } = n.contracts;
  const supplier = opts.supplier ?? n.signers.supplier;
  const buyer = opts.buyer ?? n.signers.buyer;
  const orderId = await acceptedOrder(n, amount, opts);
  const dueDate = (await time.latest()) + (opts.dueInSeconds ?? 60 * DAY);
  await ledger.connect(supplier).issueInvoice(orderId, label("INV-KEY"), label("INV"), amount, dueDate, ethers.id("inv"));
  const invoiceId = await ledger.invoiceCount();
  if (opts.confirm !== false) await ledger.connect(buyer).confirmInvoice(invoiceId);
  return { orderId, invoiceId, dueDate };
}

/** Requests financing of `invoiceId` at `bankOrgId` as the supplier; returns the request id. */
export async function requestOf(
  n: Network,
  invoiceId: bigint,
  bankOrgId: bigint,
  amount: bigint,
  supplier: HardhatEthersSigner = n.signers.supplier,
): Promise<bigint> {
  await n.contracts.ledger.connect(supplier).requestFinancing(invoiceId, bankOrgId, amount);
  return n.contracts.ledger.financingRequestCount();
}

/**
 * A confirmed invoice of `invoiceAmount` to Acme from Pearl, financed by bank A with `advance` on the fast-track and
 * disbursed. Returns the ids and the due date.
 */
export async function disbursedAtBankA(
  n: Network,
  invoiceAmount: bigint,
  advance: bigint,
  dueInSeconds = 60 * DAY,
): Promise<{ invoiceId: bigint; requestId: bigint; dueDate: number }> {
  const { invoiceId, dueDate } = await invoiceOf(n, invoiceAmount, { dueInSeconds });
  const requestId = await requestOf(n, invoiceId, ORG.bankA, advance);
  const { ledger } = n.contracts;
  await ledger.connect(n.signers.officerA1).approveFinancing(requestId);
  await ledger.connect(n.signers.officerA1).disburseFinancing(requestId);
  return { invoiceId, requestId, dueDate };
}

/** The expected discount by the rule in contracts/libraries/Discount.sol, for cross-checks in random tests. */
export function expectedDiscount(amount: bigint, rateBps: bigint, from: bigint, due: bigint): [bigint, bigint] {
  if (due <= from) return [0n, 0n];
  const days = (due - from + BigInt(DAY) - 1n) / BigInt(DAY);
  let d = (amount * rateBps * days) / 3_600_000n;
  if (d > amount) d = amount;
  return [d, days];
}
