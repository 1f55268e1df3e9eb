import { expect } from "chai";
import { apiClient } from "../../scripts/lib/api-client";
import { startPlatform, type Platform } from "../../scripts/lib/platform";
import { clients, inDays } from "./lifecycle";

// GET /api/v1/events/stream against the real gateway and chain: each caller hears the indexed changes it may see,
// and nothing else; a stream resumes after its Last-Event-ID; an idle stream sends heartbeats.

interface Frame {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
}

/** A live stream read with fetch, its frames parsed as they arrive. */
class Stream {
  readonly frames: Frame[] = [];
  status = 0;
  contentType = "";
  private readonly abort = new AbortController();
  private readonly ready: Promise<void>;

  constructor(url: string, token: string, lastEventId?: string) {
    this.ready = (async () => {
      const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: "text/event-stream" };
      if (lastEventId !== undefined) headers["last-event-id"] = lastEventId;
      const res = await fetch(url, { headers, signal: this.abort.signal });
      this.status = res.status;
      this.contentType = res.headers.get("content-type") ?? "";
      if (!res.ok || !res.body) return;
      void this.read(res.body.getReader());
    })();
  }

  opened(): Promise<void> {
    return this.ready;
  }

  private async read(reader: ReadableStreamDefaultReader<Uint8Array>) {
    const decoder = new TextDecoder();
    let buf = "";
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buf += decoder.decode(value, { stream: true });
        let cut: number;
        while ((cut = buf.indexOf("\n\n")) >= 0) {
          const block = buf.slice(0, cut);
          buf = buf.slice(cut + 2);
          const frame: Frame = {};
          for (const line of block.split("\n")) {
            if (line.startsWith(":")) frame.comment = line.slice(1).trim();
            else if (line.startsWith("id: ")) frame.id = line.slice(4);
            else if (line.startsWith("event: ")) frame.event = line.slice(7);
            else if (line.startsWith("data: ")) frame.data = line.slice(6);
          }
          this.frames.push(frame);
        }
      }
    } catch {
      // aborted
    }
  }

  changes(): Array<{ id: string; notice: Record<string, unknown> }> {
    return this.frames.filter((f) => f.event === "change").map((f) => ({ id: f.id!, notice: JSON.parse(f.data!) }));
  }

  async waitFor(match: (n: Record<string, unknown>) => boolean, ms = 10_000) {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      const hit = this.changes().find((c) => match(c.notice));
      if (hit) return hit;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no matching change within ${ms} ms; got ${JSON.stringify(this.changes().map((c) => c.notice.eventType))}`);
  }

  close() {
    this.abort.abort();
  }
}

describe("the live event stream (GET /api/v1/events/stream)", function () {
  this.timeout(180_000);
  let p: Platform;
  let c: ReturnType<typeof clients>;
  const open: Stream[] = [];
  const stream = (user: keyof Platform["credentials"]["users"], lastEventId?: string) => {
    const s = new Stream(`${p.baseUrl}/api/v1/events/stream`, p.credentials.users[user].token, lastEventId);
    open.push(s);
    return s;
  };

  before(async () => {
    process.env.TRELLIS_SSE_HEARTBEAT_MS = "300";
    p = await startPlatform({ chain: "hardhat" });
    c = clients(p.credentials);
  });
  afterEach(() => {
    for (const s of open.splice(0)) s.close();
  });
  after(async () => {
    delete process.env.TRELLIS_SSE_HEARTBEAT_MS;
    await p?.stop();
  });

  const issueOrder = async () => {
    const order = await c.buyer("POST", "/orders", { supplierOrgId: p.credentials.orgs.pearl, amount: "1200.00", reference: `PO-SSE-${Date.now() % 1e6}`, dueDate: inDays(30) });
    expect(order.status, JSON.stringify(order.body)).to.equal(201);
    return order.body.id as string;
  };
  const isOrder = (id: string, type = "OrderIssued") => (n: Record<string, unknown>) => n.entityType === "order" && n.entityId === id && n.eventType === type;

  it("answers text/event-stream, tells the browser how soon to reconnect, and sends heartbeats while idle", async () => {
    const s = stream("buyer");
    await s.opened();
    expect(s.status).to.equal(200);
    expect(s.contentType).to.match(/^text\/event-stream/);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(s.frames[0].comment).to.match(/^connected at \d+$/);
    expect(s.frames.filter((f) => f.comment === "heartbeat").length).to.be.at.least(2);
  });

  it("brings each party its change within 2 s of the write, and not an organisation that is not party to it", async () => {
    const buyer = stream("buyer");
    const supplier = stream("supplier");
    const bank = stream("officer1");
    const auditor = stream("auditor");
    await Promise.all([buyer, supplier, bank, auditor].map((s) => s.opened()));
    const id = await issueOrder();
    const written = Date.now();
    const seen = await buyer.waitFor(isOrder(id), 2_000);
    expect(Date.now() - written).to.be.below(2_000);
    expect(seen.notice).to.include({ entityType: "order", entityId: id, eventType: "OrderIssued" });
    expect(seen.notice.orgIds).to.have.members([p.credentials.orgs.acme, p.credentials.orgs.pearl]);
    expect(seen.id).to.equal(String(seen.notice.seq));
    await supplier.waitFor(isOrder(id), 2_000);
    await auditor.waitFor(isOrder(id), 2_000);
    // The supplier accepts: a later change, which the bank is still not party to.
    expect((await c.supplier("POST", `/orders/${id}/accept`)).status).to.equal(201);
    await buyer.waitFor(isOrder(id, "OrderAccepted"), 2_000);
    expect(bank.changes().filter((ch) => ch.notice.entityType === "order" && ch.notice.entityId === id)).to.deep.equal([]);
  });

  it("resumes after Last-Event-ID with the changes missed, in chain order, and refuses an id it did not issue", async () => {
    const first = stream("supplier");
    await first.opened();
    const id = await issueOrder();
    const issued = await first.waitFor(isOrder(id));
    first.close();
    expect((await c.supplier("POST", `/orders/${id}/accept`)).status).to.equal(201);
    // Reconnecting with the last id seen: the acceptance made while away comes first, the issue is not repeated.
    const again = stream("supplier", issued.id);
    const accepted = await again.waitFor(isOrder(id, "OrderAccepted"));
    expect(Number(accepted.id)).to.be.above(Number(issued.id));
    expect(again.changes().some((ch) => ch.id === issued.id)).to.equal(false);
    const ids = again.changes().map((ch) => Number(ch.id));
    expect(ids).to.deep.equal([...ids].sort((a, b) => a - b));

    const bad = await apiClient(p.baseUrl, p.credentials.users.supplier.token, { contract: false })("GET", "/events/stream?lastEventId=abc");
    expect(bad.status).to.equal(400);
    expect(bad.body.error.code).to.equal("VALIDATION_FAILED");
  });

  it("needs a signed-in caller", async () => {
    const res = await fetch(`${p.baseUrl}/api/v1/events/stream`);
    expect(res.status).to.equal(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).to.equal("UNAUTHENTICATED");
  });

  it("is documented in the OpenAPI document as a raw text/event-stream response", async () => {
    const doc = (await (await fetch(`${p.baseUrl}/openapi.json`)).json()) as { paths: Record<string, Record<string, { operationId: string; responses: Record<string, { content?: Record<string, unknown> }> }>> };
    const op = doc.paths["/api/v1/events/stream"].get;
    expect(op.operationId).to.equal("streamEvents");
    expect(Object.keys(op.responses["200"].content ?? {})).to.deep.equal(["text/event-stream"]);
  });
});
