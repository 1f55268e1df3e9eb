/** SHA-256 of a file in the browser, as 0x-prefixed hex (the form the ledger stores as bytes32). */
export async function sha256Hex(file: Blob): Promise<string> {
  if (!globalThis.crypto?.subtle) {
    throw new Error("This browser cannot hash files here: open the console over https or on localhost.");
  }
  const digest = await crypto.subtle.digest("SHA-256", await file.arrayBuffer());
  return `0x${Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("")}`;
}
