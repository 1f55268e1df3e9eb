import { execSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { chromium, type Browser, type Locator, type Page } from "playwright-core";
import en from "../../web/src/i18n/en";
import { expectLanguage, LOCALES, money, plain, shotName, tr, trPattern, type Locale } from "./lib/words";

// Drives the web console in a real browser against the real gateway and chain: the full supply-chain story, a
// maker-checker approval, and errors shown to the user, in English and in Chinese, with axe-core on every main
// screen; a change made through the API shows on an open screen without a reload; documents open in the console's
// preview, checked against the ledger's hash. The admin screens are walked in both languages, the expected words
// read from the console's catalogue (test/e2e/lib/words.ts). Screenshots go to docs/img/ (-zh for Chinese).

type UserKey = "operator" | "buyer" | "supplier" | "officer1" | "officer2" | "officer3" | "auditor" | "adminA";
interface DemoCredentials {
  baseUrl: string;
  users: Record<UserKey, { username: string; password: string; token: string; orgId: string; address: string }>;
  orgs: { acme: string; pearl: string; bankA: string; bankB: string };
}
interface RunningPlatform {
  baseUrl: string;
  credentials: DemoCredentials;
  stop(): Promise<void>;
}

const ROOT = path.resolve(__dirname, "../..");
const SHOTS = path.join(ROOT, "docs/img");
const STEP_TIMEOUT = 60_000;

/** Loads the integrator's platform helper, or answers why it cannot (only a missing module is a reason to skip). */
function loadPlatformHelper(): { startPlatform: () => Promise<RunningPlatform> } | string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require("../helpers/platform");
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code === "MODULE_NOT_FOUND" && /helpers[\\/]platform/.test(e.message.split("\n")[0])) {
      return "test/helpers/platform.ts (startPlatform) does not exist yet";
    }
    throw error;
  }
}

