import type { Logger } from "pino";
import { identityMismatch, readIdentity, type ChainIdentity, type IdentityRpc } from "./chain-identity";
import type { ManagedChain } from "./local-node";
import { rpcCall, type RpcProvider } from "./rpc-provider";
import type { TxSender } from "./tx-sender";

/**
 * - up: the node answers and is the data directory's chain.
 * - down: the node does not answer (stopped, frozen, unreachable); writes answer 503, reads come from the index.
 * - recovering: a managed node is being restarted and rebuilt from the journal; as down.
 * - mismatch: the node answers but is another chain (reset, redeployed); as down, and the index is never rolled back.
 */
export type ChainState = "up" | "down" | "recovering" | "mismatch";

export interface ChainStatus {
  state: ChainState;
  /** Why the chain is not usable, for /readyz and the log; null when up. */
  reason: string | null;
  /** The chain's head at the last answered probe (-1 before one). */
  headBlock: number;
  /** When the state last changed (ISO time). */
  since: string;
  /** Managed chains restarted since start. */
  restarts: number;
}

export interface SupervisorOptions {
  url: string;
  provider: RpcProvider;
  sender: TxSender;
  expected: ChainIdentity;
  ledger: string;
  /** This data directory's own node, which the supervisor restarts when it exits; absent with --rpc-url. */
  managed?: ManagedChain;
  /** Rebuilds a freshly started managed node from the journal (the calls are privileged). */
  rebuild?: () => Promise<void>;
  /** Pauses and resumes the indexer around a rebuild, and wakes it after an outage. */
  indexer: { stop(): Promise<void>; start(): void };
  /** Forgets nonces cached against the chain (LedgerClient.reset). */
  resetNonces: () => void;
  probeMs: number;
  probeTimeoutMs: number;
  logger: Logger;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Watches the chain and keeps the gateway up through its faults. Every `probeMs` it asks the node for its identity
 * and head with a short deadline. When the node stops answering, or answers as another chain, it closes the
 * provider's gate (every call fails at once with CHAIN_UNAVAILABLE) and holds the sender (writes waiting for a
 * receipt answer 503 and stay journaled). A managed node that exited is restarted and rebuilt from the journal; an
 * external one (--rpc-url) is waited for. Once the right chain answers again, what was pending is re-broadcast and
 * the gate opens: the gateway recovers by itself.
 */
export class ChainSupervisor {
  private status: ChainStatus = { state: "up", reason: null, headBlock: -1, since: new Date().toISOString(), restarts: 0 };
  private timer: NodeJS.Timeout | null = null;
  private loop: Promise<void> | null = null;
  private stopped = true;
  private readonly rpc: IdentityRpc;

  constructor(private readonly opts: SupervisorOptions) {
    this.rpc = { send: (method, params) => rpcCall(opts.url, method, params, opts.probeTimeoutMs) };
    opts.managed?.onExit((code, signal) => {
      if (this.stopped) return;
      opts.logger.error({ code, signal }, "the local chain process stopped; restarting it and rebuilding it from the journal");
      this.markUnavailable("down", "the local chain process stopped; it is being restarted");
      this.kick();
    });
  }

  current(): ChainStatus {
    return { ...this.status };
  }

  /** Starts in `initial` (what the start-up checks found) and probes from now on. */
  start(initial?: { state: ChainState; reason: string }): void {
    if (initial && initial.state !== "up") this.markUnavailable(initial.state, initial.reason);
    this.stopped = false;
    this.schedule(this.opts.probeMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.loop;
  }

  /** Probes now rather than at the next tick. */
  private kick(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.loop) this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.loop = this.tick().finally(() => {
        this.loop = null;
        this.schedule(this.opts.probeMs);
      });
    }, ms);
  }

  /** One probe, and what follows from it. Never throws. */
  async tick(): Promise<void> {
    const { managed, logger } = this.opts;
    try {
      if (managed && !managed.alive()) {
        await this.restartManaged();
        return;
      }
      let found: ChainIdentity;
      let head: number;
      try {
        [found, head] = await Promise.all([
          readIdentity(this.rpc, { ledger: this.opts.ledger, deploymentBlock: this.opts.expected.deploymentBlock }),
          this.rpc.send("eth_blockNumber", []).then(Number),
        ]);
      } catch (err) {
        const timedOut = /TIMEOUT/.test(String((err as Error).message));
        this.markUnavailable(
          "down",
          timedOut ? `the node at ${this.opts.url} did not answer within ${this.opts.probeTimeoutMs} ms` : `the node at ${this.opts.url} cannot be reached (${(err as Error).message})`,
        );
        return;
      }
      this.status.headBlock = head;
      const mismatch = identityMismatch(this.opts.expected, found);
      if (mismatch) {
        this.markUnavailable("mismatch", mismatch);
        return;
      }
      if (this.status.state !== "up") await this.markUp();
    } catch (err) {
      logger.warn({ err }, "chain supervision step failed; retrying");
    }
  }

  private markUnavailable(state: Exclude<ChainState, "up">, reason: string): void {
    const changed = this.status.state !== state || this.status.reason !== reason;
    this.opts.provider.close(reason);
    this.opts.sender.hold(reason);
    if (!changed) return;
    const level = state === "mismatch" ? "fatal" : "error";
    this.opts.logger[level]({ state, reason }, state === "mismatch" ? "refusing the chain: writes answer 503, the index is kept read-only" : "the chain is unavailable: writes answer 503, reads come from the index");
    this.status = { ...this.status, state, reason, since: new Date().toISOString() };
  }

  /** The right chain answers again: settle what was pending, then let calls and writes through. */
  private async markUp(): Promise<void> {
    const { provider, sender, logger } = this.opts;
    this.opts.resetNonces();
    await provider.privileged(() => sender.rebroadcastPending());
    provider.open();
    sender.release();
    logger.info({ down: this.status.reason, since: this.status.since }, "the chain answers again; writes are accepted");
    this.status = { ...this.status, state: "up", reason: null, since: new Date().toISOString() };
    // The indexer backed off while every call failed; restart its loop so that it follows at its normal pace now.
    await this.opts.indexer.stop();
    this.opts.indexer.start();
  }

  private async restartManaged(): Promise<void> {
    const { managed, indexer, logger } = this.opts;
    this.markUnavailable("recovering", "the local chain is being restarted and rebuilt from the journal");
    await indexer.stop();
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          await managed!.restart();
          await this.opts.rebuild?.();
          break;
        } catch (err) {
          if (attempt >= 3) throw err;
          logger.warn({ err, attempt }, "restarting the local chain failed; trying again");
          await sleep(1000 * attempt);
        }
      }
      this.status.restarts++;
    } finally {
      indexer.start();
    }
    // The next probe checks the rebuilt chain's identity before anything is let through.
    this.status.reason = "the local chain was rebuilt; checking it";
  }
}
