import { expect } from "chai";
import { startPlatform, type Platform } from "../../scripts/lib/platform";
import { authzDrill, fuzzDrill, loadDrill } from "../../scripts/drill/parts";

/**
 * The fast subset of `npm run drill`: a small concurrent load from three organisations, 300 hostile requests and the
 * full role × action matrix, on one platform. The full drills (1,000 writes, kill -9, 10,000 requests) are
 * `npm run drill`.
 */
describe("drills (fast subset)", function () {
  this.timeout(180_000);
  let p: Platform;

  before(async () => {
    p = await startPlatform({ chain: "hardhat" });
  });
  after(async () => {
    await p?.stop();
  });

  it("takes 60 concurrent writes from 3 organisations with no error, all on-chain and indexed", async () => {
    const r = await loadDrill(p, { orgs: 3, writes: 60 });
    expect(r).to.include({ writes: 60, errors: 0, nonceFailures: 0, onChain: 60, indexed: 60 });
  });

  it("answers 300 hostile requests without a 5xx and without changing the ledger or the index", async () => {
    const r = await fuzzDrill(p, { requests: 300, seed: 7 });
    expect(r.status5xx, JSON.stringify(r.statusCounts)).to.equal(0);
    expect(r.stateChanged, JSON.stringify({ before: r.rowsBefore, after: r.rowsAfter })).to.equal(false);
    expect(r.blockAfter).to.equal(r.blockBefore);
    expect(r.alive).to.equal(true);
  });

  it("refuses every wrong role through the API and on the contracts, while each rightful actor could act", async () => {
    const r = await authzDrill(p);
    expect(r.allowedCases).to.deep.equal([]);
    expect(r.allowed).to.equal(0);
    expect(r.contracts.rightfulSucceeded).to.equal(r.contracts.rightful);
    expect(r.api.attempts).to.be.greaterThan(100);
    expect(r.contracts.attempts).to.be.greaterThan(300);
  });
});
