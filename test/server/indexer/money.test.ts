import { expect } from "chai";
import { formatMinor, MAX_MINOR, MoneyFormatError, toMinor } from "../../../server/src/shared/money";
import { clampLimit, decodeCursor, encodeCursor, InvalidCursorError, parseId } from "../../../server/src/db/page";

describe("money", function () {
  describe("toMinor", function () {
    it("parses plain decimals with up to two decimals", function () {
      expect(toMinor("400000.00")).to.equal(40_000_000n);
      expect(toMinor("400000")).to.equal(40_000_000n);
      expect(toMinor("0.5")).to.equal(50n);
      expect(toMinor("0.05")).to.equal(5n);
      expect(toMinor("0")).to.equal(0n);
      expect(toMinor("3094850098213450687247810.55")).to.equal(MAX_MINOR);
    });

    for (const bad of ["", " 1.00", "1.00 ", "-1.00", "+1", "1.001", "1e5", "1E2", ".5", "5.", "007", "1,000.00", "0x10", "NaN", "Infinity", "1.0.0"]) {
      it(`rejects ${JSON.stringify(bad)}`, function () {
        expect(() => toMinor(bad)).to.throw(MoneyFormatError);
      });
    }

    it("rejects amounts above uint88 and non-strings", function () {
      expect(() => toMinor("3094850098213450687247810.56")).to.throw(MoneyFormatError, /larger/);
      expect(() => toMinor(100 as unknown as string)).to.throw(MoneyFormatError);
    });
  });

  describe("formatMinor", function () {
    it("formats minor units with exactly two decimals", function () {
      expect(formatMinor(40_000_000n)).to.equal("400000.00");
      expect(formatMinor(5n)).to.equal("0.05");
      expect(formatMinor(0n)).to.equal("0.00");
      expect(formatMinor("123456")).to.equal("1234.56");
      expect(formatMinor(MAX_MINOR)).to.equal("3094850098213450687247810.55");
      expect(formatMinor(-150n)).to.equal("-1.50");
    });

    it("round-trips", function () {
      for (const s of ["0.01", "1.10", "999999999999.99"]) expect(formatMinor(toMinor(s))).to.equal(s);
    });
  });
});

describe("paging helpers", function () {
  it("clamps limits to 1..500 with a default of 50", function () {
    expect(clampLimit(undefined)).to.equal(50);
    expect(clampLimit(0)).to.equal(1);
    expect(clampLimit(10_000)).to.equal(500);
    expect(clampLimit("20")).to.equal(20);
    expect(clampLimit("x")).to.equal(50);
  });

  it("accepts only cursors of the same list", function () {
    const c = encodeCursor("orders", 42);
    expect(decodeCursor("orders", c)).to.equal(42);
    expect(decodeCursor("orders", undefined)).to.equal(undefined);
    expect(() => decodeCursor("invoices", c)).to.throw(InvalidCursorError);
    expect(() => decodeCursor("orders", "garbage")).to.throw(InvalidCursorError);
  });

  it("parses only canonical positive ids", function () {
    expect(parseId("1")).to.equal(1);
    expect(parseId("01")).to.equal(undefined);
    expect(parseId("0")).to.equal(undefined);
    expect(parseId("-1")).to.equal(undefined);
    expect(parseId("1e3")).to.equal(undefined);
  });
});
