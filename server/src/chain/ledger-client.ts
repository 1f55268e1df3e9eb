import { JsonRpcProvider, LogDescription, Result, TransactionReceipt, Wallet } from "ethers";
import type { Logger } from "pino";
import type { ERC2771Forwarder } from "../../../typechain-types/contracts/TrellisForwarder";
import { AppError, chainUnavailable } from "../shared/errors";
import type { GatewayDb } from "../store/gateway-db";
import { IdempotencyRepo, type IdempotencyStep } from "../store/idempotency-repo";
import type { KeyVault } from "../store/key-vault";
import { KeyedMutex } from "../shared/mutex";
import { decodeRevert, EventDecoder, forwarderInterface, ledgerInterface, notesInterface, tokenInterface } from "./abi";
import { encodeCall } from "./call-codec";
import { revertDataOf, toAppError } from "./contract-errors";
import { batchOptionsFromEnv, outcomeOf, RequestBatcher, type BatchOptions, type RequestOutcome } from "./batcher";
import { forwarderDomain, signForwardRequest } from "./forward-request";
import { isConnectionError, TxSender } from "./tx-sender";
import { doneFor, SignatureRequired, signedFor, signingScope } from "../signing/context";

export interface Addresses {
  ledger: string;
  token: string;
  forwarder: string;
  /** The payable-notes contract (issue #11), bound to the ledger. */
  notes?: string;
}

/** A contract the gateway writes to. */
export type Target = "ledger" | "token" | "notes";

/** Who acts: the person's on-chain account and organisation (for error mapping). */
export interface Actor {
  address: string;
  orgId?: string;
}

/** Ties a chain write to an HTTP Idempotency-Key: step n of the request with that key. */
export type { IdempotencyStep } from "../store/idempotency-repo";

/** The forwarder refused a request whose deadline the chain's clock had passed. */
class ExpiredRequest extends Error {}

/**
 * The gas a custodial request gives its call: the preflight's estimate with half again and 30,000 of head-room (the
 * state may change before it is mined, and the forwarded call carries 20 more bytes). A batch must reserve every
 * request's gas, so a tight figure lets more requests share a block than a fixed generous one would.
 */
const requestGas = (estimate: bigint) => estimate + estimate / 2n + 30_000n;
/** Gas a self-custodied person's request gives its call (fixed when it is signed, before any estimate is sent). */
const INNER_GAS = 400_000n;
/** A kind of write: the contract and the function selector. */
const kindOf = (to: string, data: string) => to.toLowerCase() + data.slice(0, 10);
/** How long a self-custodied person has to sign a write (the forward request's deadline, by the chain's clock). */
export const SIGNING_TTL_SECONDS = 600;

/**
 * The gateway's hand on the ledger. Custodial: it signs an EIP-712 ERC-2771 forward request with the person's own
 * key, so the contracts see the person as `_msgSender()`, and a relayer from the pool pays the gas. Each person's
 * requests are serialized (forwarder nonces are sequential per signer); relayers work in parallel.
 */
export class LedgerClient {
  private readonly userLocks = new KeyedMutex();
  private readonly forwarderNonces = new Map<string, bigint>();
  private chainIdValue: bigint;
  private readonly idempotency: IdempotencyRepo;
  /** Gathers the relayed requests into `executeBatch` transactions (server/src/chain/batcher.ts). */
  readonly batcher: RequestBatcher;

  constructor(
    readonly provider: JsonRpcProvider,
    readonly sender: TxSender,
    private readonly vault: KeyVault,
    db: GatewayDb,
    readonly addresses: Addresses,
    private readonly relayers: Wallet[],
    chainId: bigint,
    private readonly logger: Logger,
    batching: Partial<BatchOptions> = {},
  ) {
    this.chainIdValue = chainId;
    this.batcher = new RequestBatcher(sender, addresses.forwarder, relayers, {
      ...batchOptionsFromEnv(process.env, relayers.length),
      ...batching,
    });
    this.decoder = new EventDecoder(addresses);
    this.idempotency = new IdempotencyRepo(db);
  }

  /** The shared event decoder: its table from (address, topic) to event is what parseLogs looks events up in. */
  private readonly decoder: EventDecoder;

  get chainId(): bigint {
    return this.chainIdValue;
  }

