import { Signer } from "ethers";
import {
  SettlementToken__factory,
  TrellisForwarder__factory,
  TrellisLedger__factory,
  type SettlementToken,
  type TrellisForwarder,
  type TrellisLedger,
} from "../../../typechain-types";

/** The three contracts of one Trellis deployment. */
export interface Deployment {
  forwarder: TrellisForwarder;
  token: SettlementToken;
  ledger: TrellisLedger;
  /** The block the first contract was deployed in: the indexer starts there. */
  deploymentBlock: number;
}

/** Default grace period after an invoice's due date before it may be marked overdue (5 days). */
export const DEFAULT_GRACE_PERIOD = 5 * 24 * 3600;

/**
 * Deploys the forwarder, the settlement token and the ledger, with `admin` as the operator and token admin.
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
  return { forwarder, token, ledger, deploymentBlock: receipt!.blockNumber };
}
