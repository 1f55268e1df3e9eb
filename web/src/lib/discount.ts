import { fromMinor, toMinor } from "./format";

const DAY = 86_400_000;

/**
 * The ledger's disbursement rule (contracts/libraries/Discount.sol), so the console can show the cost before the
 * request: days to due rounded up, discount = floor(amount × rate × days / (10,000 × 360)), at most the amount.
 */
export function discountOf(amount: string, rateBps: number, dueDate: string, now = Date.now()): { days: number; discount: string; net: string } {
  const due = new Date(dueDate).getTime();
  const days = due > now ? Math.ceil((due - now) / DAY) : 0;
  const minor = toMinor(amount);
  let discount = (minor * BigInt(rateBps) * BigInt(days)) / 3_600_000n;
  if (discount > minor) discount = minor;
  return { days, discount: fromMinor(discount), net: fromMinor(minor - discount) };
}
