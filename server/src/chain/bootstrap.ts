import { JsonRpcProvider, Wallet } from "ethers";
import type { Logger } from "pino";
import { PayableNotes__factory, SettlementToken__factory, TrellisForwarder__factory, TrellisLedger__factory } from "../../../typechain-types";
import { DEFAULT_GRACE_PERIOD } from "./deploy";
import type { Journal } from "./journal";
import type { Addresses } from "./ledger-client";
import type { TxSender } from "./tx-sender";

const DEPLOY_GAS = 6_000_000n;

/**
 * Deploys forwarder, token, ledger and payable notes through the journaled sender, so a replay rebuilds them too. The
 * operator binds the notes contract to the ledger afterwards (`bindNotes`, see gateway.ts): only it may.
 */
export async function deployThroughJournal(
  sender: TxSender,
  deployer: Wallet,
  admin: string,
): Promise<Addresses & { deploymentBlock: number }> {
  const fwdTx = await new TrellisForwarder__factory().getDeployTransaction();
  const fwd = await sender.send(deployer, { to: null, data: fwdTx.data, gasLimit: DEPLOY_GAS });
  const forwarder = fwd.contractAddress!;
  const tokenTx = await new SettlementToken__factory().getDeployTransaction("Trellis Deposit Token", "TDT", admin, forwarder);
  const token = (await sender.send(deployer, { to: null, data: tokenTx.data, gasLimit: DEPLOY_GAS })).contractAddress!;
  const ledgerTx = await new TrellisLedger__factory().getDeployTransaction(admin, forwarder, token, DEFAULT_GRACE_PERIOD);
  const ledger = (await sender.send(deployer, { to: null, data: ledgerTx.data, gasLimit: DEPLOY_GAS })).contractAddress!;
  const notesTx = await new PayableNotes__factory().getDeployTransaction(ledger, forwarder);
  const notes = (await sender.send(deployer, { to: null, data: notesTx.data, gasLimit: DEPLOY_GAS })).contractAddress!;
  return { forwarder, token, ledger, notes, deploymentBlock: fwd.blockNumber };
}

/**
 * Rebuilds a fresh local Hardhat chain from the journal: each journaled block's transactions are sent again, as the
 * same raw signed bytes, with the block's original timestamp. Every replayed hash is checked against the journal.
 * Then the clock is brought to real time for the next block. Returns the number of transactions replayed.
 */
export async function replayJournal(provider: JsonRpcProvider, journal: Journal, logger: Logger): Promise<number> {
  const entries = journal.minedInOrder();
  if (entries.length === 0) return 0;
  const started = Date.now();
  // A sender's later transaction can be recorded as mined before an earlier one (receipts are recorded after the
  // sender's lock is released); such an earlier, still-pending one was mined too, so it is replayed just before.
  const pendingBySender = new Map<string, typeof entries>();
  for (const e of journal.pending()) {
    const list = pendingBySender.get(e.sender.toLowerCase()) ?? [];
    list.push(e);
    pendingBySender.set(e.sender.toLowerCase(), list.sort((a, b) => a.nonce - b.nonce));
  }
  const blocks = new Map<number, typeof entries>();
  for (const e of entries) {
    const list = blocks.get(e.block_number!) ?? [];
    const orphans = pendingBySender.get(e.sender.toLowerCase()) ?? [];
    while (orphans.length > 0 && orphans[0].nonce < e.nonce) list.push(orphans.shift()!);
    list.push(e);
    blocks.set(e.block_number!, list);
  }
  let lastTimestamp = 0;
  let done = 0;
  let shift = 0;
  for (const [blockNumber, txs] of blocks) {
    const ts = txs[txs.length - 1].block_timestamp!;
    if (txs.length === 1) {
      await provider.send("evm_setNextBlockTimestamp", [ts]);
      const hash = await provider.send("eth_sendRawTransaction", [txs[0].raw]).catch((err) => {
        // A journaled transaction that reverted is replayed too (it used its nonce); Hardhat may report the revert.
        if (txs[0].status === "reverted") return txs[0].tx_hash;
        throw err;
      });
      if (hash !== txs[0].tx_hash) throw new Error(`replay mismatch at block ${blockNumber}: ${hash} != ${txs[0].tx_hash}`);
    } else {
      await provider.send("evm_setAutomine", [false]);
      for (const tx of txs) {
        const hash = await provider.send("eth_sendRawTransaction", [tx.raw]);
        if (hash !== tx.tx_hash) throw new Error(`replay mismatch at block ${blockNumber}: ${hash} != ${tx.tx_hash}`);
      }
      await provider.send("evm_mine", [ts]);
      await provider.send("evm_setAutomine", [true]);
    }
    const head = Number(await provider.send("eth_blockNumber", []));
    if (head !== blockNumber + shift) {
      logger.warn({ blockNumber, head }, "a replayed block landed at another height");
      shift = head - blockNumber;
    }
    lastTimestamp = ts;
    done += txs.length;
    if (done % 500 < txs.length) logger.info({ done, total: entries.length }, "replaying the ledger journal");
  }
  const now = Math.floor(Date.now() / 1000);
  await provider.send("evm_setNextBlockTimestamp", [Math.max(now, lastTimestamp + 1)]);
  logger.info({ transactions: done, blocks: blocks.size, ms: Date.now() - started }, "ledger rebuilt from the journal");
  return done;
}
