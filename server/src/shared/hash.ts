import crypto from "node:crypto";

/** The SHA-256 of `data` as 0x-prefixed hex: how documents, reasons and KYC files are committed to as bytes32 on-chain. */
export function sha256Hex(data: string | Uint8Array): string {
  return "0x" + crypto.createHash("sha256").update(data).digest("hex");
}
