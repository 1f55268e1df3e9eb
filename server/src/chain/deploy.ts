import { Signer } from "ethers";
import {
  PayableNotes__factory,
  SettlementToken__factory,
  TrellisForwarder__factory,
  TrellisLedger__factory,
  type SettlementToken,
  type TrellisForwarder,
  type TrellisLedger,
  type PayableNotes,
} from "../../../typechain-types";

/** The contracts of one Trellis deployment. */
export interface Deployment {
  forwarder: TrellisForwarder;
  token: SettlementToken;
  ledger: TrellisLedger;
  /** The payable-notes contract, bound to the ledger at deployment (the ledger's notes hooks answer only it). */
  notes: PayableNotes;
  /** The block the first contract was deployed in: the indexer starts there. */
  deploymentBlock: number;
}

/** Default grace period after an invoice's due date before it may be marked overdue (5 days). */
export const DEFAULT_GRACE_PERIOD = 5 * 24 * 3600;

/**
 * Deploys the forwarder, the settlement token, the ledger and the payable notes (bound to the ledger), with `admin` as the operator and token admin.
 * The deployer (the signer) pays for deployment; `admin` may be the deployer itself.
 */
export async function deployTrellis(
  deployer: Signer,
  admin: string,
  gracePeriod: number = DEFAULT_GRACE_PERIOD,
): Promise<Deployment> {
  const forwarder = await new TrellisForwarder__factory(deployer).deploy();
  const receipt = await forwarder.deploymentTransaction()!.wait();
  const forwarderAddress = await forwarder.getAddress();
  const token = await new SettlementToken__factory(deployer).deploy(
    "Trellis Deposit Token",
    "TDT",
    admin,
    forwarderAddress,
  );
  await token.waitForDeployment();
  const ledger = await new TrellisLedger__factory(deployer).deploy(
    admin,
    forwarderAddress,
    await token.getAddress(),
    gracePeriod,
  );
  await ledger.waitForDeployment();
  const ledgerAddress = await ledger.getAddress();
  const notes = await new PayableNotes__factory(deployer).deploy(ledgerAddress, forwarderAddress);
  await notes.waitForDeployment();
  // Only the operator may bind the notes contract, once; `admin` is the operator.
  const operator = admin === (await deployer.getAddress()) ? deployer : await (deployer.provider as unknown as { getSigner(a: string): Promise<Signer> }).getSigner(admin);
  await (await ledger.connect(operator).bindNotes(await notes.getAddress())).wait();
  return { forwarder, token, ledger, notes, deploymentBlock: receipt!.blockNumber };
}
