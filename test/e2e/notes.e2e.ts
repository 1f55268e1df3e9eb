import { execSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { chromium, type Browser, type Page } from "playwright-core";
import { startPlatform, type Platform } from "../../scripts/lib/platform";
import { apiClient } from "../../scripts/lib/api-client";
import { confirmedInvoice } from "../server/lifecycle";
import { expectLanguage, LOCALES, money, plain, shotName, tr, trPattern, type Locale } from "./lib/words";

// Drives the payable-note screens in a real browser against the real gateway and chain, each step signed in with the
// role's own demo username and password: the buyer issues a note from an invoice it confirmed; Pearl River transfers
// part of it to Tier2 Metals; Tier2 sees the piece in its wallet and splits it; the buyer reads the drawn tree and
// pays it, and sees the payouts each holder received. The walk runs in English and in Chinese (a zh-CN browser), on
// one platform, every expected sentence read from the console's catalogue; each screen speaks its language (lang,
// the catalogue's words, no English left on a Chinese screen, names not addresses) and axe-core finds no critical,
// serious or moderate violation on it. Screenshots go to docs/img/notes-*.png (notes-*-zh.png in Chinese).

const ROOT = path.resolve(__dirname, "../..");
const SHOTS = path.join(ROOT, "docs/img");
const STEP = 60_000;
const FACE = "100000.00";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- page scripts see the browser's globals
type W = any;

describe("payable notes in a browser", function () {
  this.timeout(600_000);
  let platform: Platform;
  let browser: Browser;
  const AXE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

  before(async () => {
    if (!fs.existsSync(path.join(ROOT, "web/dist/index.html"))) execSync("npm run build:web", { cwd: ROOT, stdio: "ignore" });
    fs.mkdirSync(SHOTS, { recursive: true });
    platform = await startPlatform();
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
  });
  after(async () => {
    await browser?.close();
    await platform?.stop();
  });

  const users = () => platform.credentials.users;
  const shot = (page: Page, locale: Locale, name: string) => page.screenshot({ path: path.join(SHOTS, `notes-${shotName(locale, name)}.png`), fullPage: true });
  const as = (user: "buyer" | "supplier" | "tier2" | "auditor") => apiClient(platform.baseUrl, users()[user].token);

  async function signIn(user: "buyer" | "supplier" | "tier2" | "auditor", locale: Locale): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale });
    const page = await context.newPage();
    page.setDefaultTimeout(STEP);
    await page.goto(platform.baseUrl + "/");
    await page.getByTestId("login-username").fill(users()[user].username);
    await page.getByTestId("login-password").fill(users()[user].password);
    await page.getByTestId("login-submit").click();
    await page.getByTestId("whoami").waitFor();
    await page.getByTestId("nav-notes").click();
    return page;
  }

  /**
   * The screen as it is now: in `locale`'s words (lang, the notes tab and `shown` keys from the catalogue, no English
   * on a Chinese screen, names not addresses) and no critical, serious or moderate axe-core violation.
   */
  async function check(page: Page, locale: Locale, screen: string, shown: readonly string[] = []) {
    await expectLanguage(page, locale, screen, ["screen.notes", ...shown]);
    await axe(page, `${screen} (${locale})`);
  }

  /** axe-core in the page: no critical, serious or moderate violation on the screen as it is now. */
  async function axe(page: Page, screen: string) {
    // The console's CSP allows only same-origin scripts, so axe is served from the page's own origin.
    if (!(await page.evaluate(() => typeof (globalThis as W).axe !== "undefined"))) {
      await page.route("**/__axe-core.js", (r) => r.fulfill({ body: AXE, contentType: "application/javascript" }));
      await page.addScriptTag({ url: `${platform.baseUrl}/__axe-core.js` });
    }
    const violations = await page.evaluate(async () => {
      const g = globalThis as W;
      const r = await g.axe.run(g.document, { resultTypes: ["violations"] });
      return (r.violations as W[])
        .filter((v) => v.impact === "critical" || v.impact === "serious" || v.impact === "moderate")
        .map((v) => `${v.id}: ${(v.nodes as W[]).map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
    });
    expect(violations, `axe on ${screen}`).to.deep.equal([]);
  }

  /** Clicks, then waits for the outcome line `testId` to show a newer outcome; fails with the sentence shown if it is not a success. */
  async function act(page: Page, testId: string, click: () => Promise<void>): Promise<string> {
    const line = page.getByTestId(testId).first();
    const before = Number((await line.getAttribute("data-seq").catch(() => "0")) ?? 0);
    await click();
    await page.waitForFunction(
      ([id, seq]) => {
        const el = (globalThis as W).document.querySelector(`[data-testid="${id}"]`);
        return el && Number(el.dataset.seq) > Number(seq) && ["success", "error"].includes(el.dataset.state);
      },
      [testId, String(before)] as const,
      { timeout: STEP },
    );
    const text = plain(await line.textContent());
    expect(await line.getAttribute("data-state"), `the console said: ${text}`).to.equal("success");
    return text;
  }

  /** Submits a form, checks its review says `title`, and confirms it. */
  const reviewed = (page: Page, submit: string, title: RegExp | string) => async () => {
    await page.getByTestId(submit).click();
    await page.getByTestId("review").waitFor();
    const shown = plain(await page.locator("#review-title").textContent());
    if (typeof title === "string") expect(shown).to.equal(plain(title));
    else expect(shown).to.match(title);
    await page.getByTestId("review-confirm").click();
  };

  /** The drawn tree as [depth, id, holder, face, status] per node, in document order. */
  const treeOf = (page: Page) =>
    page.getByTestId("note-tree").evaluate((tree: W) =>
      ([...tree.querySelectorAll('[data-testid="note-node"]')] as W[]).map((n): (string | number)[] => {
        let depth = 0;
        for (let el = n.parentElement; el && el !== tree; el = el.parentElement) if (el.tagName === "UL") depth++;
        return [depth, n.dataset.note, n.dataset.holder, n.dataset.face, n.dataset.status, n.dataset.outstanding];
      }),
    );

  for (const locale of LOCALES) {
    describe(`in ${locale}`, () => {
      const M = (amount: string) => plain(money(locale, amount));
      const T = (key: string, vars: Record<string, string | number> = {}) => plain(tr(locale, key, vars));
      let invoiceId = "";
      let invoiceNumber = "";
      let rootId = "";
      let transferredId = "";
      let keptId = "";
      let pieceIds: string[] = [];
      let financingId = "";

      before(async () => {
        ({ invoiceId } = await confirmedInvoice(platform.credentials, FACE, locale === "zh-CN" ? "NOTE-ZH-" : "NOTE-"));
        invoiceNumber = (await as("buyer")("GET", `/invoices/${invoiceId}`)).body.invoiceNumber;
      });

      it("lets the buyer issue a note from a confirmed invoice, reviewed first", async () => {
        const buyer = await signIn("buyer", locale);
        const choice = buyer.getByTestId("note-issue-invoice");
        await choice.locator(`option[value="${invoiceId}"]`).waitFor({ state: "attached" });
        await choice.selectOption(invoiceId);
        await check(buyer, locale, "issue a note", ["notes.issueTitle", "notes.invoice"]);
        const said = await act(buyer, "note-issue-status", reviewed(buyer, "note-issue-submit", T("notes.issueReview", { number: invoiceNumber })));
        const m = trPattern(locale, "notes.issued", { id: /\d+/, amount: M(FACE), holder: "Pearl River Parts" }).exec(said);
        expect(m, said).to.not.equal(null);
        rootId = m![1];
        const note = await as("buyer")("GET", `/notes/${rootId}`);
        expect(note.status).to.equal(200);
        expect(note.body).to.include({ invoiceId, face: FACE, status: "active", holderOrgId: platform.credentials.orgs.pearl, parentId: null });
        // The new note's tree is drawn at once: one node, held by Pearl River.
        await buyer.getByTestId("note-tree").waitFor();
        expect(await treeOf(buyer)).to.deep.equal([[0, rootId, "Pearl River Parts", FACE, "active", FACE]]);
        // The invoice is no longer offered (it is settled through the note now).
        expect(await choice.locator(`option[value="${invoiceId}"]`).count()).to.equal(0);
        const row = buyer.getByTestId(`note-row-${rootId}`);
        expect(await row.getAttribute("data-status")).to.equal("active");
        await check(buyer, locale, "the buyer's notes", ["notes.holder", "notes.showTree"]);
        await buyer.context().close();
      });

      it("lets Pearl River transfer part of the note to Tier2 Metals from its wallet", async () => {
        const pearl = await signIn("supplier", locale);
        const row = pearl.getByTestId(`note-row-${rootId}`);
        await row.waitFor();
        expect(await row.getAttribute("data-status")).to.equal("active");
        expect(plain(await row.textContent())).to.contain("Acme Motors");
        await row.getByTestId("note-transfer").click();
        // Refusals stay in the form: more than the note holds.
        await pearl.getByTestId("note-transfer-to").selectOption(platform.credentials.orgs.tier2);
        await pearl.getByTestId("note-transfer-amount").fill("100000.01");
        await pearl.getByTestId("note-transfer-reference").fill(locale === "zh-CN" ? "采购单-T2-7781 钢坯" : "PO-T2-7781 steel billets");
        await pearl.getByTestId("note-transfer-submit").click();
        expect(plain(await pearl.locator("#note-transfer-amount-error").textContent())).to.equal(T("notes.overHeld", { held: M(FACE) }));
        expect(await pearl.getByTestId("review").count()).to.equal(0);
        await pearl.getByTestId("note-transfer-amount").fill(locale === "zh-CN" ? "３万" : "30000");
        await pearl.getByTestId("note-transfer-submit").click();
        await pearl.getByTestId("review").waitFor();
        expect(plain(await pearl.getByTestId("review-kept").textContent())).to.equal(M("70000.00"));
        await check(pearl, locale, "transfer review", ["notes.kept", "notes.transferEffect"]);
        await pearl.getByTestId("review-cancel").click();
        const said = await act(pearl, "note-transfer-status", reviewed(pearl, "note-transfer-submit", T("notes.transferReview", { amount: M("30000.00"), to: "Tier2 Metals" })));
        const m = trPattern(locale, "notes.transferred", { id: /\d+/, amount: M("30000.00"), to: "Tier2 Metals" }).exec(said);
        expect(m, said).to.not.equal(null);
        transferredId = m![1];
        // The wallet keeps the remainder; the original note is retired and leaves it.
        const kept = (await as("supplier")("GET", `/notes?holderOrgId=${platform.credentials.orgs.pearl}&rootId=${rootId}&status=active`)).body.items;
        expect(kept).to.have.length(1);
        expect(kept[0]).to.include({ face: "70000.00", parentId: rootId, status: "active" });
        keptId = kept[0].id;
        await pearl.getByTestId(`note-row-${keptId}`).waitFor();
        await row.waitFor({ state: "detached" });
        // The form follows the note: once retired it offers no second transfer, only its outcome.
        await pearl.getByTestId("note-transfer-submit").waitFor({ state: "detached" });
        expect(await pearl.getByTestId("note-transfer-status").getAttribute("data-state")).to.equal("success");
        expect(await pearl.getByTestId(`note-row-${keptId}`).getAttribute("data-face")).to.equal("70000.00");
        await check(pearl, locale, "Pearl River's wallet", ["notes.walletTitle"]);
        await pearl.context().close();
      });

      it("shows Tier2 Metals the piece in its wallet and lets it split it into amounts that add up to the face", async () => {
        const tier2 = await signIn("tier2", locale);
        const row = tier2.getByTestId(`note-row-${transferredId}`);
        await row.waitFor();
        expect(await row.getAttribute("data-status")).to.equal("active");
        expect(await row.getAttribute("data-face")).to.equal("30000.00");
        // The other walk's pieces are paid by now: only this one is outstanding.
        expect(plain(await tier2.getByTestId("note-wallet-total").textContent())).to.equal(T("notes.walletTotal", { total: M("30000.00") }));
        await row.getByTestId("note-split").click();
        await tier2.getByTestId("note-split-amount-0").fill("10000");
        await tier2.getByTestId("note-split-amount-1").fill("15000");
        const sum = tier2.getByTestId("note-split-sum");
        expect(await sum.getAttribute("data-balanced")).to.equal("no");
        await tier2.getByTestId("note-split-submit").click();
        expect(plain(await tier2.getByTestId("note-split-problem").textContent())).to.equal(T("notes.splitUnbalanced", { sum: M("25000.00"), face: M("30000.00") }));
        await tier2.getByTestId("note-split-amount-1").fill(locale === "zh-CN" ? "2万" : "20000");
        expect(await sum.getAttribute("data-balanced")).to.equal("yes");
        expect(plain(await sum.textContent())).to.equal(T("notes.splitSum", { sum: M("30000.00"), face: M("30000.00") }));
        await check(tier2, locale, "split form", ["notes.addPiece"]);
        const said = await act(tier2, "note-split-status", reviewed(tier2, "note-split-submit", T("notes.splitReview", { id: transferredId, n: 2 })));
        expect(said).to.equal(T("notes.splitDone", { id: transferredId, n: 2 }));
        const pieces = (await as("tier2")("GET", `/notes?holderOrgId=${platform.credentials.orgs.tier2}&status=active`)).body.items;
        expect(pieces.map((p: { face: string; parentId: string }) => [p.face, p.parentId]).sort()).to.deep.equal([["10000.00", transferredId], ["20000.00", transferredId]]);
        pieceIds = pieces.map((p: { id: string }) => p.id).sort((a: string, b: string) => Number(a) - Number(b));
        for (const id of pieceIds) await tier2.getByTestId(`note-row-${id}`).waitFor();
        await row.waitFor({ state: "detached" });
        await tier2.getByTestId("note-split-submit").waitFor({ state: "detached" });
        // A holder sees the tree as far as it may: its own pieces under the note it received.
        await tier2.getByTestId(`note-row-${pieceIds[0]}`).getByTestId("note-show-tree").click();
        await tier2.getByTestId("note-tree").waitFor();
        const seen = await treeOf(tier2);
        for (const id of pieceIds) expect(seen.some((n) => n[1] === id && n[2] === "Tier2 Metals" && n[4] === "active")).to.equal(true);
        await check(tier2, locale, "Tier2's wallet and tree", ["notes.walletTitle", "notes.noFinancing"]);
        await shot(tier2, locale, "wallet");

        // The 10,000.00 piece is financed at Bank A (fast-track: Bank A trusts the issuer), 90 % of its face.
        const piece = tier2.getByTestId(`note-row-${pieceIds[0]}`);
        await piece.getByTestId("note-finance").click();
        await tier2.getByTestId("note-finance-bank").selectOption(platform.credentials.orgs.bankA);
        await tier2.getByTestId("note-finance-amount").fill("9000");
        await check(tier2, locale, "finance a note", ["notes.financeTitle"]);
        const asked = await act(tier2, "note-finance-status", reviewed(tier2, "note-finance-submit", T("review.financeTitle", { amount: M("9000.00"), bank: "Bank A" })));
        const f = trPattern(locale, "notes.financeDone", { id: /\d+/, bank: "Bank A", path: T("path.fast-track") }).exec(asked);
        expect(f, asked).to.not.equal(null);
        financingId = f![1];
        await tier2.waitForFunction((id) => (globalThis as W).document.querySelector(`[data-testid="note-row-${id}"]`)?.dataset.status === "financing", pieceIds[0], { timeout: STEP });
        expect(await piece.getByTestId("note-transfer").count()).to.equal(0);
        expect(plain(await piece.textContent())).to.contain(T("notes.financedBy", { id: financingId }));
        const officer = apiClient(platform.baseUrl, users().officer1.token);
        expect((await officer("POST", `/financing-requests/${financingId}/approve`)).body.status).to.equal("approved");
        expect((await officer("POST", `/financing-requests/${financingId}/disburse`)).body.status).to.equal("disbursed");
        // The wallet follows the ledger without a reload (the live stream).
        await tier2.waitForFunction((id) => (globalThis as W).document.querySelector(`[data-testid="note-row-${id}"]`)?.dataset.status === "financed", pieceIds[0], { timeout: STEP });
        await check(tier2, locale, "Tier2's wallet, financed");
        await tier2.context().close();
      });

      it("lets the buyer read the whole tree and pay it, showing each holder's payout", async () => {
        const buyer = await signIn("buyer", locale);
        const row = buyer.getByTestId(`note-row-${rootId}`);
        await row.waitFor();
        await row.getByTestId("note-show-tree").click();
        await buyer.getByTestId("note-tree").waitFor();
        const [ten, twenty] = pieceIds;
        // The root carries the tree's outstanding; a retired inner piece owes nothing itself (its pieces do).
        expect(await treeOf(buyer)).to.deep.equal([
          [0, rootId, "Pearl River Parts", FACE, "retired", FACE],
          [1, transferredId, "Tier2 Metals", "30000.00", "retired", "0.00"],
          [2, ten, "Tier2 Metals", "10000.00", "financed", "10000.00"],
          [2, twenty, "Tier2 Metals", "20000.00", "active", "20000.00"],
          [1, keptId, "Pearl River Parts", "70000.00", "active", "70000.00"],
        ]);
        expect(plain(await buyer.getByTestId("note-tree-summary").textContent())).to.match(trPattern(locale, "notes.treeSummary", { issuer: "Acme Motors", invoice: invoiceId, leaves: 3 }));
        const none = T("notes.noFinancing");
        expect((await buyer.getByTestId("note-node-financing").allTextContents()).map(plain)).to.deep.equal([none, none, T("notes.financedBy", { id: financingId }), none, none]);
        await check(buyer, locale, "the buyer's tree", ["notes.issuedTitle", "notes.noFinancing"]);
        await shot(buyer, locale, "tree");

        await row.getByTestId("note-pay").click();
        expect(await buyer.getByTestId("note-pay-amount").inputValue()).to.equal(FACE);
        await buyer.getByTestId("note-pay-submit").click();
        await buyer.getByTestId("review").waitFor();
        expect(plain(await buyer.getByTestId("review-left").textContent())).to.equal(M("0.00"));
        await check(buyer, locale, "pay review", ["notes.payEffect", "notes.left"]);
        await buyer.getByTestId("review-cancel").click();
        const said = await act(buyer, "note-pay-status", reviewed(buyer, "note-pay-submit", T("notes.payReview", { amount: M(FACE), id: rootId })));
        expect(said).to.equal(T("notes.paidDone", { amount: M(FACE), n: 4, outstanding: M("0.00") }));
        const payouts = await buyer.getByTestId("note-payout").evaluateAll((rows: W[]) => rows.map((r): string[] => [r.dataset.note, r.dataset.org, r.dataset.amount]));
        const { pearl, tier2, bankA } = platform.credentials.orgs;
        // The financed piece pays its bank first, up to the advance, then its holder the rest.
        const byKey = (rows: string[][]) => rows.map((r) => r.join("/")).sort();
        expect(byKey(payouts)).to.deep.equal(byKey([[keptId, pearl, "70000.00"], [ten, bankA, "9000.00"], [ten, tier2, "1000.00"], [twenty, tier2, "20000.00"]]));
        // The form now says the tree is paid instead of offering another payment.
        await buyer.getByTestId("note-pay-cleared").waitFor();
        expect(plain(await buyer.getByTestId("note-pay-cleared").textContent())).to.equal(T("notes.treePaid"));
        // The payouts name who was paid, not their addresses.
        const names = await buyer.getByTestId("note-payouts").locator("tbody tr td:nth-child(2)").allTextContents();
        expect(names.sort()).to.deep.equal(["Bank A", "Pearl River Parts", "Tier2 Metals", "Tier2 Metals"]);
        // The tree redraws with every live piece paid.
        await buyer.waitForFunction(
          () => [...(globalThis as W).document.querySelectorAll('[data-testid="note-node"]')].filter((n: W) => n.dataset.status === "paid").length === 3,
          undefined,
          { timeout: STEP },
        );
        const after = await treeOf(buyer);
        for (const id of [ten, twenty, keptId]) expect(after.find((n) => n[1] === id)?.slice(4)).to.deep.equal(["paid", "0.00"]);
        const root = await as("buyer")("GET", `/notes/${rootId}`);
        expect(root.body.outstanding).to.equal("0.00");
        expect(after[0][5]).to.equal("0.00");
        await check(buyer, locale, "paid tree with payouts", ["notes.payouts", "notes.paidTo"]);
        await shot(buyer, locale, "paid-tree");
        await buyer.context().close();
      });

      it("shows the auditor every tree read-only", async () => {
        const auditor = await signIn("auditor", locale);
        const row = auditor.getByTestId(`note-row-${rootId}`);
        await row.waitFor();
        expect(await row.getByTestId("note-pay").count()).to.equal(0);
        expect(await auditor.getByTestId("note-issue").count()).to.equal(0);
        await row.getByTestId("note-show-tree").click();
        await auditor.getByTestId("note-tree").waitFor();
        const seen = await treeOf(auditor);
        expect(seen.map((n) => [n[0], n[1], n[2], n[3]])).to.deep.equal([
          [0, rootId, "Pearl River Parts", FACE],
          [1, transferredId, "Tier2 Metals", "30000.00"],
          [2, pieceIds[0], "Tier2 Metals", "10000.00"],
          [2, pieceIds[1], "Tier2 Metals", "20000.00"],
          [1, keptId, "Pearl River Parts", "70000.00"],
        ]);
        expect(await auditor.getByTestId("note-transfer").count()).to.equal(0);
        await check(auditor, locale, "the auditor's tree", ["notes.allTitle", "notes.issuer"]);
        await auditor.context().close();
      });
    });
  }
});
