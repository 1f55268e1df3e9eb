import { keccak256 } from "ethers";
import { AppError } from "../shared/errors";

/**
 * What makes a chain the one a data directory's ledger lives on: its chain id, its genesis block, the block the
 * deployment was mined in and the ledger's code. A node reset at the same URL (same chain id, often the same genesis
 * on a development chain) fails on the deployment block or on the code; the journal's replay of a managed chain
 * rebuilds the same blocks, so it passes.
 */
export interface ChainIdentity {
  chainId: number;
  genesisHash: string;
  deploymentBlock: number;
  deploymentBlockHash: string;
  /** keccak256 of the ledger's runtime code. */
  ledgerCodeHash: string;
}

/** The few JSON-RPC calls the check needs (an ethers provider or a raw client). */
export interface IdentityRpc {
  send(method: string, params: unknown[]): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const hex = (n: number) => "0x" + n.toString(16);

/** Reads the identity of the chain behind `rpc` for a deployment (the calls go out together, as one batch). */
export async function readIdentity(rpc: IdentityRpc, deployment: { ledger: string; deploymentBlock: number }): Promise<ChainIdentity> {
  const [chainId, genesis, deployed, code] = await Promise.all([
    rpc.send("eth_chainId", []),
    rpc.send("eth_getBlockByNumber", ["0x0", false]),
    rpc.send("eth_getBlockByNumber", [hex(deployment.deploymentBlock), false]),
    rpc.send("eth_getCode", [deployment.ledger, "latest"]),
  ]);
  return {
    chainId: Number(chainId),
    genesisHash: String(genesis?.hash ?? "none").toLowerCase(),
    deploymentBlock: deployment.deploymentBlock,
    deploymentBlockHash: String(deployed?.hash ?? "none").toLowerCase(),
    ledgerCodeHash: code && code !== "0x" ? keccak256(code) : "none",
  };
}

/** A sentence naming every way `found` differs from `expected`, or null when they are the same chain. */
export function identityMismatch(expected: ChainIdentity, found: ChainIdentity): string | null {
  const diffs: string[] = [];
  if (found.chainId !== expected.chainId) diffs.push(`chain id ${found.chainId} instead of ${expected.chainId}`);
  if (found.genesisHash !== expected.genesisHash) diffs.push(`genesis block ${short(found.genesisHash)} instead of ${short(expected.genesisHash)}`);
  if (found.deploymentBlockHash !== expected.deploymentBlockHash) {
    diffs.push(`deployment block ${expected.deploymentBlock} is ${found.deploymentBlockHash === "none" ? "missing" : short(found.deploymentBlockHash)} instead of ${short(expected.deploymentBlockHash)}`);
  }
  if (found.ledgerCodeHash !== expected.ledgerCodeHash) diffs.push(found.ledgerCodeHash === "none" ? "the ledger contract is not there" : "the ledger contract's code differs");
  return diffs.length ? `the node is not the chain this data directory's ledger lives on: ${diffs.join("; ")}` : null;
}

const short = (h: string) => (h.length > 14 ? `${h.slice(0, 10)}…` : h);

/** The error a refused chain produces (writes, and the indexer's guard before it would roll anything back). */
export function chainMismatchError(reason: string): AppError {
  return new AppError("unavailable", "CHAIN_MISMATCH", `The gateway refuses to use the chain: ${reason}. The index is kept and served read-only.`);
}

/**
 * Holds the expected identity and checks the chain against it. `verify()` always asks the chain (it guards the
 * indexer's rollbacks, which must never run against a different chain); `onMismatch` is told the reason.
 */
export class IdentityGuard {
  mismatch: string | null = null;

  constructor(
    private readonly rpc: IdentityRpc,
    readonly expected: ChainIdentity,
    private readonly ledger: string,
    private readonly onChange: (mismatch: string | null) => void = () => undefined,
  ) {}

  /** Asks the chain; throws CHAIN_MISMATCH if it is another one. */
  async verify(): Promise<void> {
    const found = await readIdentity(this.rpc, { ledger: this.ledger, deploymentBlock: this.expected.deploymentBlock });
    const mismatch = identityMismatch(this.expected, found);
    if (mismatch !== this.mismatch) {
      this.mismatch = mismatch;
      this.onChange(mismatch);
    }
    if (mismatch) throw chainMismatchError(mismatch);
  }
}
