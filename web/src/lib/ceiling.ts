import { getCreditRecords, getPolicy } from "../api/queries";
import type { BankPolicy, CreditRecord } from "../api/types";
import { applyBps, minAmount } from "./format";
import { useResource } from "./hooks";

export interface Ceiling {
  policy: BankPolicy;
  credit: CreditRecord | undefined;
  advance: string;
  /** The most the supplier can ask for: the advance, capped by the credit still available with the bank. */
  maximum: string;
}

/** What a supplier can get from a bank against an invoice amount. */
export function useCeiling(invoiceAmount: string | null, bankOrgId: string, supplierOrgId: string) {
  return useResource<Ceiling | null>(async () => {
    if (!bankOrgId || !invoiceAmount) return null;
    const [policy, records] = await Promise.all([getPolicy(bankOrgId), getCreditRecords(supplierOrgId)]);
    const credit = records.find((r) => r.bankOrgId === bankOrgId);
    const advance = applyBps(invoiceAmount, policy.advanceRateBps);
    const maximum = credit?.available !== undefined ? minAmount(advance, credit.available) : advance;
    return { policy, credit, advance, maximum };
  }, [invoiceAmount, bankOrgId, supplierOrgId]);
}
