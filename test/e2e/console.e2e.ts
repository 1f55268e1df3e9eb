import { execSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { chromium, type Browser, type Page } from "playwright-core";

// Drives the web console in a real browser against the real gateway and chain: the full supply-chain story, a
// maker-checker approval, and errors shown to the user. Screenshots of the main screens go to docs/img/.

type UserKey = "operator" | "buyer" | "supplier" | "officer1" | "officer2" | "officer3" | "auditor";
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

  async function signIn(user: UserKey, width = 1280): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT);
    await page.goto(platform.baseUrl + "/");
    await page.getByTestId("login-username").fill(creds.users[user].username);
    await page.getByTestId("login-password").fill(creds.users[user].password);
    await page.getByTestId("login-submit").click();
    await page.getByTestId("whoami").waitFor();
    return page;
  }

  async function shot(page: Page, name: string) {
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  }

  /**
   * Clicks the control that starts an action and waits for that action's outcome line (a newer data-seq than
   * before the click); fails with the sentence the user saw if the outcome is not the expected one.
   */
  async function act(page: Page, testId: string, click: () => Promise<void>, expected: "success" | "error" = "success"): Promise<string> {
    const line = page.getByTestId(testId).first();
    const before = Number((await line.getAttribute("data-seq").catch(() => "0")) ?? 0);
    await click();
    await page.waitForFunction(
      ([id, seq]) => {
        const el = (globalThis as any).document.querySelector(`[data-testid="${id}"]`); // eslint-disable-line @typescript-eslint/no-explicit-any
        return el && Number(el.dataset.seq) > Number(seq) && ["success", "error"].includes(el.dataset.state);
      },
      [testId, String(before)] as const,
      { timeout: STEP_TIMEOUT },
    );
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
    await act(buyer, "action-status", () => row.getByTestId("invoice-confirm").click());
    await buyer.context().close();
    return id;
  }

  const pdf = (name: string) => ({ name, mimeType: "application/pdf", buffer: Buffer.from(`%PDF-1.4 ${name} ${run}\n`) });

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

  it("officer 1 sets Bank A's policy: Acme trusted, a credit limit for Pearl River", async () => {
    const officer = await signIn("officer1");
    await open(officer, "policy");
    // Wait for the form to be filled from the policy read (before the field exists, or while it is still empty, it is not).
    await officer.waitForFunction(`(document.querySelector('[data-testid="policy-fast-track"]')?.value ?? "") !== ""`);
    expect(await officer.getByTestId("policy-fast-track").inputValue()).to.equal("500000.00");
    await officer.getByTestId(`trusted-${creds.orgs.acme}`).check();
    await officer.getByTestId(`credit-limit-${creds.orgs.pearl}`).fill("5000000.00");
    await act(officer, "policy-status", () => officer.getByTestId("policy-save").click());
    await shot(officer, "bank-policy");
    await officer.context().close();
  });

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
    await supplier.getByText("must be a number with at most two decimals").waitFor();
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
    expect(await act(s2, "financing-status", () => s2.getByTestId("financing-submit").click())).to.match(/fast-track/i);
    // The list reloads after the request is written; wait for the row to show it rather than reading it mid-reload.
    const financingCell = s2.getByTestId(`invoice-row-${invoiceId}`).getByTestId("invoice-financing").filter({ hasText: /request #\d+/ });
    await financingCell.waitFor();
    const financing = await financingCell.textContent();
    financingId = /request #(\d+)/.exec(financing ?? "")?.[1] ?? "";
    expect(financingId, "the invoice row names its financing request").to.not.equal("");
    await shot(s2, "supplier-invoices");
    await s2.context().close();

    const officer = await signIn("officer1");
    const row = officer.getByTestId(`queue-row-${financingId}`);
    await row.waitFor();
    expect(await row.getByTestId("financing-path").getAttribute("data-path")).to.equal("fast-track");
    await shot(officer, "bank-queue");
    await officer.getByTestId(`open-request-${financingId}`).click();
    await officer.getByTestId("policy-checks").waitFor();
    await shot(officer, "bank-dossier");
    expect(await act(officer, "decision-status", () => officer.getByTestId("approve").click())).to.match(/approved/i);
    expect(await act(officer, "decision-status", () => officer.getByTestId("disburse").click())).to.match(/Disbursed TDT [\d,]+\.\d\d/);
    await open(officer, "portfolio");
    await officer.getByTestId("portfolio-outstanding").waitFor();
    await shot(officer, "bank-portfolio");
    await officer.context().close();

    const buyer = await signIn("buyer");
    await open(buyer, "invoices");
    await buyer.getByTestId(`invoice-row-${invoiceId}`).getByTestId("invoice-pay").click();
    expect(await buyer.getByTestId("pay-amount").inputValue()).to.equal("400000.00");
    expect(await act(buyer, "pay-status", () => buyer.getByTestId("pay-submit").click())).to.contain("TDT 400,000.00");
    await shot(buyer, "buyer-invoices");
    await buyer.context().close();
  });

  it("lets the auditor find the invoice, read every step and verify an event against the chain", async () => {
    const auditor = await signIn("auditor");
    const history = async (type: string, id: string) => {
      await auditor.getByTestId("explorer-type").selectOption(type);
      await auditor.getByTestId("explorer-id").fill(id);
      await act(auditor, "explorer-status", () => auditor.getByTestId("explorer-search").click());
      return auditor.getByTestId("timeline-event").evaluateAll((els) => els.map((e) => e.getAttribute("data-event-type")));
    };
    const financingEvents = await history("financing", financingId);
    expect(financingEvents).to.include.members(["FinancingRequested", "FinancingApproved", "FinancingDisbursed"]);
    const invoiceEvents = await history("invoice", invoiceId);
    expect(invoiceEvents).to.include.members(["InvoiceIssued", "InvoiceConfirmed", "InvoicePaymentMade"]);
    await auditor.getByTestId("verify-event").first().click();
    const verdict = auditor.getByTestId("verify-result").first();
    await auditor.locator('[data-testid="verify-result"][data-match]').first().waitFor();
    expect(await verdict.getAttribute("data-match")).to.equal("true");
    await shot(auditor, "auditor-timeline");
    await open(auditor, "analytics");
    await auditor.getByTestId("stat-requests").waitFor();
    await auditor.locator(".recharts-surface").first().waitFor();
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
    const said = await act(s2, "financing-status", () => s2.getByTestId("financing-submit").click());
    expect(said).to.match(/maker-checker/i);
    const requestId = /request #(\d+)/.exec(said)?.[1] ?? "";
    expect(requestId).to.not.equal("");
    await s2.context().close();

    const officer1 = await signIn("officer1");
    await officer1.getByTestId(`queue-row-${requestId}`).waitFor();
    expect(await officer1.getByTestId(`queue-row-${requestId}`).getByTestId("financing-path").getAttribute("data-path")).to.equal("maker-checker");
    await officer1.getByTestId(`open-request-${requestId}`).click();
    expect(await act(officer1, "decision-status", () => officer1.getByTestId("approve").click())).to.match(/1 of 2/);
    expect(await act(officer1, "decision-status", () => officer1.getByTestId("approve").click(), "error")).to.match(/already approved/i);
    await shot(officer1, "bank-duplicate-approval");
    await officer1.context().close();

    const officer2 = await signIn("officer2");
    await officer2.getByTestId(`open-request-${requestId}`).click();
    expect(await act(officer2, "decision-status", () => officer2.getByTestId("approve").click())).to.match(/approved: it can now be disbursed/i);
    await officer2.context().close();
  });

  it("fits a phone screen", async () => {
    const supplier = await signIn("supplier", 390);
    await open(supplier, "invoices");
    await supplier.getByTestId(`invoice-row-${invoiceId}`).waitFor();
    const overflow = await supplier.evaluate<number>("document.documentElement.scrollWidth - window.innerWidth");
    expect(overflow, "the page itself does not scroll sideways").to.be.at.most(1);
    await shot(supplier, "supplier-invoices-phone");
    await supplier.context().close();
  });
});
