/**
 * Integrator client for self-custodied accounts: makes a write through the gateway, and when it answers
 * `202 { signingRequest }` prints the summary and the decoded call, signs the EIP-712 typed data with a local Web3
 * Secret Storage keystore, posts the signature and prints the write's answer.
 *
 *   npx ts-node scripts/client/trellis-sign.ts --keystore officer3.json --passphrase-file officer3.pass \
 *     --token T [--url http://127.0.0.1:3000] [--idempotency-key K] POST /financing-requests/7/approve ['{"json":"body"}']
 *
 * The token may also come from --token-file or TRELLIS_TOKEN, the URL from TRELLIS_URL. Exit status 0 when the write
 * succeeded (2xx), 1 otherwise. The key never leaves this process; the gateway only sees the signature.
 */
import fs from "node:fs";
import { getAddress, Interface, Wallet, type HDNodeWallet } from "ethers";
import { SettlementToken__factory, TrellisLedger__factory } from "../../typechain-types";

export interface TypedData {
  domain: { name: string; version: string; chainId: number; verifyingContract: string };
  types: Record<string, { name: string; type: string }[]>;
  primaryType: string;
  message: Record<string, unknown> & { from: string; to: string; data: string; deadline: number; nonce: string };
}

export interface SigningRequest {
  id: string;
  typedData: TypedData;
  summary: string;
  expiresAt: string;
}

type Signer = Wallet | HDNodeWallet;

/** Signs a signing request's typed data (ethers takes the types without EIP712Domain, which it derives itself). */
export async function signTypedData(wallet: Signer, typedData: TypedData): Promise<string> {
  const { EIP712Domain: _domain, ...types } = typedData.types;
  return wallet.signTypedData(typedData.domain, types, typedData.message);
}

const ifaces: Interface[] = [TrellisLedger__factory.createInterface(), SettlementToken__factory.createInterface()];

/** The call a forward request carries, as "approveFinancing(7)", so a person can check it beside the summary. */
export function describeCall(data: string): string {
  for (const iface of ifaces) {
    try {
      const tx = iface.parseTransaction({ data });
      if (tx) return `${tx.name}(${tx.args.map((a) => String(a)).join(", ")})`;
    } catch {
      // not this contract's function
    }
  }
  return `unknown call ${data.slice(0, 10)}`;
}

export interface Answer {
  status: number;
  body: unknown;
}

/** Sends one API request; JSON in, JSON out. */
async function call(url: string, token: string, method: string, p: string, body: unknown, key?: string): Promise<Answer> {
  const res = await fetch(`${url.replace(/\/$/, "")}/api/v1${p}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
      ...(key ? { "idempotency-key": key } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/**
 * Drives a write to its end: the write, then for every signing request it answers (a route may write more than
 * once) the check that it is the wallet's own request, the signature and its post. Returns the last answer.
 */
export async function drive(opts: {
  url: string;
  token: string;
  wallet: Signer;
  method: string;
  path: string;
  body?: unknown;
  idempotencyKey?: string;
  log?: (line: string) => void;
}): Promise<Answer> {
  const log = opts.log ?? (() => undefined);
  let answer = await call(opts.url, opts.token, opts.method, opts.path, opts.body, opts.idempotencyKey);
  let round = 0;
  while (answer.status === 202 && (answer.body as { signingRequest?: SigningRequest })?.signingRequest) {
    const sr = (answer.body as { signingRequest: SigningRequest }).signingRequest;
    if (getAddress(sr.typedData.message.from) !== getAddress(opts.wallet.address)) {
      throw new Error(`The signing request is for ${sr.typedData.message.from}, not for this keystore's ${opts.wallet.address}; not signed.`);
    }
    log(`Summary:   ${sr.summary}`);
    log(`Call:      ${describeCall(sr.typedData.message.data)} on ${sr.typedData.message.to}`);
    log(`Expires:   ${sr.expiresAt}  (signing request ${sr.id})`);
    const signature = await signTypedData(opts.wallet, sr.typedData);
    const key = opts.idempotencyKey ? `${opts.idempotencyKey}.sig${round++}` : undefined;
    answer = await call(opts.url, opts.token, "POST", `/signing-requests/${sr.id}/signature`, { signature }, key);
  }
  return answer;
}

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const keystore = flag(args, "keystore");
  const passphraseFile = flag(args, "passphrase-file");
  const tokenFile = flag(args, "token-file");
  const token = flag(args, "token") ?? (tokenFile ? fs.readFileSync(tokenFile, "utf8").trim() : process.env.TRELLIS_TOKEN);
  const url = flag(args, "url") ?? process.env.TRELLIS_URL ?? "http://127.0.0.1:3000";
  const idempotencyKey = flag(args, "idempotency-key");
  const [method, p, rawBody] = args;
  if (!keystore || !passphraseFile || !token || !method || !p) {
    console.error("usage: trellis-sign --keystore FILE --passphrase-file FILE --token T [--url URL] [--idempotency-key K] METHOD /path ['{json body}']");
    process.exit(2);
  }
  const wallet = await Wallet.fromEncryptedJson(fs.readFileSync(keystore, "utf8"), fs.readFileSync(passphraseFile, "utf8").replace(/\r?\n$/, ""));
  const answer = await drive({
    url,
    token,
    wallet,
    method: method.toUpperCase(),
    path: p.replace(/^\/api\/v1/, ""),
    body: rawBody === undefined ? undefined : JSON.parse(rawBody),
    idempotencyKey,
    log: (l) => console.log(l),
  });
  console.log(`HTTP ${answer.status}`);
  console.log(JSON.stringify(answer.body, null, 2));
  process.exit(answer.status >= 200 && answer.status < 300 ? 0 : 1);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
