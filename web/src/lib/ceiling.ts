import { getCreditRecords, getPolicy } from "../api/queries";
import type { BankPolicy, CreditRecord } from "../api/types";
import { applyBps, minAmount } from "./format";
import { useResource } from "./hooks";

export interface Ceiling {
  /** Undefined when the gateway does not show this bank's policy to the supplier. */
  policy: BankPolicy | undefined;
  credit: CreditRecord | undefined;
  advance: string | undefined;
  /** The most the supplier can ask for: the advance, capped by the credit still available with the bank. */
  maximum: string | undefined;
}

/** What a supplier can get from a bank against an invoice amount. */
export function useCeiling(invoiceAmount: string | null, bankOrgId: string, supplierOrgId: string) {
  return useResource<Ceiling | null>(async () => {
    if (!bankOrgId || !invoiceAmount) return null;
    const [policy, records] = await Promise.all([
      getPolicy(bankOrgId).catch(() => undefined),
      getCreditRecords(supplierOrgId),
    ]);
    const credit = records.find((r) => r.bankOrgId === bankOrgId);
    const advance = policy ? applyBps(invoiceAmount, policy.advanceRateBps) : undefined;
    const caps = [advance, credit?.available].filter((a): a is string => a !== undefined);
    const maximum = caps.length ? minAmount(...caps) : undefined;
    return { policy, credit, advance, maximum };
  }, [invoiceAmount, bankOrgId, supplierOrgId]);
}
