import fs from "node:fs";
import { expect } from "chai";
import { generateSchema, SCHEMA_FILE } from "../../web/scripts/gen-api";

describe("the console's generated API types (web/src/api/schema.d.ts)", function () {
  this.timeout(60_000);

  it("are exactly what npm run gen:api generates from the current routes", async () => {
    const fresh = await generateSchema();
    expect(fs.readFileSync(SCHEMA_FILE, "utf8") === fresh, "web/src/api/schema.d.ts is out of date: run npm run gen:api").to.equal(true);
  });

  it("name every operation of the document", async () => {
    const fresh = await generateSchema();
    for (const op of ["issueOrder", "approveFinancingRequest", "getSupplierProfile", "exportAuditEvents", "relaySignedRequest"]) {
      expect(fresh).to.include(`${op}: {`);
    }
  });
});