  /** Calls `fn(args)` on the ledger or token as `actor`, custodially signed and relayed. Returns the mined receipt. */
  async act(
    actor: Actor,
    target: Target,
    fn: string,
    args: unknown[],
    idem?: IdempotencyStep,
  ): Promise<TransactionReceipt> {
    const iface = target === "ledger" ? ledgerInterface : target === "notes" ? notesInterface : tokenInterface;
    const to = target === "notes" ? this.notesAddress() : this.addresses[target];
    const data = encodeCall(iface, fn, args);
    if (!this.vault.hasWallet(actor.address) && this.vault.custodyOf(actor.address) === "self")
      return this.actAsOwner(actor, { target, fn, args }, to, data, idem);
    const wallet = this.vault.wallet(actor.address);
    return this.userLocks.run(actor.address.toLowerCase(), async () => {
      const prior = idem ? this.idempotency.stepTx(idem) : undefined;
      if (prior) return this.resumed(actor, prior, to, data);
      const estimate = await this.preflight(actor, to, data);
      for (let attempt = 0; ; attempt++) {
        const nonce = await this.forwarderNonce(actor.address);
        const request = await signForwardRequest(wallet, forwarderDomain(this.chainIdValue, this.addresses.forwarder), {
          from: actor.address,
          to,
          value: 0n,
          gas: requestGas(estimate),
          nonce,
          deadline: (await this.deadlineBase()) + 3600,
          data,
        });
        try {
          return await this.relay(actor, request, to, data, idem);
        } catch (err) {
          // The chain's clock jumped past the request's deadline (a test or dev chain moved time): the forwarder
          // refused the whole request, so nothing happened; sign again against the chain's clock, once.
          if (attempt > 0 || !(err instanceof ExpiredRequest)) throw err;
          this.forceChainClock();
          if (idem) this.idempotency.forgetStep(idem);
        }
      }
    });
  }

  /**
   * Self-custody: the gateway holds no key for `actor`. After the preflight, the write is relayed with the owner's
   * signature when the signing scope holds one for exactly this call; otherwise SignatureRequired carries the forward
   * request to sign (with the account's current forwarder nonce and a deadline SIGNING_TTL_SECONDS ahead).
   */
  private async actAsOwner(
    actor: Actor,
    call: { target: Target; fn: string; args: unknown[] },
    to: string,
    data: string,
    idem?: IdempotencyStep,
  ): Promise<TransactionReceipt> {
    return this.userLocks.run(actor.address.toLowerCase(), async () => {
      const prior = (idem ? this.idempotency.stepTx(idem) : undefined) ?? doneFor(to, data);
      if (prior) return this.resumed(actor, prior, to, data);
      await this.preflight(actor, to, data, INNER_GAS);
      const signed = signedFor(to, data);
      const scope = signingScope.current();
      if (!signed || !scope) {
        this.forwarderNonces.delete(actor.address.toLowerCase());
        const nonce = await this.forwarderNonce(actor.address);
        this.forceChainClock(); // the deadline a person signs is read off the chain's clock now, not a cached offset
        const deadline = (await this.deadlineBase()) + SIGNING_TTL_SECONDS;
        throw new SignatureRequired({
          call,
          request: { from: actor.address, to, value: 0n, gas: INNER_GAS, nonce, deadline, data },
        });
      }
      scope.sent = true;
      try {
        const receipt = await this.relay(actor, signed, to, data, idem);
        scope.done.push({ to, data, txHash: receipt.hash });
        return receipt;
      } catch (err) {
        if (err instanceof ExpiredRequest)
          throw new AppError(
            "conflict",
            "SIGNING_REQUEST_EXPIRED",
            "The signed request's deadline passed before it was mined; nothing happened. Start the write again.",
          );
        throw err;
      }
    });
  }

  /**
   * Relays a forward request signed by the client itself (non-custodial). The signer must be `actor`. Under the
   * person's lock, the inner call is simulated as the person, then `check` (the relay's own checks: nonce, the whole
   * `execute` simulated) runs and returns the gas limit to send with; anything either refuses is never broadcast.
   */
  async relaySigned(
    actor: Actor,
    request: ERC2771Forwarder.ForwardRequestDataStruct,
    idem?: IdempotencyStep,
    check?: () => Promise<bigint>,
  ) {
    return this.userLocks.run(actor.address.toLowerCase(), async () => {
      const prior = idem ? this.idempotency.stepTx(idem) : undefined;
      if (prior) return this.resumed(actor, prior, String(request.to), String(request.data));
      await this.preflight(actor, String(request.to), String(request.data), BigInt(request.gas));
      const gasLimit = check ? await check() : undefined;
      try {
        return await this.relay(actor, request, String(request.to), String(request.data), idem, gasLimit);
      } catch (err) {
        if (err instanceof ExpiredRequest)
          throw new AppError(
            "unprocessable",
            "RELAY_DEADLINE_EXPIRED",
            "The signed request expired before it was mined; sign it again with a later deadline.",
          );
        throw err;
      }
    });
  }

