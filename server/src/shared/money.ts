/**
 * Money at the API edge is a decimal string with at most two decimals ("400000.00"); inside it is a bigint of
 * minor units (cents), because the ledger's amounts are uint88 and a JS number loses cents above 2^53.
 */

/** The largest amount the ledger accepts: amounts are uint88 minor units. */
export const MAX_MINOR = (1n << 88n) - 1n;

/** Thrown for a money string that is not a plain non-negative decimal with at most two decimals. */
export class MoneyFormatError extends Error {
  constructor(
    message: string,
    readonly input: unknown,
  ) {
    super(message);
    this.name = "MoneyFormatError";
  }
}

// No sign, no exponent, no spaces, no thousands separators, no leading dot; "0.5", "12", "12.3", "12.34".
const DECIMAL = /^(0|[1-9][0-9]*)(?:\.([0-9]{1,2}))?$/;

/**
 * Parses a decimal string into minor units: `toMinor("400000.00") === 40000000n`.
 * Rejects negatives, exponents, more than two decimals, leading zeros ("007") and anything above uint88.
 */
export function toMinor(value: string): bigint {
  if (typeof value !== "string") throw new MoneyFormatError("An amount must be a decimal string such as \"400000.00\".", value);
  const m = DECIMAL.exec(value);
  if (!m) {
    throw new MoneyFormatError(
      `"${value.slice(0, 40)}" is not an amount: use digits with at most two decimals, such as "400000.00".`,
      value,
    );
  }
  const minor = BigInt(m[1]) * 100n + BigInt((m[2] ?? "").padEnd(2, "0"));
  if (minor > MAX_MINOR) throw new MoneyFormatError(`"${value.slice(0, 40)}" is larger than the ledger can hold.`, value);
  return minor;
}

/** Formats minor units as a decimal string with exactly two decimals: `formatMinor(40000000n) === "400000.00"`. */
export function formatMinor(minor: bigint | string | number): string {
  let v = BigInt(minor);
  const negative = v < 0n;
  if (negative) v = -v;
  const units = v / 100n;
  const cents = (v % 100n).toString().padStart(2, "0");
  return `${negative ? "-" : ""}${units}.${cents}`;
}
