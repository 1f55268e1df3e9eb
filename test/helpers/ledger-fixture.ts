/**
 * The network every contract suite starts from: a deployed ledger, token and forwarder; two core enterprises, two
 * suppliers, two banks and an auditor, each with a treasury that holds tokens and has approved the ledger; bank
 * policies, trusted buyers and credit limits. Suites build their own fixture on top of `deployNetwork` and load it
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
  ] as const;
  const signers = Object.fromEntries(names.map((n, i) => [n, all[i]])) as unknown as Signers;
  const s = signers;
  const { ledger, token, forwarder } = await deployTrellis(s.deployer, s.operator.address, GRACE);
  const op = ledger.connect(s.operator);
  const orgs: [number, string, HardhatEthersSigner, HardhatEthersSigner[]][] = [
    [OrgKind.CoreEnterprise, "Acme Motors", s.acmeTreasury, [s.buyer]],
    [OrgKind.Supplier, "Pearl River Parts", s.pearlTreasury, [s.supplier]],
    [OrgKind.Bank, "Bank A", s.bankATreasury, [s.officerA1, s.officerA2]],
    [OrgKind.Bank, "Bank B", s.bankBTreasury, [s.officerB1, s.officerB2]],
    [OrgKind.CoreEnterprise, "Borealis Trucks", s.borealisTreasury, [s.buyer2]],
    [OrgKind.Supplier, "Quarry Castings", s.quarryTreasury, [s.supplier2]],
    [OrgKind.Auditor, "Ledger Audit", s.auditTreasury, [s.auditor]],
  ];
  for (const [i, [kind, name, treasury, members]] of orgs.entries()) {
    await op.registerOrganization(kind, name, treasury.address, ethers.id(`kyc-${i + 1}`));
    for (const m of members) await op.addMember(i + 1, m.address);
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
    await token.connect(t).approve(ledgerAddress, ethers.MaxUint256);
  }
  await ledger.connect(s.officerA1).setBankPolicy(BANK_A.advanceRateBps, BANK_A.discountRateBps, BANK_A.fastTrackLimit);
  await ledger.connect(s.officerA1).setTrustedBuyer(ORG.acme, true);
  await ledger.connect(s.officerA1).setCreditLimit(ORG.pearl, BANK_A.pearlLimit);
  await ledger.connect(s.officerA1).setCreditLimit(ORG.quarry, BANK_A.pearlLimit);
  await ledger.connect(s.officerB1).setBankPolicy(BANK_B.advanceRateBps, BANK_B.discountRateBps, BANK_B.fastTrackLimit);
  await ledger.connect(s.officerB1).setTrustedBuyer(ORG.acme, true);
  await ledger.connect(s.officerB1).setCreditLimit(ORG.pearl, BANK_B.pearlLimit);
  return { contracts: { ledger, token, forwarder }, signers, treasuries };
}

let counter = 0;
/** A fresh bytes32 label, e.g. an invoice number, unique within a test run. */
export function label(prefix: string): string {
  counter += 1;
  return ethers.encodeBytes32String(`${prefix}-${counter}`);
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
  await ledger.connect(supplier).issueInvoice(orderId, label("INV"), amount, dueDate, ethers.id("inv"));
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
