import path from "node:path";
import { HardhatUserConfig, subtask } from "hardhat/config";
import { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } from "hardhat/builtin-tasks/task-names";
import "@nomicfoundation/hardhat-toolbox";
import { DEV_ACCOUNTS, DEV_MNEMONIC } from "./server/src/config";

const SOLC_VERSION = "0.8.28";

// The machine that builds Trellis has no internet, so Hardhat cannot download solc. The exact compiler ships as
// the `solc` npm package (pinned to SOLC_VERSION in package.json) and we hand its soljson.js to Hardhat.
subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD).setAction(async (args: { solcVersion: string }, _hre, runSuper) => {
  if (args.solcVersion !== SOLC_VERSION) return runSuper();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const solc = require("solc");
  return {
    compilerPath: path.join(path.dirname(require.resolve("solc/package.json")), "soljson.js"),
    isSolcJs: true,
    version: SOLC_VERSION,
    longVersion: solc.version(),
  };
});

// `initialDate` pins the genesis of the in-process chain when a data directory asks for it (replay, see docs).
const initialDate = process.env.TRELLIS_CHAIN_INITIAL_DATE;

const config: HardhatUserConfig = {
  solidity: {
    version: SOLC_VERSION,
    settings: {
      optimizer: { enabled: true, runs: 200 },
      // The IR pipeline keeps TrellisLedger under the 24,576-byte EIP-170 limit now that it carries on-chain governance.
      viaIR: true,
      evmVersion: "cancun",
    },
  },
  networks: {
    hardhat: {
      chainId: 31337,
      // The deployer and a pool of 32 relayers, all funded at genesis (the gateway's default keys).
      accounts: { mnemonic: DEV_MNEMONIC, count: DEV_ACCOUNTS },
      ...(initialDate ? { initialDate } : {}),
    },
  },
  typechain: { outDir: "typechain-types", target: "ethers-v6" },
  mocha: { timeout: 120_000 },
};

export default config;
