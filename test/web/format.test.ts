import { expect } from "chai";
import { i18next } from "../../web/src/i18n";
import { amountProblem, formatDate, formatMoney, normaliseAmount } from "../../web/src/lib/format";
import { describeError } from "../../web/src/api/errors";
import { ApiError } from "../../web/src/api/client";

// What a person types into an amount field, and how money, dates and errors read back in each language.

describe("the console's amount input (normaliseAmount)", () => {
  it("reads plain, grouped and decimal amounts", () => {
    expect(normaliseAmount("400000")).to.equal("400000.00");
    expect(normaliseAmount("400,000.5")).to.equal("400000.50");
    expect(normaliseAmount(" 007 ")).to.equal("7.00");
  });

  it("reads full-width digits, point and comma", () => {
    expect(normaliseAmount("１２３.４５")).to.equal("123.45");
    expect(normaliseAmount("４００，０００")).to.equal("400000.00");
    expect(normaliseAmount("１２３．４５")).to.equal("123.45");
  });

  it("reads 万 and 亿 exactly, with 元 allowed at the end", () => {
    expect(normaliseAmount("40万")).to.equal("400000.00");
    expect(normaliseAmount("1.5万")).to.equal("15000.00");
    expect(normaliseAmount("1.2345万")).to.equal("12345.00");
    expect(normaliseAmount("0.000001万")).to.equal("0.01");
    expect(normaliseAmount("2亿")).to.equal("200000000.00");
    expect(normaliseAmount("３万元")).to.equal("30000.00");
    expect(normaliseAmount("12345678901234567890亿")).to.equal("1234567890123456789000000000.00");
  });

  it("refuses what is not an amount with at most two decimals", () => {
    for (const bad of ["", "abc", "1.234", "0.0000001万", "1e5", "-5", "万", "1万万", "1..2", "12,34.5.6"]) {
      expect(normaliseAmount(bad), bad).to.equal(null);
    }
  });
});

describe("the console's formats and messages in each language", () => {
  afterEach(async () => {
    await i18next.changeLanguage("en");
  });

  it("formats money exactly, with every digit of a large amount", async () => {
    await i18next.changeLanguage("en");
    expect(formatMoney("400000.5")).to.equal("TDT\u00a0400,000.50");
    expect(formatMoney("12345678901234567.89")).to.equal("TDT\u00a012,345,678,901,234,567.89");
    await i18next.changeLanguage("zh-CN");
    expect(formatMoney("400000")).to.match(/^TDT\s?400,000\.00$/);
  });

  it("formats dates as each language writes them", async () => {
    await i18next.changeLanguage("en");
    expect(formatDate("2026-12-01T00:00:00Z")).to.equal("Dec 1, 2026");
    await i18next.changeLanguage("zh-CN");
    expect(formatDate("2026-12-01T00:00:00Z")).to.equal("2026年12月1日");
  });

  it("says what is wrong with an amount in the current language", async () => {
    await i18next.changeLanguage("zh-CN");
    expect(amountProblem("abc", "金额")).to.equal("金额须为最多两位小数的金额，例如 400000.00 或 40万。");
    await i18next.changeLanguage("en");
    expect(amountProblem("0", "Amount")).to.equal("Amount must be more than zero.");
  });

  it("turns an API error into one sentence, never naming the gateway and never repeating itself", async () => {
    await i18next.changeLanguage("en");
    const network = describeError(new ApiError(0, "NETWORK_ERROR", "The gateway could not be reached."));
    expect(network).to.equal("Trellis could not be reached. Check your connection and try again.");
    expect(network).not.to.match(/gateway/i);
    const known = describeError(new ApiError(409, "INVALID_STATUS", "Invoice 3 is confirmed, not issued."));
    expect(known).to.equal("This cannot be done in the record's current status. Refresh to see its latest state.");
    expect(describeError(new ApiError(502, "HTTP_502", "The gateway answered 502 Bad Gateway."))).not.to.match(/gateway/i);
    await i18next.changeLanguage("zh-CN");
    expect(describeError(new ApiError(403, "FORBIDDEN", "Only the buyer may confirm."))).to.equal("您的角色或机构无权执行此操作。");
    // A code the console does not know: the server's own sentence, once.
    expect(describeError(new ApiError(422, "SOMETHING_NEW", "发票号码无效。"))).to.equal("发票号码无效。");
  });
});
