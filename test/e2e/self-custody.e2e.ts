import { execSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { chromium, type Browser, type Page } from "playwright-core";
import { startPlatform, type Platform } from "../../scripts/lib/platform";
import { clients, confirmedInvoice } from "../server/lifecycle";
import { expectLanguage, LOCALES, money, plain, shotName, tr, trPattern, type Locale } from "./lib/words";

// The officer's key in the browser: the demo as npm start seeds it (bank officers self-custodied), an officer imports
// their keystore into the console, approves and disburses a financing request, and each write is signed in the
// browser after the summary is shown, in English and in a Chinese (zh-CN) browser. The gateway holds no key of the
// officer's.

const ROOT = path.resolve(__dirname, "../..");
const STEP = 60_000;

describe("web console: an officer signs with their own key in the browser", function () {
  this.timeout(600_000);
  let p: Platform;
  let browser: Browser;

  before(async () => {
    // The console's bundle is rebuilt when its sources are newer than it (this suite needs the Keys screen).
    const dist = path.join(ROOT, "web/dist/index.html");
    if (!fs.existsSync(dist)) execSync("npm run build:web", { cwd: ROOT, stdio: "ignore" });
    p = await startPlatform({ chain: "hardhat", custody: "self" });
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
  });
  after(async () => {
    await browser?.close();
    await p?.stop();
  });

  async function signIn(user: "officer1" | "supplier" | "auditor", locale: Locale = "en-GB"): Promise<Page> {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, locale })).newPage();
    page.setDefaultTimeout(STEP);
    await page.goto(p.baseUrl + "/");
    await page.getByTestId("login-username").fill(p.credentials.users[user].username);
    await page.getByTestId("login-password").fill(p.credentials.users[user].password);
    await page.getByTestId("login-submit").click();
    await page.getByTestId("whoami").waitFor();
    return page;
  }

  /** Waits for the decision line's next outcome after `click`, and answers its text. */
  async function outcome(page: Page, click: () => Promise<void>): Promise<string> {
    const line = page.getByTestId("decision-status").first();
    const before = Number((await line.getAttribute("data-seq").catch(() => "0")) ?? 0);
    await click();
    await page.waitForFunction(
      (seq) => {
        const el = (globalThis as any).document.querySelector('[data-testid="decision-status"]'); // eslint-disable-line @typescript-eslint/no-explicit-any
        return el && Number(el.dataset.seq) > seq && ["success", "error"].includes(el.dataset.state);
      },
      before,
      { timeout: STEP },
    );
    const text = (await line.textContent()) ?? "";
    expect(await line.getAttribute("data-state"), text).to.equal("success");
    return text;
  }

  /** Confirms the review, then signs the signing request in the dialog with the browser's key. */
  const signInDialog = (page: Page, locale: Locale, action: "approve" | "disburse", passphrase: string, expectSummary: RegExp) => async () => {
    await page.getByTestId(action).click();
    await page.getByTestId("review").waitFor();
    await page.getByTestId("review-confirm").click();
    const dialog = page.getByTestId("signing-dialog");
    await dialog.waitFor();
    expect(await page.getByTestId("signing-summary").textContent()).to.match(expectSummary);
    expect((await page.getByTestId("signing-account").textContent())?.toLowerCase()).to.equal(p.credentials.users.officer1.address.toLowerCase());
    await expectLanguage(page, locale, `signing dialog (${action})`, ["signing.title", "signing.account", "signing.passphrase", "signing.submit"], ["signing-account"]);
    if (action === "approve") await page.screenshot({ path: path.join(ROOT, `docs/img/${shotName(locale, "bank-signing")}.png`), fullPage: true });
    await page.getByTestId("signing-passphrase").fill(passphrase);
    await page.getByTestId("signing-submit").click();
  };

  for (const locale of LOCALES) {
  it(`imports the officer's keystore, then approves and disburses, each signed in the browser (${locale})`, async () => {
    const u = p.credentials.users.officer1;
    expect(u.custody).to.equal("self");
    const custodial = p.gateway.services.vault.custodialAddresses().map((a) => a.toLowerCase());
    expect(custodial).to.not.include(u.address.toLowerCase());

    const c = clients(p.credentials);
    // The second walk's request is smaller: the first one's advance stays in use and the request must still fit the
    // fast-track (one officer) within Pearl River's credit at Bank A.
    const [face, amount] = locale === "zh-CN" ? ["100000.00", "90000.00"] : ["300000.00", "270000.00"];
    const { invoiceId } = await confirmedInvoice(p.credentials, face, locale === "zh-CN" ? "E2E-SC-ZH" : "E2E-SC");
    const req = await c.supplier("POST", "/financing-requests", { invoiceId, bankOrgId: p.credentials.orgs.bankA, amount });
    expect(req.status, JSON.stringify(req.body)).to.equal(201);
    expect(req.body.path).to.equal("fast-track");
    const id = req.body.id as string;

    const page = await signIn("officer1", locale);
    await page.getByTestId("nav-keys").click();
    await page.getByTestId("key-passphrase").fill(u.passphrase!);
    await page.getByTestId("key-file").setInputFiles(u.keystore!);
    await page.getByTestId("key-import").click();
    await page.getByTestId("stored-key").filter({ hasText: new RegExp(u.address.slice(2), "i") }).waitFor();
    await expectLanguage(page, locale, "signing keys", ["screen.keys", "keys.title", "keys.import"], ["stored-key", "key-status"]);

    await page.getByTestId("nav-queue").click();
    await page.getByTestId(`open-request-${id}`).click();
    await page.getByTestId("policy-checks").waitFor();
    const approved = await outcome(page, signInDialog(page, locale, "approve", u.passphrase!, trPattern(locale, "signing.what.approveFinancing", { id, amount: plain(money(locale, amount)), supplier: "Pearl River Parts", bank: "Bank A" })));
    expect(plain(approved)).to.equal(plain(tr(locale, "decision.approved", { id })));
    const disbursed = await outcome(page, signInDialog(page, locale, "disburse", u.passphrase!, trPattern(locale, "signing.what.disburseFinancing", { id, amount: plain(money(locale, amount)), supplier: "Pearl River Parts", bank: "Bank A" })));
    expect(plain(disbursed)).to.match(trPattern(locale, "decision.disbursed", { net: /TDT\s[\d,]+\.\d\d/, supplier: "Pearl River Parts", discount: /TDT\s[\d,]+\.\d\d/ }));

    // The ledger records the officer's own account for both acts.
    const record = await c.auditor("GET", `/financing-requests/${id}`);
    expect(record.body.status).to.equal("disbursed");
    expect(record.body.approvals.map((a: { officer: string }) => a.officer.toLowerCase())).to.deep.equal([u.address.toLowerCase()]);
    await page.context().close();
  });
  }

  it("lets the supplier disclose an invoice number to the auditor, who sees it verified against the ledger", async () => {
    const c = clients(p.credentials);
    const { invoiceId } = await confirmedInvoice(p.credentials, "1234.00", "E2E-DISC");
    const number = (await c.supplier("GET", `/invoices/${invoiceId}`)).body.invoiceNumber as string;
    const supplier = await signIn("supplier");
    await supplier.getByTestId("nav-disclosures").click();
    await supplier.getByTestId("disclose-type").selectOption("invoice");
    await supplier.getByTestId("disclose-id").fill(invoiceId);
    await supplier.getByTestId("disclose-audience").selectOption(p.credentials.orgs.audit);
    await supplier.getByTestId("disclose-submit").click();
    await supplier.getByTestId("disclosure-id").waitFor();
    const json = await supplier.getByTestId("disclosure-json").inputValue();
    expect(JSON.parse(json).fields[0]).to.include({ field: "invoiceNumber", value: number });
    await supplier.context().close();

    const auditor = await signIn("auditor");
    await auditor.getByTestId("nav-disclosures").click();
    await auditor.getByTestId("disclosure-json").fill(json);
    await auditor.getByTestId("disclosure-verify").click();
    const row = auditor.getByTestId("disclosed-invoiceNumber");
    await row.waitFor();
    expect(await row.getAttribute("data-verified")).to.equal("true");
    expect(await row.textContent()).to.contain(number);
    await auditor.screenshot({ path: path.join(ROOT, "docs/img/auditor-disclosure.png"), fullPage: true });
    // A changed value is shown as not matching.
    const forged = JSON.parse(json);
    forged.fields[0].value = "INV-FORGED";
    await auditor.getByTestId("disclosure-json").fill(JSON.stringify(forged));
    await auditor.getByTestId("disclosure-verify").click();
    await auditor.locator('[data-testid="disclosure-result"][data-valid="false"]').waitFor();
    expect(await auditor.getByTestId("disclosed-invoiceNumber").getAttribute("data-verified")).to.equal("false");
    await auditor.context().close();
  });
});
