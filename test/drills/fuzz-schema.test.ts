import { expect } from "chai";
import { startPlatform, type Platform } from "../helpers/platform";
import { schemaFuzzDrill } from "../../scripts/drill/fuzz-schema";

/**
 * The fast subset of `npm run drill:fuzz-schema`: a few hundred requests generated from /openapi.json, covering every
 * operation, valid and mutated, for every demo role. None may answer 5xx, no invalid input may be accepted, and no
 * request without a valid token may get anything but 401.
 */
describe("schema fuzz drill (fast subset)", function () {
  this.timeout(240_000);
  let p: Platform;

  before(async () => {
    // As the full drill: bad credentials must not lock the address out of the rest of the run (429 for everything).
    p = await startPlatform({ chain: "hardhat", env: { TRELLIS_AUTH_FAILURE_LIMIT: "1000000" } });
  });
  after(async () => {
    await p?.stop();
  });

  it("answers 400 requests generated from /openapi.json without a 5xx, accepting no invalid input or unauthenticated request", async () => {
    const r = await schemaFuzzDrill(p, { requests: 400, seed: 11 });
    expect(r.requests).to.equal(400);
    expect(r.operations).to.be.greaterThan(40);
    for (const [op, o] of Object.entries(r.byOperation)) expect(o.requests, op).to.be.greaterThan(0);
    expect(r.valid).to.be.greaterThan(50);
    expect(r.invalid).to.be.greaterThan(100);
    expect(r.status5xx, JSON.stringify(r.samples["5xx"])).to.equal(0);
    expect(r.acceptedInvalid, JSON.stringify(r.samples["accepted invalid"])).to.equal(0);
    expect(r.undocumented, JSON.stringify(Object.entries(r.samples).filter(([k]) => k.startsWith("undocumented")))).to.equal(0);
    // A documented-valid input is never refused as invalid (GET /audit/{entityType}/{id}/history answers 404, not 400).
    expect(r.rejectedValid, JSON.stringify(r.samples["rejected valid"])).to.equal(0);
    // A request without a valid credential to an operation that needs one answers 401, whatever else is wrong with it.
    expect(r.unauthenticated).to.be.greaterThan(10);
    expect(r.unauthenticatedNot401, JSON.stringify(r.samples["unauthenticated not 401"])).to.equal(0);
    expect(r.statusCounts[429] ?? 0, "the run was not locked out").to.be.at.most(5);
  });
});
