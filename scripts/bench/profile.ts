/**
 * Timers around the gateway's write path, installed on a running in-process gateway: every JSON-RPC method the
 * provider sends (the relayer's and the indexer's), the preflight simulation, EIP-712 and transaction signing, the
 * journal, the relayer's broadcast and receipt wait, and the indexer's waitFor. Measured, not guessed.
 */
import { BaseWallet } from "ethers";
import type { Gateway } from "../../server/src/gateway";

type Stat = { calls: number; ms: number };

export class WritePathProfile {
  private stats = new Map<string, Stat>();
  private readonly restore: (() => void)[] = [];

  constructor(gateway: Gateway) {
    const { provider, ledger, indexer } = gateway.services;
    const sender = ledger.sender as unknown as Record<string, unknown>;
    this.wrap(provider as unknown as Record<string, unknown>, "send", (args) => `rpc ${String(args[0])}`);
    this.wrap(ledger as unknown as Record<string, unknown>, "act", () => "ledger.act (whole chain write)");
    this.wrap(ledger as unknown as Record<string, unknown>, "preflight", () => "preflight (eth_call, or eth_estimateGas)");
    this.wrap(ledger.batcher as unknown as Record<string, unknown>, "submit", () => "batcher: queue + batch transaction until mined");
    this.wrap(sender, "signAndBroadcast", () => "relayer: fees + sign + journal + broadcast");
    this.wrap(sender, "waitForReceipt", () => "relayer: receipt wait (incl. settle)");
    this.wrap(sender, "settle", () => "relayer: settle (block timestamp to journal)");
    this.wrap(sender.journal as Record<string, unknown>, "record", () => "journal write (SQLite)");
    this.wrap(indexer as unknown as Record<string, unknown>, "waitFor", () => "indexer waitFor (read-your-writes)");
    this.wrap(indexer as unknown as Record<string, unknown>, "sync", () => "indexer: one sync (head, ranges)");
    this.wrap(indexer as unknown as Record<string, unknown>, "indexRange", () => "indexer: one range (fetch + commit)");
    this.wrap(BaseWallet.prototype as unknown as Record<string, unknown>, "signTypedData", () => "sign forward request (EIP-712)");
    this.wrap(BaseWallet.prototype as unknown as Record<string, unknown>, "signTransaction", () => "sign relayer transaction");
  }

  private wrap(obj: Record<string, unknown>, name: string, label: (args: unknown[]) => string): void {
    const original = obj[name] as (...a: unknown[]) => unknown;
    const had = Object.prototype.hasOwnProperty.call(obj, name);
    const stats = () => this.stats;
    obj[name] = function (this: unknown, ...args: unknown[]) {
      const t0 = performance.now();
      const done = () => {
        const key = label(args);
        const s = stats().get(key) ?? { calls: 0, ms: 0 };
        s.calls += 1;
        s.ms += performance.now() - t0;
        stats().set(key, s);
      };
      const out = original.apply(this, args);
      if (out && typeof (out as Promise<unknown>).then === "function") return (out as Promise<unknown>).finally(done);
      done();
      return out;
    };
    this.restore.push(() => {
      if (had) obj[name] = original;
      else delete obj[name];
    });
  }

  reset(): void {
    this.stats = new Map();
  }

  uninstall(): void {
    for (const r of this.restore.reverse()) r();
  }

  /** Per API write: calls and wall milliseconds of each timed step (steps overlap: act contains preflight etc.). */
  perWrite(writes: number): Record<string, { callsPerWrite: number; msPerCall: number; msPerWrite: number }> {
    const out: Record<string, { callsPerWrite: number; msPerCall: number; msPerWrite: number }> = {};
    const entries = [...this.stats.entries()].sort((a, b) => b[1].ms - a[1].ms);
    for (const [k, s] of entries) {
      out[k] = { callsPerWrite: Math.round((s.calls / writes) * 100) / 100, msPerCall: Math.round((s.ms / s.calls) * 100) / 100, msPerWrite: Math.round((s.ms / writes) * 100) / 100 };
    }
    return out;
  }
}