  /** The payable-notes contract's address; a deployment without one answers 503 NOTES_UNAVAILABLE to note writes. */
  notesAddress(): string {
    if (!this.addresses.notes)
      throw new AppError("unavailable", "NOTES_UNAVAILABLE", "This deployment has no payable-notes contract.");
    return this.addresses.notes;
  }

  /** The accounts that pay for relayed transactions (a relay is simulated as one of them). */
  get relayerAddresses(): string[] {
    return this.relayers.map((r) => r.address);
  }

  /** Parses the ledger's and token's events out of a receipt. */
  parseLogs(receipt: TransactionReceipt): LogDescription[] {
    const out: LogDescription[] = [];
    for (const log of receipt.logs) {
      const known = this.decoder.values(log);
      if (!known || known.source === "forwarder") continue;
      const { fragment, values } = known;
      const args = values instanceof Result ? values : Result.fromItems([...values], fragment.inputs.map((i) => i.name));
      out.push(new LogDescription(fragment, fragment.topicHash, args));
    }
    return out;
  }

  /** Reads a view function of the ledger or token. */
  async read(target: Target | "forwarder", fn: string, args: unknown[]): Promise<unknown> {
    const iface =
      target === "ledger"
        ? ledgerInterface
        : target === "token"
          ? tokenInterface
          : target === "notes"
            ? notesInterface
            : forwarderInterface;
    const to = target === "notes" ? this.notesAddress() : this.addresses[target];
    try {
      const raw = await this.provider.call({ to, data: encodeCall(iface, fn, args) });
      const out = iface.decodeFunctionResult(fn, raw);
      return out.length === 1 ? out[0] : out;
    } catch (err) {
      if (isConnectionError(err))
        throw new AppError("unavailable", "CHAIN_UNAVAILABLE", "The ledger could not be reached.");
      throw err;
    }
  }

  /** Forgets cached forwarder nonces (after the chain was replayed). */
  reset(): void {
    this.forwarderNonces.clear();
    this.sender.resetNonces();
  }

  /** Relays a signed request (alone or in a batch); `gasLimit` is the limit to send it with when it goes alone. */
  private async relay(
    actor: Actor,
    request: ERC2771Forwarder.ForwardRequestDataStruct,
    to: string,
    data: string,
    idem?: IdempotencyStep,
    gasLimit?: bigint,
  ): Promise<TransactionReceipt> {
    const onSigned = idem ? (txHash: string) => this.idempotency.recordStep(idem, txHash) : undefined;
    let outcome: RequestOutcome;
    try {
      outcome = await this.batcher.submit(request, onSigned, gasLimit);
    } catch (err) {
      this.forwarderNonces.delete(actor.address.toLowerCase());
      throw err;
    }
    if (!outcome.success) {
      // The request reverted or was skipped (alone: the transaction reverted; in a batch: its event says so or it
      // has none). The state changed between the preflight and mining; ask the chain why, as the person.
      this.forwarderNonces.delete(actor.address.toLowerCase());
      const block = await this.provider.getBlock(outcome.receipt.blockNumber);
      if (block && BigInt(block.timestamp) > BigInt(request.deadline)) throw new ExpiredRequest();
      await this.failed(actor, to, data);
    }
    const key = actor.address.toLowerCase();
    const n = this.forwarderNonces.get(key);
    if (n !== undefined) this.forwarderNonces.set(key, n + 1n);
    return outcome.receipt;
  }

  /**
   * A step signed before (a retry under the same Idempotency-Key, or after a restart): waits for its transaction,
   * alone or a batch, and answers with this person's request in it as the first attempt would have.
   */
  private async resumed(actor: Actor, txHash: string, to: string, data: string): Promise<TransactionReceipt> {
    const outcome = outcomeOf(await this.sender.resume(txHash), this.addresses.forwarder, actor.address);
    if (!outcome.success) {
      this.forwarderNonces.delete(actor.address.toLowerCase());
      await this.failed(actor, to, data);
    }
    return outcome.receipt;
  }

  /** Why a mined request failed: the preflight's decoded refusal at the new state, or a conflict. */
  private async failed(actor: Actor, to: string, data: string): Promise<never> {
    await this.estimate(actor, to, data);
    throw new AppError(
      "conflict",
      "CONFLICT",
      "The ledger state changed while your transaction was being mined; retry.",
    );
  }