describe("web console in a browser", function () {
  this.timeout(600_000);
  let platform: RunningPlatform;
  let browser: Browser;
  let creds: DemoCredentials;
  const run = Date.now().toString(36).toUpperCase();

  before(async function () {
    const helper = loadPlatformHelper();
    if (typeof helper === "string") {
      console.log(`      skipping the browser tests: ${helper}.`);
      this.skip();
    }
    if (!fs.existsSync(path.join(ROOT, "web/dist/index.html"))) {
      execSync("npm run build:web", { cwd: ROOT, stdio: "ignore" });
    }
    fs.mkdirSync(SHOTS, { recursive: true });
    platform = await (helper as { startPlatform: () => Promise<RunningPlatform> }).startPlatform();
    creds = platform.credentials;
    browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    });
  });

  after(async () => {
    await browser?.close();
    await platform?.stop();
  });

  async function signIn(user: UserKey, width = 1280, locale: Locale = "en-GB"): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height: width < 500 ? 844 : 900 }, locale });
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT);
    await page.goto(platform.baseUrl + "/");
    await page.getByTestId("login-username").fill(creds.users[user].username);
    await page.getByTestId("login-password").fill(creds.users[user].password);
    await page.getByTestId("login-submit").click();
    // Signed in, or the sign-in page's own sentence saying why not (a failure then names it).
    await page.locator('[data-testid="whoami"], .notice-error[role="alert"]').first().waitFor();
    const refused = page.locator('.notice-error[role="alert"]');
    if ((await refused.count()) > 0) throw new Error(`${user} could not sign in: ${await refused.first().textContent()}`);
    await page.getByTestId("whoami").waitFor();
    return page;
  }

  async function shot(page: Page, name: string) {
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  type W = any;
  const lang = (page: Page) => page.evaluate(() => (globalThis as W).document.documentElement.lang as string);
  const AXE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
  /** Runs axe-core in the page: no critical, serious or moderate violation on the screen as it is now. */
  async function axe(page: Page, screen: string) {
    // The console's CSP allows only same-origin scripts, so axe is served from the page's own origin.
    if (!(await page.evaluate(() => typeof (globalThis as W).axe !== "undefined"))) {
      await page.route("**/__axe-core.js", (r) => r.fulfill({ body: AXE, contentType: "application/javascript" }));
      await page.addScriptTag({ url: `${platform.baseUrl}/__axe-core.js` });
    }
    const violations = await page.evaluate(async () => {
      const g = globalThis as W;
      // A document preview's frame holds the file itself (sandboxed, no script): the console around it is what is checked.
      const r = await g.axe.run(g.document, { resultTypes: ["violations"], iframes: false });
      return (r.violations as W[])
        .filter((v) => v.impact === "critical" || v.impact === "serious" || v.impact === "moderate")
        .map((v) => `${v.id}: ${(v.nodes as W[]).map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
    });
    expect(violations, `axe on ${screen}`).to.deep.equal([]);
  }

  /** Clicks an action that asks first, then confirms its review. */
  const reviewed = (page: Page, testId: string, scope?: ReturnType<Page["getByTestId"]>) => async () => {
    await (scope ?? page).getByTestId(testId).click();
    await page.getByTestId("review").waitFor();
    await page.getByTestId("review-confirm").click();
  };

  /**
   * Clicks the control that starts an action and waits for that action's outcome line (a newer data-seq than
   * before the click); fails with the sentence the user saw if the outcome is not the expected one.
   */
  async function act(page: Page, testId: string, click: () => Promise<void>, expected: "success" | "error" = "success"): Promise<string> {
    const line = page.getByTestId(testId).first();
    const before = Number((await line.getAttribute("data-seq").catch(() => "0")) ?? 0);
    await click();
    const waited = page.waitForFunction(
      ([id, seq]) => {
        const el = (globalThis as any).document.querySelector(`[data-testid="${id}"]`); // eslint-disable-line @typescript-eslint/no-explicit-any
        return el && Number(el.dataset.seq) > Number(seq) && ["success", "error"].includes(el.dataset.state);
      },
      [testId, String(before)] as const,
      { timeout: STEP_TIMEOUT },
    );
    // On a timeout, say what the outcome line showed (a validation message stops an action before it starts).
    await waited.catch(async (e: Error) => {
      const shown = await line.textContent().catch(() => "");
      const invalid = await page.locator(".field-error").allTextContents().catch(() => []);
      throw new Error(`${e.message}\n  ${testId} showed: ${shown}; field errors: ${invalid.join(" | ")}`);
    });
    const state = await line.getAttribute("data-state");
    const text = (await line.textContent()) ?? "";
    expect(state, `the console said: ${text}`).to.equal(expected);
    return text;
  }

  async function open(page: Page, screen: string) {
    await page.getByTestId(`nav-${screen}`).click();
  }

  async function idOfRow(page: Page, selector: string, prefix: string): Promise<string> {
    const row = page.locator(selector).first();
    await row.waitFor();
    return ((await row.getAttribute("data-testid")) ?? "").replace(prefix, "");
  }

  async function issueOrder(amount: string, reference: string): Promise<string> {
    const buyer = await signIn("buyer");
    await buyer.getByTestId("order-supplier").selectOption(creds.orgs.pearl);
    await buyer.getByTestId("order-amount").fill(amount);
    await buyer.getByTestId("order-reference").fill(reference);
    await act(buyer, "order-status", () => buyer.getByTestId("order-submit").click());
    const id = await idOfRow(buyer, `tr[data-reference="${reference}"]`, "order-row-");
    await axe(buyer, "buyer-orders");
    await shot(buyer, "buyer-orders");
    await buyer.context().close();
    return id;
  }

  async function acceptOrder(page: Page, orderId: string) {
    await open(page, "orders");
    await act(page, "action-status", () => page.getByTestId(`order-row-${orderId}`).getByTestId("order-accept").click());
  }

  async function confirmInvoice(invoiceNumber: string): Promise<string> {
    const buyer = await signIn("buyer");
    await open(buyer, "invoices");
    const row = buyer.locator(`tr[data-number="${invoiceNumber}"]`);
    const id = await idOfRow(buyer, `tr[data-number="${invoiceNumber}"]`, "invoice-row-");
    await act(buyer, "action-status", reviewed(buyer, "invoice-confirm", row));
    await buyer.context().close();
    return id;
  }

  /**
   * Opens the document of the record in `scope` in the console's preview: the file is shown inline, the browser's
   * SHA-256 of it is the hash the ledger anchored (`anchored`), and the gateway serves it inline with that hash,
   * under the name it was uploaded with (`fileName`).
   */
  async function openDocument(page: Page, scope: Page | Locator, locale: Locale, anchored: string, fileName: string, shotAs?: string) {
    await scope.getByTestId("open-document").click();
    await page.getByTestId("document-preview").waitFor();
    const verdict = page.locator('[data-testid="document-verified"][data-verified]');
    await verdict.waitFor();
    expect(await verdict.getAttribute("data-verified"), "the preview verified the file").to.equal("true");
    expect(await verdict.getAttribute("data-sha256")).to.equal(anchored);
    expect(plain(await verdict.textContent())).to.equal(plain(tr(locale, "document.verified")));
    const src = (await page.getByTestId("document-frame").getAttribute("src")) ?? "";
    expect(src).to.equal(`/api/v1/documents/${anchored}`);
    const served = await page.request.get(platform.baseUrl + src);
    expect(served.status()).to.equal(200);
    expect(served.headers()["content-type"]).to.match(/^application\/pdf/);
    const disposition = served.headers()["content-disposition"];
    expect(disposition).to.match(/^inline; filename="[\x20-\x7e]+"; filename\*=UTF-8''/);
    expect(decodeURIComponent(disposition.split("filename*=UTF-8''")[1]), "the name given at upload").to.equal(fileName);
    expect(plain(await page.locator("#document-title").textContent())).to.contain(fileName);
    expect(served.headers()["x-document-sha256"]).to.equal(anchored);
    expect("0x" + createHash("sha256").update(await served.body()).digest("hex")).to.equal(anchored);
    await expectLanguage(page, locale, "document preview", ["document.download", "document.newTab"]);
    await axe(page, `document preview (${locale})`);
    if (shotAs) {
      // The browser's PDF viewer draws the page after the frame has loaded; give it a moment for the picture only.
      await page.waitForTimeout(1_500);
      await shot(page, shotName(locale, shotAs));
    }
    await page.getByTestId("document-close").click();
    await page.getByTestId("document-preview").waitFor({ state: "detached" });
  }

  /** The document hash the ledger holds for an invoice (as the auditor reads it). */
  const anchoredHash = async (id: string) =>
    ((await fetch(`${platform.baseUrl}/api/v1/invoices/${id}`, { headers: { authorization: `Bearer ${creds.users.auditor.token}` } }).then((r) => r.json())) as { documentHash: string }).documentHash;

  /** A one-page PDF a viewer can open, unique to this run and `name` (so no two records share a document). */
  const pdf = (name: string) => {
    const label = `${name} ${run}`.replace(/[^\x20-\x7e]/g, "?").replace(/[()\\]/g, "");
    const text = `BT /F1 20 Tf 40 120 Td (Invoice document: ${label}) Tj ET`;
    const objects = [
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 240] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
      `<< /Length ${text.length} >>\nstream\n${text}\nendstream`,
      "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ];
    let body = "%PDF-1.4\n";
    const offsets = objects.map((o, i) => {
      const at = body.length;
      body += `${i + 1} 0 obj\n${o}\nendobj\n`;
      return at;
    });
    const xref = body.length;
    body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("")}`;
    body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
    return { name, mimeType: "application/pdf", buffer: Buffer.from(body, "latin1") };
  };

  it("signs in with a demo username and password, keeps no token in script storage, and shows who is signed in", async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(platform.baseUrl + "/");
    await page.getByText("data/demo-credentials.json").waitFor();
    await page.getByTestId("login-username").fill("supplier");
    await page.getByTestId("login-password").fill("not-the-password");
    expect(await act(page, "action-status", () => page.getByTestId("login-submit").click(), "error")).to.match(/username, password or one-time code is not right/i);
    await shot(page, "login-phone");
    await context.close();

    const supplier = await signIn("supplier");
    expect(await supplier.getByTestId("user-role").textContent()).to.equal("Supplier");
    expect(await supplier.getByTestId("nav-queue").count(), "a supplier does not see the bank's queue").to.equal(0);
    // The session is the HttpOnly cookie: script storage holds no credential, and script cannot read the cookie.
    const stored = await supplier.evaluate(() => {
      const g = globalThis as any; // eslint-disable-line @typescript-eslint/no-explicit-any
      return { local: JSON.stringify({ ...g.localStorage }), session: JSON.stringify({ ...g.sessionStorage }), cookie: g.document.cookie };
    });
    expect(stored.local).not.to.include(creds.users.supplier.token);
    expect(stored.local + stored.session + stored.cookie).not.to.match(/trl_|trellis_session/);
    const cookies = await supplier.context().cookies();
    expect(cookies.find((c) => c.name === "trellis_session")).to.include({ httpOnly: true, sameSite: "Strict", path: "/" });
    // A reload keeps the session and fetches its CSRF token again: signing out (a write, DELETE /sessions/current)
    // then succeeds, so the gateway clears the cookie and the next reload shows the sign-in form.
    await supplier.reload();
    await supplier.getByTestId("whoami").waitFor();
    expect(await supplier.getByTestId("user-role").textContent()).to.equal("Supplier");
    await supplier.getByTestId("logout").click();
    await supplier.getByTestId("login-username").waitFor();
    for (let i = 0; i < 50 && (await supplier.context().cookies()).some((c) => c.name === "trellis_session"); i++) await supplier.waitForTimeout(100);
    expect((await supplier.context().cookies()).map((c) => c.name)).not.to.include("trellis_session");
    await supplier.reload();
    await supplier.getByTestId("login-username").waitFor();
    await supplier.context().close();
  });

  for (const locale of LOCALES) {
    it(`officer 1 proposes Bank A's policy (Acme trusted, a credit limit for Pearl River) and officer 2 approves it (${locale})`, async () => {
      const T = (key: string, vars: Record<string, string | number> = {}) => plain(tr(locale, key, vars));
      const limit = locale === "zh-CN" ? "4800000.00" : "4900000.00";
      const officer = await signIn("officer1", 1280, locale);
      await open(officer, "policy");
      // Wait for the form to be filled from the policy read (before the field exists, or while it is still empty, it is not).
      await officer.waitForFunction(() => ((globalThis as W).document.querySelector('[data-testid="policy-fast-track"]')?.value ?? "") !== "");
      expect(await officer.getByTestId("policy-fast-track").inputValue()).to.equal("500000.00");
      await officer.getByTestId(`trusted-${creds.orgs.acme}`).check();
      await officer.getByTestId(`credit-limit-${creds.orgs.pearl}`).fill(locale === "zh-CN" ? "480万" : limit);
      // The change is a proposal: it waits in the bank's trail for a second officer, and its proposer cannot approve it.
      const said = plain(await act(officer, "policy-status", () => officer.getByTestId("policy-save").click()));
      const proposalId = trPattern(locale, "policy.proposed", { id: /\d+/ }).exec(said)?.[1] ?? "";
      expect(proposalId, said).to.match(/^\d+$/);
      const pending = officer.locator(`[data-testid="policy-proposal-${proposalId}"][data-status="pending"]`);
      await pending.waitFor();
      expect(await pending.getByTestId("policy-proposal-approve").count(), "the proposer has no approve button").to.equal(0);
      expect(await pending.textContent()).to.contain("officer1");
      await expectLanguage(officer, locale, "bank policy", ["screen.policy", "proposals.title", "proposals.yours"]);
      await axe(officer, `bank-policy (${locale})`);
      await shot(officer, shotName(locale, "bank-policy"));
      await officer.context().close();

      const checker = await signIn("officer2", 1280, locale);
      await open(checker, "policy");
      const row = checker.getByTestId(`policy-proposal-${proposalId}`);
      expect(plain(await row.textContent())).to.contain(T("proposals.limit", { supplier: "Pearl River Parts", limit: money(locale, limit) }));
      expect(plain(await act(checker, "proposals-status", () => row.getByTestId("policy-proposal-approve").click()))).to.equal(T("proposals.approved", { id: proposalId }));
      await checker.locator(`[data-testid="policy-proposal-${proposalId}"][data-status="approved"]`).waitFor();
      expect(await checker.getByTestId(`policy-proposal-${proposalId}`).textContent()).to.contain("officer2");
      await expectLanguage(checker, locale, "policy proposals", ["proposals.title", "proposals.changes"]);
      await shot(checker, shotName(locale, "bank-policy-proposals"));
      await checker.context().close();
    });
  }

  let invoiceId = "";
  let financingId = "";
  const invoiceNumber = `INV-${run}-1`;

  it("runs the story: order, invoice with a document, confirmation, fast-track financing, disbursement, payment", async () => {
    const orderId = await issueOrder("400000.00", `PO-${run}-1`);

    const supplier = await signIn("supplier");
    await acceptOrder(supplier, orderId);
    await supplier.getByTestId(`order-row-${orderId}`).getByTestId("order-invoice").click();
    const form = supplier.getByTestId("invoice-form");
    await form.getByTestId("invoice-number").fill(invoiceNumber);
    await form.getByTestId("invoice-document").setInputFiles(pdf("invoice-1.pdf"));
    // An invoice above what remains on the order is refused by the ledger, and the console says so in words.
    await form.getByTestId("invoice-amount").fill("400000.01");
    expect(await act(supplier, "invoice-status", () => form.getByTestId("invoice-submit").click(), "error")).to.match(/more than what remains/i);
    await shot(supplier, "supplier-invoice-error");
    // A malformed amount never reaches the gateway.
    await form.getByTestId("invoice-amount").fill("12,34.5x");
    await form.getByTestId("invoice-submit").click();
    await supplier.getByText("must be an amount with at most two decimals").waitFor();
    await form.getByTestId("invoice-amount").fill("400000.00");
    await act(supplier, "invoice-status", () => form.getByTestId("invoice-submit").click());
    await shot(supplier, "supplier-orders");
    await supplier.context().close();

    invoiceId = await confirmInvoice(invoiceNumber);

    const s2 = await signIn("supplier");
    await open(s2, "invoices");
    await s2.getByTestId(`invoice-row-${invoiceId}`).getByTestId("invoice-request-financing").click();
    await s2.getByTestId("financing-bank").selectOption(creds.orgs.bankA);
    await s2.getByTestId("financing-ceiling").waitFor();
    await s2.getByTestId("financing-amount").fill("300000.00");
    await shot(s2, "supplier-financing-request");
    await s2.getByTestId("financing-submit").click();
    // Before the request: what it costs and what the supplier receives.
    await s2.getByTestId("review-net").waitFor();
    await shot(s2, "supplier-financing-review");
    expect(await act(s2, "financing-status", () => s2.getByTestId("review-confirm").click())).to.match(/fast-track/i);
    // The list reloads after the request is written; wait for the row to show it rather than reading it mid-reload.
    const financingCell = s2.getByTestId(`invoice-row-${invoiceId}`).getByTestId("invoice-financing").filter({ hasText: /request #\d+/ });
    await financingCell.waitFor();
    const financing = await financingCell.textContent();
    financingId = /request #(\d+)/.exec(financing ?? "")?.[1] ?? "";
    expect(financingId, "the invoice row names its financing request").to.not.equal("");
    await axe(s2, "supplier-invoices");
    await shot(s2, "supplier-invoices");
    await s2.context().close();

    const officer = await signIn("officer1");
    const row = officer.getByTestId(`queue-row-${financingId}`);
    await row.waitFor();
    expect(await row.getByTestId("financing-path").getAttribute("data-path")).to.equal("fast-track");
    await axe(officer, "bank-queue");
    await shot(officer, "bank-queue");
    await officer.getByTestId(`open-request-${financingId}`).click();
    await officer.getByTestId("policy-checks").waitFor();
    await shot(officer, "bank-dossier");
    await axe(officer, "bank dossier");
    await expectLanguage(officer, "en-GB", "bank dossier", ["col.document"]);
    await openDocument(officer, officer, "en-GB", await anchoredHash(invoiceId), "invoice-1.pdf", "bank-document");
    expect(await act(officer, "decision-status", reviewed(officer, "approve"))).to.match(/approved/i);
    await officer.getByTestId("disburse").click();
    const net = (await officer.getByTestId("review-net").textContent()) ?? "";
    await shot(officer, "bank-disburse-review");
    const disbursed = await act(officer, "decision-status", () => officer.getByTestId("review-confirm").click());
    expect(disbursed).to.match(/Disbursed TDT\s[\d,]+\.\d\d/);
    expect(disbursed, "the review showed the net the ledger paid").to.contain(net);
    await open(officer, "portfolio");
    await officer.getByTestId("portfolio-outstanding").waitFor();
    await shot(officer, "bank-portfolio");
    await officer.context().close();

    const buyer = await signIn("buyer");
    await open(buyer, "invoices");
    await buyer.getByTestId(`invoice-row-${invoiceId}`).getByTestId("invoice-pay").click();
    expect(await buyer.getByTestId("pay-amount").inputValue()).to.equal("400000.00");
    await buyer.getByTestId("pay-submit").click();
    // Before paying: the bank is owed the financed 300,000.00, the supplier the rest.
    expect(await buyer.getByTestId("review-to-bank").textContent()).to.equal("TDT\u00a0300,000.00");
    expect(await buyer.getByTestId("review-to-supplier").textContent()).to.equal("TDT\u00a0100,000.00");
    await shot(buyer, "buyer-pay-review");
    expect(await act(buyer, "pay-status", () => buyer.getByTestId("review-confirm").click())).to.contain("TDT\u00a0400,000.00");
    await axe(buyer, "buyer-invoices");
    await shot(buyer, "buyer-invoices");
    // The buyer opens the invoice's document: served to the party, shown inline, re-hashed in the browser against
    // the hash the ledger anchored.
    await openDocument(buyer, buyer.getByTestId(`invoice-row-${invoiceId}`), "en-GB", await anchoredHash(invoiceId), "invoice-1.pdf", "buyer-document");
    await buyer.context().close();
  });

  it("lets the auditor find the invoice, read every step and verify an event against the chain", async () => {
    const auditor = await signIn("auditor");
    const history = async (type: string, id: string) => {
      await auditor.getByTestId("explorer-type").selectOption(type);
      await auditor.getByTestId("explorer-id").fill(id);
      await act(auditor, "explorer-status", () => auditor.getByTestId("explorer-search").click());
      return auditor.getByTestId("timeline-event").evaluateAll((els) => els.map((e) => (e as unknown as { dataset: Record<string, string> }).dataset.eventType));
    };
    const financingEvents = await history("financing", financingId);
    expect(financingEvents).to.include.members(["FinancingRequested", "FinancingApproved", "FinancingDisbursed"]);
    const invoiceEvents = await history("invoice", invoiceId);
    expect(invoiceEvents).to.include.members(["InvoiceIssued", "InvoiceConfirmed", "InvoicePaymentMade"]);
    await auditor.getByTestId("verify-event").first().click();
    const verdict = auditor.getByTestId("verify-result").first();
    await auditor.locator('[data-testid="verify-result"][data-match]').first().waitFor();
    expect(await verdict.getAttribute("data-match")).to.equal("true");
    expect(await auditor.getByTestId("timeline-sentence").allTextContents()).to.satisfy((lines: string[]) => lines.some((l) => /^Payment of TDT\s400,000\.00 on invoice #\d+, /.test(l)));
    await axe(auditor, "ledger explorer");
    await shot(auditor, "auditor-timeline");
    await open(auditor, "analytics");
    await auditor.getByTestId("stat-requests").waitFor();
    await auditor.locator(".recharts-surface").first().waitFor();
    await axe(auditor, "analytics");
    await shot(auditor, "analytics");
    await auditor.context().close();
  });

  it("needs two officers above the fast-track limit, and refuses a second approval by the same officer", async () => {
    const orderId = await issueOrder("1000000.00", `PO-${run}-2`);
    const number = `INV-${run}-2`;
    const supplier = await signIn("supplier");
    await acceptOrder(supplier, orderId);
    await supplier.getByTestId(`order-row-${orderId}`).getByTestId("order-invoice").click();
    await supplier.getByTestId("invoice-number").fill(number);
    await supplier.getByTestId("invoice-amount").fill("1000000.00");
    await supplier.getByTestId("invoice-document").setInputFiles(pdf("invoice-2.pdf"));
    await act(supplier, "invoice-status", () => supplier.getByTestId("invoice-submit").click());
    await supplier.context().close();
    const invoice2 = await confirmInvoice(number);

    const s2 = await signIn("supplier");
    await open(s2, "invoices");
    await s2.getByTestId(`invoice-row-${invoice2}`).getByTestId("invoice-request-financing").click();
    await s2.getByTestId("financing-bank").selectOption(creds.orgs.bankA);
    await s2.getByTestId("financing-ceiling").waitFor();
    await s2.getByTestId("financing-amount").fill("600000.00");
    const said = await act(s2, "financing-status", reviewed(s2, "financing-submit"));
    expect(said).to.match(/maker-checker/i);
    const requestId = /request #(\d+)/.exec(said)?.[1] ?? "";
    expect(requestId).to.not.equal("");
    await s2.context().close();

    const officer1 = await signIn("officer1");
    await officer1.getByTestId(`queue-row-${requestId}`).waitFor();
    expect(await officer1.getByTestId(`queue-row-${requestId}`).getByTestId("financing-path").getAttribute("data-path")).to.equal("maker-checker");
    await officer1.getByTestId(`open-request-${requestId}`).click();
    expect(await act(officer1, "decision-status", reviewed(officer1, "approve"))).to.match(/1 of 2/);
    // The action taken is gone: the same officer cannot approve twice.
    await officer1.getByTestId("already-approved").waitFor();
    expect(await officer1.getByTestId("approve").isDisabled()).to.equal(true);
    await shot(officer1, "bank-duplicate-approval");
    await officer1.context().close();

    const officer2 = await signIn("officer2");
    await officer2.getByTestId(`open-request-${requestId}`).click();
    // The first approver reads as a name, not an address.
    expect(await officer2.getByTestId("dossier-approver").first().textContent()).to.match(/^officer1 · /);
    expect(await act(officer2, "decision-status", reviewed(officer2, "approve"))).to.match(/approved: it can now be disbursed/i);
    await officer2.context().close();
  });

  it("fits a phone screen", async () => {
    const supplier = await signIn("supplier", 390);
    await open(supplier, "invoices");
    await supplier.getByTestId(`invoice-row-${invoiceId}`).waitFor();
    const overflow = await supplier.evaluate(() => (globalThis as W).document.documentElement.scrollWidth - (globalThis as W).innerWidth);
    expect(overflow, "the page itself does not scroll sideways").to.be.at.most(1);
    // The tab bar scrolls sideways inside itself (its edges fade) and the row's actions stay on screen.
    expect(await supplier.evaluate(() => { const g = globalThis as W; const t = g.document.querySelector(".tabs"); return t.scrollWidth > t.clientWidth && g.getComputedStyle(t).overflowX === "auto"; })).to.equal(true);
    // Each row is a card: its cells are labelled by their column and the actions sit inside the screen's width.
    const card = supplier.getByTestId(`invoice-row-${invoiceId}`);
    expect(await card.evaluate((tr) => (globalThis as W).getComputedStyle(tr).display)).to.equal("block");
    expect(await card.locator("td[data-label]").count()).to.be.greaterThan(5);
    await axe(supplier, "phone invoices");
    await shot(supplier, "supplier-invoices-phone");
    await supplier.context().close();

    // The officer's only action, opening the request, is on screen on a phone.
    const officer = await signIn("officer1", 390);
    await officer.getByTestId("financing-queue").waitFor();
    // Every status (the list state is in the URL), so the story's requests show whatever else has run.
    await officer.evaluate(() => ((globalThis as W).location.hash = "#/queue?status="));
    const link = officer.locator('[data-testid^="open-request-"]').first();
    await link.waitFor();
    const box = await link.boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= 390, `the open link sits at ${JSON.stringify(box)}`).to.equal(true);
    expect(await officer.evaluate(() => (globalThis as W).document.documentElement.scrollWidth - (globalThis as W).innerWidth)).to.be.at.most(1);
    await axe(officer, "phone queue");
    await shot(officer, "bank-queue-phone");
    await officer.getByTestId("nav-people").scrollIntoViewIfNeeded();
    await open(officer, "people");
    await officer.getByTestId("people").waitFor();
    await axe(officer, "phone people");
    await officer.context().close();
  });

  it("searches, filters, sorts and pages a list, with the page in the URL", async () => {
    // 22 orders through the API (a list page holds 20), with amounts that make the largest one known.
    const due = new Date(Date.now() + 40 * 86_400_000).toISOString().slice(0, 10);
    const prefix = `PG-${run}`;
    for (let i = 1; i <= 22; i++) {
      const r = await fetch(`${platform.baseUrl}/api/v1/orders`, {
        method: "POST",
        headers: { authorization: `Bearer ${creds.users.buyer.token}`, "content-type": "application/json", "idempotency-key": `${run}-pg-${i}` },
        body: JSON.stringify({ supplierOrgId: creds.orgs.pearl, amount: `${100 + i}.00`, reference: `${prefix}-${String(i).padStart(2, "0")}`, dueDate: due }),
      });
      expect(r.status).to.equal(201);
    }
    const buyer = await signIn("buyer");
    await buyer.getByTestId("orders-search").fill(prefix);
    await buyer.getByTestId("orders-search-go").click();
    await buyer.waitForFunction(() => (globalThis as W).location.hash.includes("q=PG-"));
    const rows = buyer.locator('[data-testid="buyer-orders"] tbody tr');
    await buyer.getByTestId("orders-pager").waitFor();
    expect(await rows.count()).to.equal(20);
    expect(await buyer.getByTestId("orders-previous").isDisabled()).to.equal(true);
    await buyer.getByTestId("orders-next").click();
    await buyer.locator('[data-testid="orders-pager"][data-page="2"]').waitFor();
    await buyer.waitForFunction(() => (globalThis as W).document.querySelectorAll('[data-testid="buyer-orders"] tbody tr').length === 2);
    expect(await buyer.getByTestId("orders-next").isDisabled()).to.equal(true);
    // The page is in the URL: a reload shows page 2 of the same search.
    expect(await buyer.evaluate(() => (globalThis as W).location.hash)).to.match(/page=/);
    await buyer.reload();
    await buyer.locator('[data-testid="orders-pager"][data-page="2"]').waitFor();
    expect(await buyer.getByTestId("orders-search").inputValue()).to.equal(prefix);
    await axe(buyer, "orders page 2");
    await shot(buyer, "buyer-orders-search");
    // Sorting by amount starts again at page 1 with the largest first.
    await buyer.getByTestId("orders-sort").selectOption("amount");
    await buyer.locator('[data-testid="orders-pager"][data-page="1"]').waitFor();
    await buyer.waitForFunction(() => (globalThis as W).document.querySelector('[data-testid="buyer-orders"] tbody tr')?.dataset.reference?.endsWith("-22"));
    // A status with no such order answers an empty list; clearing brings every order back.
    await buyer.getByTestId("orders-status").selectOption("cancelled");
    await buyer.getByText("Nothing here yet.").waitFor();
    await buyer.getByTestId("orders-clear").click();
    await buyer.waitForFunction(() => (globalThis as W).location.hash === "#/orders" || !(globalThis as W).location.hash.includes("?"));
    expect(await buyer.getByTestId("orders-search").inputValue()).to.equal("");
    await buyer.context().close();

    // The auditor finds an invoice by its number as the business writes it, not only by an internal id.
    const auditor = await signIn("auditor");
    await auditor.getByTestId("explorer-type").selectOption("invoice");
    await auditor.getByTestId("explorer-id").fill(invoiceNumber);
    await act(auditor, "explorer-status", () => auditor.getByTestId("explorer-search").click());
    await auditor.waitForFunction((id) => (globalThis as W).location.hash.startsWith(`#/ledger/invoice/${id}`), invoiceId);
    await auditor.getByTestId("timeline-event").first().waitFor();
    // Actors read as people's names.
    const actors = await auditor.getByTestId("timeline-actor").allTextContents();
    expect(actors.some((a) => /\bsupplier\b|\bbuyer\b|officer\d/.test(a)), actors.join(" | ")).to.equal(true);
    await auditor.getByTestId("activity-list").waitFor();
    await axe(auditor, "ledger activity");
    await auditor.context().close();
  });

  it("shows a rejection's reason text to the officer and the supplier, with who rejected", async () => {
    const call = (token: string) => async (method: string, route: string, body?: unknown) => {
      const r = await fetch(`${platform.baseUrl}/api/v1${route}`, {
        method,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "idempotency-key": `${run}-rej-${Math.random().toString(36).slice(2)}` },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const json = (await r.json()) as { id: string };
      expect(r.status, JSON.stringify(json)).to.be.oneOf([200, 201]);
      return json;
    };
    const buyerApi = call(creds.users.buyer.token);
    const supplierApi = call(creds.users.supplier.token);
    const due = new Date(Date.now() + 50 * 86_400_000).toISOString().slice(0, 10);
    const order = await buyerApi("POST", "/orders", { supplierOrgId: creds.orgs.pearl, amount: "8000.00", reference: `PO-${run}-REJ`, dueDate: due });
    await supplierApi("POST", `/orders/${order.id}/accept`);
    const number = `INV-${run}-REJ`;
    const invoice = await supplierApi("POST", "/invoices", { orderId: order.id, invoiceNumber: number, amount: "8000.00", dueDate: due, documentHash: "0x" + "cd".repeat(32) });
    await buyerApi("POST", `/invoices/${invoice.id}/confirm`);
    const request = await supplierApi("POST", "/financing-requests", { invoiceId: invoice.id, bankOrgId: creds.orgs.bankA, amount: "5000.00" });

    const note = "发票金额与合同不符";
    const officer = await signIn("officer1");
    await officer.evaluate((id) => ((globalThis as W).location.hash = `#/request/${id}`), request.id);
    await officer.locator("#rej-code").selectOption("2");
    await officer.locator("#rej-reason").fill(note);
    await act(officer, "decision-status", reviewed(officer, "reject"));
    const rejection = officer.getByTestId("dossier-request").getByTestId("financing-rejection");
    await rejection.waitFor();
    expect(await rejection.textContent()).to.match(new RegExp(`^Rejected by officer1: .+ · ${note}$`));
    await officer.context().close();

    const supplier = await signIn("supplier");
    await open(supplier, "invoices");
    await supplier.getByTestId("invoices-search").fill(number);
    await supplier.getByTestId("invoices-search-go").click();
    const seen = supplier.getByTestId(`invoice-row-${invoice.id}`).getByTestId("financing-rejection");
    await seen.waitFor();
    expect(await seen.textContent()).to.contain(note);
    await axe(supplier, "supplier invoices with a rejection");
    await supplier.context().close();
  });

  for (const locale of LOCALES) {
  it(`admin screens: the operator onboards and suspends an organisation; a bank admin adds people, issues and revokes tokens, deactivates; a second governor approves (${locale})`, async () => {
    const T = (key: string, vars: Record<string, string | number> = {}) => plain(tr(locale, key, vars));
    const zh = locale === "zh-CN";
    const operator = await signIn("operator", 1280, locale);
    await open(operator, "orgs");
    const orgName = zh ? `莲花贸易 ${run}` : `Lotus Trading ${run}`;
    const adminName = `lotus-${zh ? "zh-" : ""}${run.toLowerCase()}`;
    await operator.getByTestId("onboard-kind").selectOption("supplier");
    await operator.getByTestId("onboard-name").fill(orgName);
    await operator.getByTestId("onboard-admin").fill(adminName);
    expect(plain(await act(operator, "orgs-outcome", () => operator.getByTestId("onboard-submit").click()))).to.equal(T("admin.onboarded", { name: orgName, admin: adminName }));
    const token = await operator.getByTestId("one-time-token").getAttribute("data-token");
    expect(token ?? "").to.match(/^trl_/);
    // The new admin's token works at once: the organisation exists on the ledger with them as its admin.
    const me = await fetch(`${platform.baseUrl}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.json() as Promise<{ user: { name: string; admin: boolean } }>);
    expect(me.user).to.include({ name: adminName, admin: true });
    const row = operator.locator(`tr[data-name="${orgName}"]`);
    await row.waitFor();
    await expectLanguage(operator, locale, "organisations", ["screen.orgs", "admin.onboardTitle", "admin.orgsTitle", "admin.since"]);
    await axe(operator, `organisations (${locale})`);
    await shot(operator, shotName(locale, "operator-organisations"));
    expect(plain(await act(operator, "orgs-outcome", reviewed(operator, "org-suspend", row)))).to.equal(T("admin.suspended", { name: orgName }));
    await row.locator('[data-status="suspended"]').waitFor();
    expect(plain(await row.getByTestId("status").textContent())).to.equal(T("status.suspended"));
    expect(plain(await act(operator, "orgs-outcome", reviewed(operator, "org-reinstate", row)))).to.equal(T("admin.reinstated", { name: orgName }));
    await row.locator('[data-status="active"]').waitFor();
    await operator.context().close();

    const admin = await signIn("adminA", 1280, locale);
    await open(admin, "people");
    const clerk = `clerk-${zh ? "zh-" : ""}${run.toLowerCase()}`;
    await admin.getByTestId("person-name").fill(clerk);
    expect(plain(await act(admin, "people-outcome", () => admin.getByTestId("person-submit").click()))).to.equal(T("people.added", { name: clerk }));
    await admin.getByTestId("one-time-token").waitFor();
    const clerkToken = await admin.getByTestId("one-time-token").getAttribute("data-token");
    await admin.getByTestId(`person-row-${clerk}`).waitFor();
    // A new officer in a bank is only proposed: officer1 (another governor) approves it.
    const officerName = `off-${zh ? "zh-" : ""}${run.toLowerCase()}`;
    await admin.getByTestId("person-name").fill(officerName);
    await admin.getByTestId("person-role").selectOption("officer");
    expect(plain(await act(admin, "people-outcome", () => admin.getByTestId("person-submit").click()))).to.equal(T("people.proposed", { name: officerName, role: T("memberRole.officer") }));
    await admin.locator(`tr[data-person="${officerName}"]`).waitFor();
    // The admin's own API token: issued and shown once, then revoked.
    const tokenName = `ci ${zh ? "zh " : ""}${run}`;
    await admin.getByTestId("token-name").fill(tokenName);
    expect(plain(await act(admin, "tokens-status", () => admin.getByTestId("token-issue").click()))).to.equal(T("tokens.issued", { name: tokenName }));
    const own = await admin.getByTestId("tokens").getByTestId("one-time-token").getAttribute("data-token");
    expect((await fetch(`${platform.baseUrl}/api/v1/me`, { headers: { authorization: `Bearer ${own}` } })).status).to.equal(200);
    expect(plain(await act(admin, "tokens-status", () => admin.getByTestId(`token-row-${tokenName}`).getByTestId("token-revoke").click()))).to.equal(T("tokens.revoked", { name: tokenName }));
    expect((await fetch(`${platform.baseUrl}/api/v1/me`, { headers: { authorization: `Bearer ${own}` } })).status).to.equal(401);
    await expectLanguage(admin, locale, "people and tokens", ["screen.people", "people.addTitle", "people.proposalsTitle", "tokens.title", "people.bankRule"]);
    await axe(admin, `people (${locale})`);
    await shot(admin, shotName(locale, "bank-people"));
    // Deactivating the clerk ends their token at once.
    expect((await fetch(`${platform.baseUrl}/api/v1/me`, { headers: { authorization: `Bearer ${clerkToken}` } })).status).to.equal(200);
    expect(plain(await act(admin, "people-outcome", reviewed(admin, "person-deactivate", admin.getByTestId(`person-row-${clerk}`))))).to.match(trPattern(locale, "people.deactivated", { name: clerk, sessions: /\d+/, tokens: /\d+/ }));
    expect((await fetch(`${platform.baseUrl}/api/v1/me`, { headers: { authorization: `Bearer ${clerkToken}` } })).status).to.equal(401);
    await admin.context().close();

    const governor = await signIn("officer1", 1280, locale);
    await open(governor, "people");
    const proposal = governor.locator(`tr[data-person="${officerName}"]`);
    await proposal.waitFor();
    // The proposer reads as a name.
    expect(plain(await proposal.textContent())).to.contain(creds.users.adminA.username);
    expect(plain(await act(governor, "people-outcome", () => proposal.getByTestId("proposal-approve").click()))).to.match(trPattern(locale, "people.approved", { id: /\d+/ }));
    await proposal.locator('[data-status="approved"]').waitFor();
    expect(await governor.getByTestId("add-person").count(), "an officer who is not an admin adds no one").to.equal(0);
    await expectLanguage(governor, locale, "people (officer)", ["screen.people", "people.proposalsTitle"]);
    await axe(governor, `people, officer (${locale})`);
    await governor.context().close();
  });
  }

  it("shows a change made through the API on an open screen within seconds, without a reload", async () => {
    const buyer = await signIn("buyer");
    await buyer.getByTestId("buyer-orders").waitFor();
    await buyer.waitForFunction(() => { const live = (globalThis as W).document.documentElement.dataset.live ?? ""; return live === "open" || live.startsWith("seq-"); });
    const navigations: string[] = [];
    buyer.on("framenavigated", (f) => navigations.push(f.url()));
    const reference = `PO-${run}-LIVE`;
    const api = (token: string) => (method: string, route: string, body?: unknown) =>
      fetch(`${platform.baseUrl}/api/v1${route}`, {
        method,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "idempotency-key": `${run}-${Date.now()}-${Math.random().toString(36).slice(2)}` },
        body: body === undefined ? undefined : JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as { id: string } }));
    const due = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    let t0 = Date.now();
    const order = await api(creds.users.buyer.token)("POST", "/orders", { supplierOrgId: creds.orgs.pearl, amount: "1500.00", reference, dueDate: due });
    expect(order.status).to.equal(201);
    const row = buyer.locator(`tr[data-reference="${reference}"]`);
    await row.waitFor({ timeout: 5_000 });
    const appeared = Date.now() - t0;
    t0 = Date.now();
    expect((await api(creds.users.supplier.token)("POST", `/orders/${order.body.id}/accept`)).status).to.equal(201);
    await row.locator('[data-status="accepted"]').waitFor({ timeout: 5_000 });
    const updated = Date.now() - t0;
    console.log(`      live: a new order showed after ${appeared} ms, its acceptance after ${updated} ms (from the API call)`);
    expect(appeared).to.be.below(5_000);
    expect(updated).to.be.below(5_000);
    expect(navigations, "the page was not reloaded").to.deep.equal([]);
    await buyer.context().close();
  });

  it("walks the story in Chinese: words, 万 amounts, reviews, to-do counts, sentences, and no axe violation", async () => {
    const zh: Locale = "zh-CN";
    const login = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: zh });
    const lp = await login.newPage();
    await lp.goto(platform.baseUrl + "/");
    expect(await lang(lp)).to.equal("zh-CN");
    await axe(lp, "登录");
    await expectLanguage(lp, zh, "登录");
    await login.close();

    const buyer = await signIn("buyer", 1280, zh);
    expect(await lang(buyer)).to.equal("zh-CN");
    expect(await buyer.getByTestId("user-role").textContent()).to.equal("采购方");
    expect(await buyer.getByTestId("nav-orders").textContent()).to.contain("采购订单");
    await buyer.getByTestId("order-supplier").selectOption(creds.orgs.pearl);
    await buyer.getByTestId("order-amount").fill("４０万");
    const reference = `PO-${run}-ZH`;
    await buyer.getByTestId("order-reference").fill(reference);
    expect(await act(buyer, "order-status", () => buyer.getByTestId("order-submit").click())).to.contain(reference);
    const orderRow = buyer.locator(`tr[data-reference="${reference}"]`);
    await orderRow.waitFor();
    expect(await orderRow.textContent()).to.contain("400,000.00");
    expect(await orderRow.getByTestId("status").textContent()).to.equal("已开具");
    await axe(buyer, "采购订单");
    await expectLanguage(buyer, zh, "采购订单");
    await shot(buyer, "buyer-orders-zh");
    const orderId = ((await orderRow.getAttribute("data-testid")) ?? "").replace("order-row-", "");

    const supplier = await signIn("supplier", 1280, zh);
    // The order waits for the supplier: the tab counts it.
    await supplier.getByTestId("todo-orders").waitFor();
    await act(supplier, "action-status", () => supplier.getByTestId(`order-row-${orderId}`).getByTestId("order-accept").click());
    await supplier.getByTestId(`order-row-${orderId}`).getByTestId("order-invoice").click();
    const number = `INV-${run}-ZH`;
    await supplier.getByTestId("invoice-number").fill(number);
    await supplier.getByTestId("invoice-amount").fill("1.2万");
    await supplier.getByTestId("invoice-document").setInputFiles(pdf("发票-zh.pdf"));
    expect(await act(supplier, "invoice-status", () => supplier.getByTestId("invoice-submit").click())).to.contain("已开给");
    // The form recomputes: what remains on the order is now 388,000.00.
    expect(await supplier.getByTestId("invoice-amount").inputValue()).to.equal("388000.00");
    await axe(supplier, "收到的订单");
    await expectLanguage(supplier, zh, "收到的订单");
    await shot(supplier, "supplier-orders-zh");

    // The buyer's open screen shows the new invoice and its count without a reload.
    await open(buyer, "invoices");
    const invRow = buyer.locator(`tr[data-number="${number}"]`);
    await invRow.waitFor();
    await buyer.getByTestId("todo-invoices").waitFor();
    await invRow.getByTestId("invoice-confirm").click();
    expect(await buyer.getByTestId("review").textContent()).to.contain("12,000.00");
    await axe(buyer, "确认发票");
    await expectLanguage(buyer, zh, "确认发票");
    await shot(buyer, "buyer-confirm-review-zh");
    expect(await act(buyer, "action-status", () => buyer.getByTestId("review-confirm").click())).to.contain("已确认");
    const invoiceIdZh = ((await invRow.getAttribute("data-testid")) ?? "").replace("invoice-row-", "");

    await open(supplier, "invoices");
    await supplier.getByTestId(`invoice-row-${invoiceIdZh}`).getByTestId("invoice-request-financing").click();
    await supplier.getByTestId("financing-bank").selectOption(creds.orgs.bankA);
    await supplier.getByTestId("financing-maximum").waitFor();
    await supplier.getByTestId("financing-amount").fill("１万");
    await supplier.getByTestId("financing-submit").click();
    await supplier.getByTestId("review-net").waitFor();
    expect(await supplier.getByTestId("review").textContent()).to.match(/贴息（成本）/);
    await shot(supplier, "supplier-financing-review-zh");
    const said = await act(supplier, "financing-status", () => supplier.getByTestId("review-confirm").click());
    expect(said).to.contain("快速通道");
    const requestId = /#(\d+)/.exec(said)?.[1] ?? "";
    await axe(supplier, "发票与融资");
    await expectLanguage(supplier, zh, "发票与融资");
    await shot(supplier, "supplier-invoices-zh");

    const officer = await signIn("officer1", 1280, zh);
    await officer.getByTestId(`queue-row-${requestId}`).waitFor();
    await officer.getByTestId("todo-queue").waitFor();
    await axe(officer, "融资队列");
    await expectLanguage(officer, zh, "融资队列");
    await shot(officer, "bank-queue-zh");
    await officer.getByTestId(`open-request-${requestId}`).click();
    await officer.getByTestId("policy-checks").waitFor();
    // The bank lending against the invoice opens its document too.
    await openDocument(officer, officer, zh, await anchoredHash(invoiceIdZh), "发票-zh.pdf", "bank-document");
    await axe(officer, "申请档案");
    await expectLanguage(officer, zh, "申请档案");
    expect(await act(officer, "decision-status", reviewed(officer, "approve"))).to.contain("已批准");
    await officer.getByTestId("disburse").click();
    await officer.getByTestId("review-net").waitFor();
    await shot(officer, "bank-dossier-zh");
    expect(await act(officer, "decision-status", () => officer.getByTestId("review-confirm").click())).to.contain("放款");

    await buyer.getByTestId(`invoice-row-${invoiceIdZh}`).getByTestId("invoice-pay").click();
    await buyer.getByTestId("pay-submit").click();
    expect(await buyer.getByTestId("review-to-bank").textContent()).to.contain("10,000.00");
    expect(await buyer.getByTestId("review-to-supplier").textContent()).to.contain("2,000.00");
    await shot(buyer, "buyer-pay-review-zh");
    expect(await act(buyer, "pay-status", () => buyer.getByTestId("review-confirm").click())).to.contain("12,000.00");
    // The buyer opens the invoice's document in the preview: shown inline and verified against the ledger's hash.
    await openDocument(buyer, invRow, zh, await anchoredHash(invoiceIdZh), "发票-zh.pdf", "buyer-document");
    await axe(buyer, "待结算发票");
    await expectLanguage(buyer, zh, "待结算发票");
    await shot(buyer, "buyer-invoices-zh");

    const auditor = await signIn("auditor", 1280, zh);
    await auditor.getByTestId("explorer-type").selectOption("financing");
    await auditor.getByTestId("explorer-id").fill(requestId);
    await act(auditor, "explorer-status", () => auditor.getByTestId("explorer-search").click());
    const sentences = await auditor.getByTestId("timeline-sentence").allTextContents();
    expect(sentences.some((l) => l.startsWith(`融资申请 #${requestId} 获批准，第 1 / 1 项，`)), sentences.join(" | ")).to.equal(true);
    await axe(auditor, "账本浏览器");
    await expectLanguage(auditor, zh, "账本浏览器");
    await shot(auditor, "auditor-timeline-zh");
    await open(auditor, "analytics");
    await auditor.locator(".recharts-surface").first().waitFor();
    await axe(auditor, "服务分析");
    await expectLanguage(auditor, zh, "服务分析");
    await shot(auditor, "analytics-zh");
    // On a phone, in Chinese: rows are cards, the page does not scroll sideways.
    const phone = await signIn("supplier", 390, zh);
    await open(phone, "invoices");
    const card = phone.getByTestId(`invoice-row-${invoiceIdZh}`);
    await card.waitFor();
    expect(await card.evaluate((tr) => (globalThis as W).getComputedStyle(tr).display)).to.equal("block");
    expect(await phone.evaluate(() => (globalThis as W).document.documentElement.scrollWidth - (globalThis as W).innerWidth)).to.be.at.most(1);
    await expectLanguage(phone, zh, "手机上的发票与融资", ["screen.supplierInvoices"]);
    await axe(phone, "手机上的发票与融资");
    await shot(phone, "supplier-invoices-phone-zh");
    for (const p of [buyer, supplier, officer, auditor, phone]) await p.context().close();
  });

  for (const locale of LOCALES) {
    it(`lets the buyer dispute an invoice with a reason in its own words, and the supplier answer it on the disputes screen (${locale})`, async () => {
      const T = (key: string, vars: Record<string, string | number> = {}) => plain(tr(locale, key, vars));
      const zh = locale === "zh-CN";
      const due = new Date(Date.now() + 45 * 86_400_000).toISOString().slice(0, 10);
      const api = (token: string) => async (route: string, body?: unknown) => {
        const r = await fetch(`${platform.baseUrl}/api/v1${route}`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "idempotency-key": `${run}-dsp-${Math.random().toString(36).slice(2)}` },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const json = (await r.json()) as { id: string };
        expect(r.status, JSON.stringify(json)).to.equal(201);
        return json;
      };
      const order = await api(creds.users.buyer.token)("/orders", { supplierOrgId: creds.orgs.pearl, amount: "6000.00", reference: `PO-${run}-DSP-${zh ? "ZH" : "EN"}`, dueDate: due });
      await api(creds.users.supplier.token)(`/orders/${order.id}/accept`);
      const number = zh ? `发票-${run}-争议` : `INV-${run}-DSP`;
      await api(creds.users.supplier.token)("/invoices", { orderId: order.id, invoiceNumber: number, amount: "6000.00", dueDate: due, documentHash: "0x" + (zh ? "ab" : "ba").repeat(32) });

      const reason = zh ? "实收数量比发票少 20 件，请核对。" : "We received 20 pieces fewer than the invoice says.";
      const buyer = await signIn("buyer", 1280, locale);
      await open(buyer, "invoices");
      const row = buyer.locator(`tr[data-number="${number}"]`);
      await row.waitFor();
      await row.getByTestId("invoice-dispute").click();
      await buyer.getByTestId("dispute-form").waitFor();
      await buyer.locator("#dsp-code").selectOption({ index: 1 });
      await buyer.locator("#dsp-category").selectOption("quantity");
      await buyer.locator("#dsp-reason").fill(reason);
      await expectLanguage(buyer, locale, "dispute form", ["field.reason", "field.category", "field.whatIsWrong", "dispute.submit"]);
      await axe(buyer, `dispute form (${locale})`);
      expect(plain(await act(buyer, "dispute-status", () => buyer.getByTestId("dispute-submit").click()))).to.equal(T("dispute.done", { number, supplier: "Pearl River Parts" }));
      await row.locator('[data-status="disputed"]').waitFor();
      await buyer.context().close();

      const supplier = await signIn("supplier", 1280, locale);
      await open(supplier, "disputes");
      const card = supplier.locator('li[data-testid^="dispute-"]', { hasText: reason });
      await card.waitFor();
      // The dispute reads in words: its subject, category, both parties by name and the buyer's own text.
      const said = plain(await card.textContent());
      for (const words of [T("category.quantity"), T("disputes.raisedBy", { org: "Acme Motors" }), T("disputes.assignedTo", { org: "Pearl River Parts" }), T("disputes.quote", { text: reason })]) expect(said).to.contain(words);
      const id = ((await card.getAttribute("data-testid")) ?? "").replace("dispute-", "");
      const answer = zh ? "已补发 20 件，请查收。" : "The 20 missing pieces were sent today.";
      await supplier.locator(`#dispute-response-${id}`).fill(answer);
      await expectLanguage(supplier, locale, "disputes (to answer)", ["disputes.title", "disputes.yourResponse", "disputes.send"]);
      await axe(supplier, `disputes (${locale})`);
      await shot(supplier, shotName(locale, "supplier-disputes"));
      expect(plain(await act(supplier, "action-status", () => card.getByRole("button", { name: tr(locale, "disputes.send") }).click()))).to.equal(T("disputes.responded", { id }));
      await card.getByText(T("disputes.response", { text: answer })).waitFor();
      await supplier.context().close();
    });
  }

  // Every tab of every role, in both languages, once the story has filled the ledger: each screen's title is the
  // catalogue's, the page speaks its language, and axe-core finds no critical, serious or moderate violation.
  const SCREEN_TITLES = (locale: Locale) => new Set([...Object.keys(en.screen).map((k) => tr(locale, `screen.${k}`)), tr(locale, "desk.screen")]);
  for (const locale of LOCALES) {
    it(`passes axe-core and speaks ${locale} on every screen of every role`, async () => {
      const titles = SCREEN_TITLES(locale);
      const waiting = [tr(locale, "common.loading"), tr(locale, "app.loading")];
      let screens = 0;
      for (const user of ["supplier", "buyer", "officer1", "adminA", "auditor", "operator"] as const) {
        const page = await signIn(user, 1280, locale);
        const tabs = await page.locator('nav [data-testid^="nav-"]').evaluateAll((els) => els.map((e) => (e as W).dataset.testid as string));
        expect(tabs.length, `${user} has screens`).to.be.greaterThan(0);
        for (const tab of tabs) {
          await page.getByTestId(tab).click();
          await page.waitForFunction((id) => (globalThis as W).document.querySelector(`[data-testid="${id}"]`)?.getAttribute("aria-current") === "page", tab);
          // Loaded: no "Loading…" left in the screen (each screen is its own chunk, then its data).
          await page.waitForFunction((words) => !words.some((w: string) => ((globalThis as W).document.querySelector("main")?.innerText ?? "…").includes(w)), waiting);
          const label = plain((await page.getByTestId(tab).evaluate((e) => (e as W).firstChild?.textContent ?? (e as W).textContent)) as string);
          expect([...titles].map(plain), `${user}'s ${tab} is titled from the catalogue`).to.include(label);
          await expectLanguage(page, locale, `${user}'s ${tab}`, [], ["stored-key", "key-status", "signing-account"]);
          await axe(page, `${user}'s ${tab} (${locale})`);
          screens++;
        }
        await page.context().close();
      }
      console.log(`      ${screens} screens checked in ${locale}`);
    });
  }

  it("switches language on the spot and remembers only the language", async () => {
    const page = await signIn("supplier");
    expect(await page.getByTestId("nav-orders").textContent()).to.contain("Orders received");
    await page.getByTestId("lang-switch").selectOption("zh-CN");
    await page.getByText("收到的订单").first().waitFor();
    expect(await lang(page)).to.equal("zh-CN");
    expect(await page.evaluate(() => (globalThis as W).localStorage.getItem("trellis.lang"))).to.equal("zh-CN");
    await page.reload();
    await page.getByTestId("whoami").waitFor();
    expect(await page.getByTestId("user-role").textContent()).to.equal("供应商");
    await page.getByTestId("lang-switch").selectOption("en");
    await page.getByText("Orders received").first().waitFor();
    await page.context().close();
  });
});
