import { expect } from "chai";
import { startPlatform, type Platform } from "../../../scripts/lib/platform";
import { apiClient } from "../../../scripts/lib/api-client";
import { clients } from "../lifecycle";

/**
 * What the console's service desk needs beyond the case routes: the people a case may be reassigned to, and the
 * event stream telling an open console that a case or the inbox changed (neither is on the ledger).
 */

interface DeskFrame {
  type: "case" | "notification";
  caseId?: string;
  action?: string;
}

/** Follows GET /events/stream as one user and keeps its `desk` frames. */
async function followDesk(baseUrl: string, token: string) {
  const abort = new AbortController();
  const frames: DeskFrame[] = [];
  const res = await fetch(`${baseUrl}/api/v1/events/stream`, { headers: { authorization: `Bearer ${token}` }, signal: abort.signal });
  expect(res.status).to.equal(200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  const reading = (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const lines = block.split("\n");
        if (!lines.includes("event: desk")) continue;
        expect(lines.some((l) => l.startsWith("id:")), "a desk frame carries no ledger position").to.equal(false);
        frames.push(JSON.parse(lines.find((l) => l.startsWith("data: "))!.slice(6)) as DeskFrame);
      }
    }
  })();
  return {
    frames,
    async until(what: string, test: (f: DeskFrame) => boolean, ms = 5_000) {
      const stop = Date.now() + ms;
      while (!frames.some(test)) {
        if (Date.now() > stop) throw new Error(`no desk frame for ${what}; got ${JSON.stringify(frames)}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async close() {
      abort.abort();
      await reading;
    },
  };
}

describe("service desk support for the console (real chain)", function () {
  this.timeout(240_000);
  let p: Platform;
  let c: ReturnType<typeof clients>;
  let caseId: string;
  let assignee: { userId: string; name: string };

  before(async () => {
    p = await startPlatform({ chain: "hardhat" });
    c = clients(p.credentials);
    const filed = await c.supplier("POST", "/cases", { aboutOrgId: p.credentials.orgs.bankA, text: "The bank charged a handling fee that is not in our contract." });
    expect(filed.status, JSON.stringify(filed.body)).to.equal(201);
    caseId = filed.body.id;
    assignee = filed.body.assignee;
  });
  after(async () => {
    await p?.stop();
  });

  describe("GET /cases/{id}/assignees", () => {
    it("lists the handling bank's active officers and admins, least loaded first, marking who holds the case", async () => {
      const res = await c.officer1("GET", `/cases/${caseId}/assignees`);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      const items = res.body.items as Array<{ userId: string; name: string; role: string; isAdmin: boolean; openCases: number; current: boolean }>;
      expect(items.map((i) => i.name).sort()).to.deep.equal(["adminA", "officer1", "officer2"]);
      expect(items.every((i) => i.role === "officer")).to.equal(true);
      expect(items.find((i) => i.name === "adminA")!.isAdmin).to.equal(true);
      const holder = items.filter((i) => i.current);
      expect(holder.map((i) => i.userId)).to.deep.equal([assignee.userId]);
      expect(holder[0].openCases).to.equal(1);
      expect(items.filter((i) => !i.current).every((i) => i.openCases === 0)).to.equal(true);
      expect(items[items.length - 1].current, "the one holding the case has the most open cases").to.equal(true);
    });

    it("is refused to the filer (403 CASE_NOT_HANDLER) and hidden from another bank (404)", async () => {
      const filer = await c.supplier("GET", `/cases/${caseId}/assignees`);
      expect(filer.status).to.equal(403);
      expect(filer.body.error.code).to.equal("CASE_NOT_HANDLER");
      const other = await c.officer3("GET", `/cases/${caseId}/assignees`);
      expect(other.status).to.equal(404);
      expect(other.body.error.code).to.equal("NOT_FOUND");
    });
  });

  describe("desk frames on GET /events/stream", () => {
    it("tell the filing and handling organisations of each case step, and the person of a notification, and nobody else", async () => {
      const supplier = await followDesk(p.baseUrl, p.credentials.users.supplier.token);
      const bankB = await followDesk(p.baseUrl, p.credentials.users.officer3.token);
      const auditor = await followDesk(p.baseUrl, p.credentials.users.auditor.token);
      try {
        const handler = Object.values(p.credentials.users).find((u) => u.username === assignee.name)!;
        const answered = await apiClient(p.baseUrl, handler.token)("POST", `/cases/${caseId}/respond`, { response: "We are checking the fee against the contract." });
        expect(answered.status, JSON.stringify(answered.body)).to.equal(200);
        await supplier.until("the response", (f) => f.type === "case" && f.caseId === caseId && f.action === "responded");
        // The filer is told in the inbox too (case_answered).
        await supplier.until("the filer's notification", (f) => f.type === "notification");
        await auditor.until("the auditor's view of the response", (f) => f.type === "case" && f.caseId === caseId && f.action === "responded");
        // Bank B is party to nothing here: a case step it cannot see never reaches its stream.
        const other = await c.officer3("POST", "/cases", { aboutOrgId: p.credentials.orgs.pearl, text: "Supplier documents were missing the bill of lading." });
        expect(other.status, JSON.stringify(other.body)).to.equal(201);
        await bankB.until("its own filing", (f) => f.type === "case" && f.caseId === other.body.id && f.action === "filed");
        expect(bankB.frames.filter((f) => f.caseId === caseId)).to.deep.equal([]);
        expect(bankB.frames.filter((f) => f.type === "notification"), "officer3 got no notification").to.deep.equal([]);
        expect(auditor.frames.filter((f) => f.type === "notification"), "the auditor got no notification").to.deep.equal([]);
      } finally {
        await Promise.all([supplier.close(), bankB.close(), auditor.close()]);
      }
    });
  });
});
