import { expect } from "chai";
import { ConfigError, DEV_ACCOUNTS, devKeys, loadConfig } from "../../server/src/config";

describe("configuration", () => {
  it("derives the development mnemonic's accounts: the deployer first, then the relayers", () => {
    const keys = devKeys();
    expect(keys).to.have.length(DEV_ACCOUNTS);
    // Account 0 and 1 of "test test ... junk", as Hardhat and Anvil fund them.
    expect(keys[0]).to.equal("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
    expect(keys[1]).to.equal("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
    expect(new Set(keys).size).to.equal(DEV_ACCOUNTS);
  });

  it("takes up to 32 relayers from the development keys, 8 by default", () => {
    expect(loadConfig([], {}).relayers).to.equal(8);
    expect(loadConfig(["--relayers", "32"], {}).relayers).to.equal(32);
    expect(loadConfig([], { TRELLIS_RELAYERS: "12" }).relayers).to.equal(12);
  });

  it("refuses more relayers than keys, and more than 32, with a sentence", () => {
    const keys = devKeys().slice(0, 3).join(",");
    expect(() => loadConfig(["--relayers", "3"], { TRELLIS_RELAYER_KEYS: keys })).to.throw(ConfigError, /relayers 3 is more than the 2 relayer keys/);
    expect(loadConfig(["--relayers", "2"], { TRELLIS_RELAYER_KEYS: keys }).relayers).to.equal(2);
    expect(() => loadConfig(["--relayers", "33"], {})).to.throw(ConfigError, /relayers/);
    expect(() => loadConfig(["--relayers", "0"], {})).to.throw(ConfigError, /relayers/);
  });

  it("refuses unknown options and malformed keys", () => {
    expect(() => loadConfig(["--relayer", "3"], {})).to.throw(ConfigError, /unknown option --relayer/);
    expect(() => loadConfig([], { TRELLIS_RELAYER_KEYS: "0x1234" })).to.throw(ConfigError, /32-byte hex private key/);
  });
});