  /**
   * The largest eth_estimateGas seen for each kind of write (its target and function selector): a custodial
   * request's gas is sized from it (requestGas), and the next write of that kind is checked with an eth_call given
   * exactly that gas. A Hardhat node spends about half the CPU on an eth_call that it does on an eth_estimateGas,
   * which runs the call more than once to find the least gas (docs/BENCHMARKS.md).
   */
  readonly gasByKind = new Map<string, bigint>();

  /**
   * Simulates the call as the person before anything is signed: a refusal becomes a decoded API error and nothing is
   * sent; otherwise it answers the estimate that sizes the request's gas. With `gas` (a request whose gas is already
   * fixed), or a figure known for this kind of write, one eth_call with that gas proves the write succeeds with it
   * now; when that call fails, for any reason, eth_estimateGas gives the authoritative answer (the refusal, or a new
   * figure when the write now needs more gas).
   */
  private async preflight(actor: Actor, to: string, data: string, gas?: bigint): Promise<bigint> {
    const known = gas === undefined ? this.gasByKind.get(kindOf(to, data)) : undefined;
    const limit = gas ?? (known === undefined ? undefined : requestGas(known));
    if (limit !== undefined) {
      try {
        await this.provider.send("eth_call", [{ from: actor.address, to, data, gas: "0x" + limit.toString(16) }, "latest"]);
        return known ?? limit;
      } catch (err) {
        if (isConnectionError(err)) throw chainUnavailable();
        // Refused, or more gas needed than the figure gives: the estimate says which.
      }
    }
    return this.estimate(actor, to, data);
  }

  /** eth_estimateGas as the person (at "latest": a node's default "pending" replays its whole mempool each time). */
  private async estimate(actor: Actor, to: string, data: string): Promise<bigint> {
    let estimate: bigint;
    try {
      estimate = BigInt(await this.provider.send("eth_estimateGas", [{ from: actor.address, to, data }, "latest"]));
    } catch (err) {
      if (isConnectionError(err)) throw chainUnavailable();
      const revert = revertDataOf(err);
      const decoded = decodeRevert(revert);
      if (!decoded) this.logger.warn({ err, to }, "undecodable revert");
      throw toAppError(decoded, actor.orgId);
    }
    const kind = kindOf(to, data);
    const known = this.gasByKind.get(kind);
    if (known === undefined || estimate > known) this.gasByKind.set(kind, estimate);
    return estimate;
  }

  /**
   * The chain's clock less ours, in seconds (a test chain may have moved ahead), when it was read, and which head read
   * (`clockReads`' count when it started) it came from.
   */
  private chainClock = { at: 0, value: 0, read: 0 };
  /**
   * The head read that refreshes `chainClock`, while one is out: every write that finds the offset stale waits for
   * this one instead of asking the node for the head itself (with 32 writers, the 10 s expiry cost 32 reads at once).
   */
  private clockRead: Promise<void> | null = null;
  /** Head reads started. */
  private clockReads = 0;

  /** Now by the chain's clock, read again at most every 10 s (or at once after `forceChainClock`). */
  private async deadlineBase(): Promise<number> {
    if (Date.now() - this.chainClock.at > 10_000) {
      this.clockRead ??= this.readChainClock();
      await this.clockRead;
    }
    const wall = Math.floor(Date.now() / 1000);
    return Math.max(wall, wall + this.chainClock.value, this.sender.chainTime);
  }

  private readChainClock(): Promise<void> {
    const seq = ++this.clockReads;
    const wall = Math.floor(Date.now() / 1000);
    const read = this.provider.getBlock("latest").then((block) => {
      // A read forced later (forceChainClock) may come back first: an older answer never replaces a newer one.
      if (seq <= this.chainClock.read) return;
      this.chainClock = { at: Date.now(), value: block ? block.timestamp - wall : 0, read: seq };
    });
    const settled: Promise<void> = read.finally(() => {
      if (this.clockRead === settled) this.clockRead = null;
    });
    return settled;
  }

  /** The next deadline is read off the chain's clock as it is now, not from a cached offset or a read already out. */
  private forceChainClock(): void {
    this.chainClock.at = 0;
    this.clockRead = null;
  }

  private async forwarderNonce(address: string): Promise<bigint> {
    const key = address.toLowerCase();
    let n = this.forwarderNonces.get(key);
    if (n === undefined) {
      const raw = await this.provider.call({
        to: this.addresses.forwarder,
        data: forwarderInterface.encodeFunctionData("nonces", [address]),
      });
      n = forwarderInterface.decodeFunctionResult("nonces", raw)[0] as bigint;
      this.forwarderNonces.set(key, n);
    }
    return n;
  }
}
