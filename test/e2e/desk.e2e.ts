import { execSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { chromium, type Browser, type Page } from "playwright-core";
import { startPlatform, type Platform } from "../../scripts/lib/platform";
import { apiClient } from "../../scripts/lib/api-client";
import { fastTrackLifecycle } from "../server/lifecycle";
import { expectLanguage, LOCALES, plain, shotName, tr, trPattern, type Locale } from "./lib/words";

// Drives the console's service desk in a real browser against the real gateway and chain, each step signed in with
// the role's own demo username and password: a supplier files a complaint about a bank and sees it classified; the
// officer it was assigned to sees it in their queue with its clocks counting down, reclassifies and reassigns it; the
// colleague answers and resolves it while the filer watches the case change without a reload; the filer rates it and
// reads the inbox; the bank's officer reads the client relationship and the service levels; the supplier's admin
// manages webhooks; a buyer files in Chinese and the case escalates when the desk's clock passes 24 hours; then every
// desk screen is walked again in English and in a Chinese (zh-CN) browser, the words read from the catalogue. axe-core
// finds no critical, serious or moderate violation on any desk screen. Screenshots go to docs/img/desk-*.png.

const ROOT = path.resolve(__dirname, "../..");
const SHOTS = path.join(ROOT, "docs/img");
const STEP = 60_000;
const HOUR = 3_600_000;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- page scripts see the browser's globals
type W = any;

describe("service desk in a browser", function () {
  this.timeout(600_000);
  let platform: Platform;
  let browser: Browser;
  const AXE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

  before(async () => {
    if (!fs.existsSync(path.join(ROOT, "web/dist/index.html"))) execSync("npm run build:web", { cwd: ROOT, stdio: "ignore" });
    fs.mkdirSync(SHOTS, { recursive: true });
    platform = await startPlatform({ chain: "hardhat" });
    // One financed invoice between Pearl River and Bank A, so the bank has a client relationship to read.
    await fastTrackLifecycle(platform.credentials);
    for (const name of ["officer1", "officer2", "adminA"]) ids[name] = (await apiClient(platform.baseUrl, byName(name).token)("GET", "/me")).body.user.id;
    pearlName = (await apiClient(platform.baseUrl, users().supplier.token)("GET", "/me")).body.org.name;
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
  });
  after(async () => {
    await browser?.close();
    await platform?.stop();
  });

  /** Demo users' ids, for the reassign choice's value. */
  const ids: Record<string, string> = {};
  let pearlName = "";
  const users = () => platform.credentials.users;
  const byName = (username: string) => Object.values(users()).find((u) => u.username === username)!;

  async function signIn(username: string, locale: Locale = "en-GB"): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale });
    const page = await context.newPage();
    page.setDefaultTimeout(STEP);
    await page.goto(platform.baseUrl + "/");
    await page.getByTestId("login-username").fill(byName(username).username);
    await page.getByTestId("login-password").fill(byName(username).password);
    await page.getByTestId("login-submit").click();
    await page.getByTestId("whoami").waitFor();
    return page;
  }

  /** axe-core in the page: no critical, serious or moderate violation on the screen as it is now. */
  async function axe(page: Page, screen: string) {
    if (!(await page.evaluate(() => typeof (globalThis as W).axe !== "undefined"))) {
      await page.route("**/__axe-core.js", (r) => r.fulfill({ body: AXE, contentType: "application/javascript" }));
      await page.addScriptTag({ url: `${platform.baseUrl}/__axe-core.js` });
    }
    const violations = await page.evaluate(async () => {
      const g = globalThis as W;
      const r = await g.axe.run(g.document, { resultTypes: ["violations"] });
      return (r.violations as W[])
        .filter((v) => ["critical", "serious", "moderate"].includes(v.impact))
        .map((v) => `${v.impact} ${v.id}: ${(v.nodes as W[]).map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
    });
    expect(violations, `axe on ${screen}`).to.deep.equal([]);
  }

  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `desk-${name}.png`), fullPage: true });

  /** Clicks, then waits for the outcome line `testId` to show a newer outcome; fails with the sentence shown if it is not a success. */
  async function act(page: Page, testId: string, click: () => Promise<void>, expected: "success" | "error" = "success"): Promise<string> {
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
    const text = (await line.textContent()) ?? "";
    expect(await line.getAttribute("data-state"), `the console said: ${text}`).to.equal(expected);
    return text;
  }

  const openDesk = async (page: Page, part: string) => {
    await page.getByTestId("nav-desk").click();
    await page.getByTestId(`desk-nav-${part}`).click();
  };
  const sentences = (page: Page) => page.getByTestId("case-step-sentence").allTextContents();

  let caseId = "";
  let first = "";
  let second = "";

  it("lets a supplier complain about a bank and shows the category the desk chose, with its confidence", async () => {
    const supplier = await signIn("supplier");
    await openDesk(supplier, "file");
    await supplier.getByTestId("file-about").selectOption(platform.credentials.orgs.bankA);
    await supplier.getByTestId("file-text").fill("Bank A charged us a handling fee and a discount rate far above what our contract says.");
    await axe(supplier, "file a complaint");
    const said = await act(supplier, "file-status", () => supplier.getByTestId("file-submit").click());
    expect(said).to.match(/^Case #\d+ filed with Bank A: classified as Fees \(\d+(\.\d)?% sure\)\.$/);
    const filed = supplier.getByTestId("filed-case");
    expect(await filed.getAttribute("data-category")).to.equal("fees");
    caseId = (await filed.getAttribute("data-case")) ?? "";
    expect(caseId).to.match(/^\d+$/);
    // The assignee is a person of the bank, named in words.
    const api = await apiClient(platform.baseUrl, users().supplier.token)("GET", `/cases/${caseId}`);
    first = api.body.assignee.name;
    expect(["adminA", "officer1", "officer2"]).to.include(first);
    expect(await filed.textContent()).to.contain(`Assigned to ${first}.`);
    await shot(supplier, "file");

    await filed.getByTestId("filed-case-open").click();
    await supplier.getByTestId("case-page").waitFor();
    expect(await supplier.getByTestId("case-category").textContent()).to.match(/^Fees \(classified automatically, \d+(\.\d)?% sure\)$/);
    expect(await supplier.getByTestId("case-assignee").textContent()).to.equal(first);
    expect(await supplier.getByTestId("clock-response").getAttribute("data-clock")).to.equal("running");
    // The filer does not handle the case: no answer, reassign or resolve controls.
    expect(await supplier.getByTestId("case-respond").count()).to.equal(0);
    expect(await supplier.getByTestId("case-resolve").count()).to.equal(0);
    const [filedStep, classifiedStep, assignedStep, ...more] = await sentences(supplier);
    expect(filedStep).to.equal(`${users().supplier.username} filed the case.`);
    expect(classifiedStep).to.match(/^Classified automatically as Fees \(\d+(\.\d)?% sure\)\.$/);
    expect(assignedStep).to.equal(`Assigned to ${first}, the least loaded person who can handle it.`);
    expect(more).to.deep.equal([]);
    await axe(supplier, "case page (filer)");
    await supplier.context().close();
  });

  it("puts the case in the assignee's queue with its clocks counting down; they reclassify and reassign it", async () => {
    const officer = await signIn(first);
    // The desk's tab counts the unread notification of the assignment.
    await officer.getByTestId("todo-desk").waitFor();
    await officer.getByTestId("nav-desk").click();
    const row = officer.getByTestId(`case-row-${caseId}`);
    await row.waitFor();
    const clock = row.getByTestId("clock-response");
    const before = (await clock.textContent()) ?? "";
    expect(before).to.match(/^Answer within 4[78] h \d+ min \d+ s$/);
    await officer.waitForFunction(([id, text]) => (globalThis as W).document.querySelector(`[data-testid="case-row-${id}"] [data-testid="clock-response"]`).textContent !== text, [caseId, before] as const);
    expect(await clock.textContent(), "the clock counts down on screen").to.not.equal(before);
    expect(await row.getByTestId("clock-resolution").textContent()).to.match(/^Resolve within 1[45] d \d+ h$/);
    await axe(officer, "cases (assignee)");
    await shot(officer, "cases");

    await officer.getByTestId(`open-case-${caseId}`).click();
    await officer.getByTestId("case-page").waitFor();
    await officer.getByTestId("case-reclassify-to").selectOption("price");
    expect(await act(officer, "case-status", () => officer.getByTestId("case-reclassify").click())).to.equal(`Case #${caseId} is now classified as Price.`);
    await officer.locator('[data-testid="case-category"][data-category="price"]').waitFor();
    expect(await officer.getByTestId("case-confidence").textContent()).to.equal("(set by a person)");

    const choices = await officer.getByTestId("case-reassign-to").locator("option").allTextContents();
    expect(choices.slice(1).every((c) => /^\w+(, admin)? \(\d+ open\)$/.test(c)), choices.join(" | ")).to.equal(true);
    second = first === "officer1" ? "officer2" : "officer1";
    await officer.getByTestId("case-reassign-to").selectOption({ value: ids[second] });
    expect(await act(officer, "case-status", () => officer.getByTestId("case-reassign").click())).to.equal(`Case #${caseId} is now with ${second}.`);
    await officer.locator(`[data-testid="case-assignee"]`, { hasText: second }).waitFor();
    // Once the case is with someone else, the list of "my" cases no longer has it.
    await officer.getByTestId("desk-nav-cases").click();
    await officer.getByTestId("desk-cases").waitFor();
    await officer.waitForFunction((id) => !(globalThis as W).document.querySelector(`[data-testid="case-row-${id}"]`), caseId);
    await officer.context().close();
  });

  it("shows the filer the answer and the resolution as they happen, then takes a 1-5 rating", async () => {
    const supplier = await signIn("supplier");
    await supplier.goto(`${platform.baseUrl}/#/desk/case/${caseId}`);
    await supplier.getByTestId("case-page").waitFor();
    await supplier.waitForFunction(() => ((globalThis as W).document.documentElement.dataset.live ?? "") !== "");
    const navigations: string[] = [];
    supplier.on("framenavigated", (f) => navigations.push(f.url()));

    const officer = await signIn(second);
    await officer.getByTestId("nav-desk").click();
    await officer.getByTestId(`open-case-${caseId}`).click();
    await officer.getByTestId("case-respond-text").fill("We are checking the fee against your contract and will refund any difference.");
    expect(await act(officer, "case-status", () => officer.getByTestId("case-respond").click())).to.equal(`Case #${caseId} answered; the filer has been told.`);
    await officer.locator('[data-testid="clock-response"][data-clock="met"]').waitFor();

    // The filer's open page shows the answer without a reload (the event stream's desk frame).
    const t0 = Date.now();
    await supplier.getByTestId("case-response").waitFor({ timeout: 5_000 });
    const answerShown = Date.now() - t0;
    expect(await supplier.getByTestId("case-response").textContent()).to.contain("refund any difference");
    expect(await supplier.getByTestId("clock-response").textContent()).to.match(/^Answered after (\d+ min )?\d+ s$/);

    await officer.getByTestId("case-resolve-outcome").selectOption("partly_upheld");
    await officer.getByTestId("case-resolve-text").fill("The handling fee was refunded; the discount rate is the one in the contract.");
    expect(await act(officer, "case-status", () => officer.getByTestId("case-resolve").click())).to.equal(`Case #${caseId} resolved (Partly upheld); the filer is asked to rate it.`);
    await axe(officer, "case page (handler, resolved)");
    await officer.context().close();

    await supplier.getByTestId("case-rate-form").waitFor({ timeout: 5_000 });
    console.log(`      live: the answer showed on the filer's open case ${answerShown} ms after it was sent`);
    expect(navigations, "the filer's page was not reloaded").to.deep.equal([]);
    expect(await supplier.getByTestId("case-state").getAttribute("data-status")).to.equal("resolved");
    await axe(supplier, "case page (rate)");
    await shot(supplier, "rate");
    await supplier.getByTestId("case-rate-4").check();
    await supplier.getByTestId("case-rate-comment").fill("Quick and fair.");
    expect(await act(supplier, "case-status", () => supplier.getByTestId("case-rate").click())).to.equal(`Thank you: case #${caseId} rated 4 of 5.`);
    await supplier.locator('[data-testid="case-rating"][data-rating="4"]').waitFor();
    expect(await supplier.getByTestId("case-rate-form").count(), "a case is rated once").to.equal(0);
    const story = await sentences(supplier);
    expect(story.slice(3)).to.deep.equal([
      `${first} changed the category from Fees to Price.`,
      `${first} gave the case to ${second}.`,
      `${second} answered: “We are checking the fee against your contract and will refund any difference.”`,
      `${second} resolved the case as Partly upheld: “The handling fee was refunded; the discount rate is the one in the contract.”`,
      `${(await supplier.getByTestId("user-name").textContent()) ?? ""} rated the handling 4 of 5: “Quick and fair.”`,
    ]);
    await shot(supplier, "case");

    // The inbox: the answer and the resolution, unread, in words; all marked read at once.
    await supplier.getByTestId("desk-nav-inbox").click();
    await supplier.getByTestId("desk-inbox").waitFor();
    await supplier.locator('[data-testid^="notification-"][data-kind="case_resolved"]').waitFor();
    const kinds = await supplier.locator('li[data-testid^="notification-"]').evaluateAll((els) => els.map((e) => (e as W).dataset.kind));
    expect(kinds.slice(0, 2)).to.deep.equal(["case_resolved", "case_answered"]);
    const unread = Number(await supplier.getByTestId("inbox-unread").getAttribute("data-count"));
    expect(unread).to.be.at.least(2);
    await supplier.locator(`[data-testid="desk-unread"][data-count="${unread}"]`).waitFor();
    expect(await supplier.locator('[data-kind="case_resolved"] strong').first().textContent()).to.equal("Your case was resolved: please rate it");
    await axe(supplier, "inbox");
    await shot(supplier, "inbox");
    expect(await act(supplier, "inbox-status", () => supplier.getByTestId("inbox-read-all").click())).to.equal(`${unread} marked read.`);
    await supplier.locator('[data-testid="inbox-unread"][data-count="0"]').waitFor();
    await supplier.getByTestId("desk-unread").waitFor({ state: "detached" });
    await supplier.getByTestId("todo-desk").waitFor({ state: "detached" });
    await supplier.context().close();
  });

  it("shows a bank officer the client relationship and the service levels, with charts and a date range", async () => {
    const officer = await signIn("officer1");
    await openDesk(officer, "clients");
    await officer.getByTestId("client-org").selectOption(platform.credentials.orgs.pearl);
    await officer.getByTestId("client-stage").waitFor();
    expect(await officer.getByTestId("client-name").textContent()).to.equal(pearlName);
    // One financing, paid out and repaid: the first-financing stage, by the rule shown under it.
    expect(await officer.getByTestId("client-stage").getAttribute("data-stage")).to.equal("first_financing");
    expect(await officer.getByTestId("client-stage").textContent()).to.equal("First financing");
    expect(await officer.getByTestId("client-on-time").textContent()).to.equal("100% (1 of 1 invoices)");
    const value = (await officer.getByTestId("client-value").textContent()) ?? "";
    expect(value).to.contain("Bank A");
    expect(value).to.contain("TDT\u00a0360,000.00");
    const timeline = (await officer.getByTestId("client-timeline").textContent()) ?? "";
    expect(timeline).to.contain(`Case #${caseId} filed (Price)`);
    expect(timeline).to.match(/Financing request #\d+ made \(Fast-track\)/);
    await officer.locator(".recharts-surface").first().waitFor();
    await axe(officer, "client relationship");
    await shot(officer, "client");

    await officer.getByTestId("desk-nav-levels").click();
    await officer.getByTestId("levels-cases").waitFor();
    expect(await officer.getByTestId("funds-share").textContent()).to.equal("100% of 1 requests took the fast-track.");
    expect(Number(await officer.getByTestId("levels-cases").textContent())).to.be.at.least(1);
    expect(await officer.getByTestId("levels-first-response").textContent()).to.match(/^median (\d+ s|\d+ min) · 95% within (\d+ s|\d+ min)$/);
    expect(await officer.getByTestId("levels-satisfaction").textContent()).to.equal("4 of 5 (1 ratings)");
    expect(await officer.getByTestId("levels-within-48h").textContent()).to.equal("100%");
    await officer.locator('[data-testid="levels-by-category"] tr[data-key="price"]').waitFor();
    await officer.locator(".recharts-surface").first().waitFor();
    await axe(officer, "service levels");
    await shot(officer, "levels");
    // A range with no case in it says so.
    await officer.locator("#desk-levels-from").fill("2020-01-01");
    await officer.locator("#desk-levels-to").fill("2020-01-31");
    await officer.getByText("No cases in this period.").waitFor();
    await officer.context().close();
  });

  it("lets the supplier's admin register a webhook (secret shown once), refuses a private target, and deletes it", async () => {
    const admin = await signIn("supplier");
    await openDesk(admin, "webhooks");
    await admin.getByTestId("webhook-url").fill("http://127.0.0.1:9/hook");
    expect(await act(admin, "webhook-status", () => admin.getByTestId("webhook-submit").click(), "error")).to.equal(
      "That address is private, loopback or reserved; webhooks go only to public addresses.",
    );
    await admin.getByTestId("webhook-url").fill("https://203.0.114.10/trellis");
    await admin.getByTestId("webhook-description").fill("ERP");
    await admin.getByTestId("webhook-all-events").uncheck();
    await admin.getByLabel("Invoice confirmed").check();
    await admin.getByLabel("Financing disbursed").check();
    const said = await act(admin, "webhook-status", () => admin.getByTestId("webhook-submit").click());
    const id = /#(\d+)/.exec(said)?.[1] ?? "";
    expect(said).to.equal(`Webhook #${id} registered for https://203.0.114.10/trellis.`);
    expect(await admin.getByTestId("webhook-secret").textContent()).to.match(/^whsec_[A-Za-z0-9+/=]+$/);
    const item = admin.getByTestId(`webhook-${id}`);
    await item.waitFor();
    expect(await item.textContent()).to.match(/Sends: (Invoice confirmed, Financing disbursed|Financing disbursed, Invoice confirmed) · /);
    await axe(admin, "webhooks");
    await shot(admin, "webhooks");
    await item.getByTestId("webhook-deliveries-toggle").click();
    await item.getByText("Nothing here yet.").waitFor();
    await item.getByTestId("webhook-delete").click();
    expect(await act(admin, "webhook-list-status", () => item.getByTestId("webhook-delete-confirm").click())).to.equal(
      "The webhook to https://203.0.114.10/trellis was deleted; waiting deliveries were cancelled.",
    );
    await admin.waitForFunction((w) => !(globalThis as W).document.querySelector(`[data-testid="webhook-${w}"]`), id);
    // A member who is not an admin has no webhooks part.
    await admin.context().close();
    const officer = await signIn("officer2");
    await officer.getByTestId("nav-desk").click();
    await officer.getByTestId("desk-nav-cases").waitFor();
    expect(await officer.getByTestId("desk-nav-webhooks").count()).to.equal(0);
    await officer.context().close();
  });

  it("walks it in Chinese: a buyer's complaint is classified, and it escalates when 24 hours pass without an answer", async () => {
    const buyer = await signIn("buyer", "zh-CN");
    expect(await buyer.getByTestId("nav-desk").textContent()).to.contain("服务台");
    await openDesk(buyer, "file");
    await buyer.getByTestId("file-about").selectOption(platform.credentials.orgs.pearl);
    await buyer.getByTestId("file-text").fill("这批货少了10件，实收数量与订单不符。");
    const said = await act(buyer, "file-status", () => buyer.getByTestId("file-submit").click());
    expect(said).to.match(/^工单 #\d+ 已提交给 .+：归类为“数量”（置信度 \d+(\.\d)?%）。$/);
    const zhCase = (await buyer.getByTestId("filed-case").getAttribute("data-case")) ?? "";
    await axe(buyer, "提交投诉");
    await shot(buyer, "file-zh");
    await buyer.context().close();

    const supplier = await signIn("supplier", "zh-CN");
    await supplier.goto(`${platform.baseUrl}/#/desk/case/${zhCase}`);
    await supplier.getByTestId("case-page").waitFor();
    expect(await supplier.getByTestId("clock-response").textContent()).to.match(/^须在 4[78] 小时 \d+ 分 \d+ 秒 内答复$/);
    expect(await supplier.getByTestId("flag-escalated").count()).to.equal(0);
    await supplier.waitForFunction(() => ((globalThis as W).document.documentElement.dataset.live ?? "") !== "");

    // 25 hours pass on the desk's clock; the keeper escalates, and the open page shows it without a reload.
    platform.gateway.services.desk.clock.advance(25 * HOUR);
    await platform.gateway.keeper.runOnce();
    await supplier.getByTestId("flag-escalated").waitFor({ timeout: 5_000 });
    expect(await supplier.getByTestId("flag-escalated").textContent()).to.equal("已升级");
    expect(await sentences(supplier)).to.include("24 小时未答复，已升级至本机构管理员。");
    await axe(supplier, "工单（已升级）");
    await shot(supplier, "case-zh");
    await supplier.context().close();
  });

  for (const locale of LOCALES) {
    it(`speaks ${locale} on every desk screen: the cases, a handled case, the inbox, a client, the service levels and webhooks`, async () => {
      const T = (key: string, vars: Record<string, string | number> = {}) => plain(tr(locale, key, vars));
      /** The screen in its language (lang, the desk tab and `shown` from the catalogue, no English on a Chinese screen, names) and axe. */
      const check = async (page: Page, screen: string, shown: string[], name?: string) => {
        await expectLanguage(page, locale, screen, ["desk.nav.label", ...shown]);
        await axe(page, `${screen} (${locale})`);
        // The English screens were shot by the walk above, in the states it reached.
        if (name && locale === "zh-CN") await shot(page, shotName(locale, name));
      };
      const officer = await signIn("officer1", locale);
      await openDesk(officer, "cases");
      await officer.getByTestId("desk-cases-view").selectOption("org");
      await officer.getByTestId("desk-cases-status").selectOption("all");
      const row = officer.getByTestId(`case-row-${caseId}`);
      await row.waitFor();
      // The story's case, handled and resolved: its clocks say so in words, its assignee by name.
      expect(plain(await row.getByTestId("clock-response").textContent())).to.match(trPattern(locale, "desk.clock.response.met"));
      expect(plain(await row.textContent())).to.contain(second);
      await check(officer, "cases (organisation)", ["desk.cases.title", "desk.col.assignee", "desk.col.response"], "cases");
      await officer.getByTestId(`open-case-${caseId}`).click();
      await officer.getByTestId("case-page").waitFor();
      // Its eight steps: filed, classified, assigned, reclassified, reassigned, answered, resolved, rated.
      await officer.getByTestId("case-step-sentence").nth(7).waitFor();
      const story = (await sentences(officer)).map(plain);
      expect(story).to.include(T("desk.history.reclassified", { who: first, from: T("category.fees"), to: T("category.price") }));
      expect(story).to.include(T("desk.history.reassigned", { who: first, to: second }));
      expect(story).to.include(T("desk.history.ratedWithComment", { who: users().supplier.username, rating: 4, comment: "Quick and fair." }));
      await check(officer, "a resolved case (bank)", ["desk.history.title", "desk.case.filedBy", "desk.case.handledBy"]);

      await openDesk(officer, "clients");
      await officer.getByTestId("client-org").selectOption(platform.credentials.orgs.pearl);
      await officer.getByTestId("client-stage").waitFor();
      expect(await officer.getByTestId("client-name").textContent()).to.equal(pearlName);
      expect(plain(await officer.getByTestId("client-stage").textContent())).to.equal(T("desk.stage.first_financing"));
      expect(plain(await officer.getByTestId("client-timeline").textContent())).to.contain(T("desk.timeline.complaintFiled", { id: caseId, category: T("category.price") }));
      await officer.locator(".recharts-surface").first().waitFor();
      await check(officer, "client relationship", ["desk.clients.title", "desk.clients.stage", "desk.clients.value"], "client");

      await officer.getByTestId("desk-nav-levels").click();
      await officer.getByTestId("levels-cases").waitFor();
      expect(plain(await officer.getByTestId("levels-satisfaction").textContent())).to.match(trPattern(locale, "desk.levels.satisfactionValue", { average: /[\d.]+/, count: /\d+/ }));
      await officer.locator(".recharts-surface").first().waitFor();
      await check(officer, "service levels", ["desk.levels.title", "desk.levels.satisfaction", "desk.levels.byCategory"], "levels");
      await officer.context().close();

      const supplier = await signIn("supplier", locale);
      await openDesk(supplier, "inbox");
      await supplier.getByTestId("desk-inbox").waitFor();
      const resolved = supplier.locator('[data-kind="case_resolved"] strong').first();
      await resolved.waitFor();
      expect(plain(await resolved.textContent())).to.equal(T("desk.notice.case_resolved"));
      await check(supplier, "inbox", ["desk.inbox.title", "desk.inbox.unreadOnly", "desk.email.label"], "inbox");
      await supplier.getByTestId("desk-nav-webhooks").click();
      await supplier.getByTestId("webhook-url").waitFor();
      await check(supplier, "webhooks", ["desk.webhooks.title"], "webhooks");
      await supplier.getByTestId("desk-nav-file").click();
      await supplier.getByTestId("file-text").waitFor();
      await check(supplier, "file a complaint", ["desk.file.title", "desk.file.about", "desk.file.text"]);
      await supplier.context().close();
    });
  }
});
