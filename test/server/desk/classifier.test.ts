import { expect } from "chai";
import { AppError } from "../../../server/src/shared/errors";
import {
  COMPLAINT_CATEGORIES,
  ComplaintClassifier,
  defaultClassifier,
  trainingExamples,
  UNCLASSIFIED,
  type ComplaintCategory,
} from "../../../server/src/desk/classifier";
import { complaintLanguage, tokenizeComplaint } from "../../../server/src/desk/tokenize";
import evaluationSet from "../../fixtures/complaints.json";

interface Labelled {
  id: string;
  batch: "first" | "blind";
  lang: "zh" | "en";
  category: ComplaintCategory;
  text: string;
}

const evaluation = evaluationSet as Labelled[];
const normalise = (s: string) => s.normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim();

function accuracy(items: readonly Labelled[]): { correct: number; total: number; share: number } {
  const c = defaultClassifier();
  const correct = items.filter((e) => c.classify(e.text).category === e.category).length;
  return { correct, total: items.length, share: correct / items.length };
}

function expectAppError(fn: () => unknown, kind: string, code: string): void {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(AppError);
    expect((e as AppError).kind).to.equal(kind);
    expect((e as AppError).code).to.equal(code);
    return;
  }
  expect.fail(`expected AppError ${code}`);
}

describe("complaint classifier", () => {
  describe("the evaluation set (test/fixtures/complaints.json)", () => {
    it("has at least 200 labelled complaints, about half Chinese and half English, covering every category", () => {
      expect(evaluation.length).to.be.at.least(200);
      const zh = evaluation.filter((e) => e.lang === "zh").length;
      expect(zh / evaluation.length).to.be.within(0.4, 0.6);
      for (const category of COMPLAINT_CATEGORIES) {
        expect(evaluation.filter((e) => e.category === category && e.lang === "zh").length, category).to.be.at.least(10);
        expect(evaluation.filter((e) => e.category === category && e.lang === "en").length, category).to.be.at.least(10);
      }
      expect(new Set(evaluation.map((e) => e.id)).size).to.equal(evaluation.length);
      // The label says the language; the text agrees.
      for (const e of evaluation) expect(complaintLanguage(e.text), e.id).to.equal(e.lang);
    });

    it("shares no text with the training set", () => {
      const training = new Set(trainingExamples().map((e) => normalise(e.text)));
      const overlap = evaluation.filter((e) => training.has(normalise(e.text))).map((e) => e.id);
      expect(overlap).to.deep.equal([]);
      expect(new Set(evaluation.map((e) => normalise(e.text))).size).to.equal(evaluation.length);
    });
  });

  describe("accuracy", () => {
    it("classifies at least 85% of the evaluation set correctly, in each language and on the blind batch", () => {
      const rows: Record<string, string> = {};
      const report = (label: string, items: readonly Labelled[]) => {
        const a = accuracy(items);
        rows[label] = `${(a.share * 100).toFixed(1)}% (${a.correct}/${a.total})`;
        return a;
      };
      const all = report("all", evaluation);
      const zh = report("zh", evaluation.filter((e) => e.lang === "zh"));
      const en = report("en", evaluation.filter((e) => e.lang === "en"));
      const blind = report("blind batch", evaluation.filter((e) => e.batch === "blind"));
      report("blind zh", evaluation.filter((e) => e.batch === "blind" && e.lang === "zh"));
      report("blind en", evaluation.filter((e) => e.batch === "blind" && e.lang === "en"));
      for (const category of COMPLAINT_CATEGORIES) report(category, evaluation.filter((e) => e.category === category));
      console.log("      complaint classifier accuracy:");
      for (const [label, value] of Object.entries(rows)) console.log(`        ${label.padEnd(20)} ${value}`);

      expect(all.share).to.be.at.least(0.85);
      expect(zh.share).to.be.at.least(0.85);
      expect(en.share).to.be.at.least(0.85);
      expect(blind.share).to.be.at.least(0.85);
    });

    it("gets the issue's own examples right", () => {
      const c = defaultClassifier();
      expect(c.classify("wrong quantity... 10 units short").category).to.equal("quantity");
      expect(c.classify("发票金额与合同不符").category).to.equal("documents");
      expect(c.classify("贴现利率太高").category).to.equal("fees");
    });
  });

  describe("classify", () => {
    it("returns a category and a confidence between 0 and 1, the same every time", () => {
      const c = defaultClassifier();
      const first = c.classify("The goods arrived two weeks late and the truck went to the wrong warehouse.");
      expect(first.category).to.equal("delivery");
      expect(first.confidence).to.be.greaterThan(0.5).and.at.most(1);
      expect(c.classify("The goods arrived two weeks late and the truck went to the wrong warehouse.")).to.deep.equal(first);
    });

    it("ranks all eight categories with confidences that add up to 1", () => {
      const ranked = defaultClassifier().rank("融资申请被拒绝了");
      expect(ranked.map((r) => r.category).sort()).to.deep.equal([...COMPLAINT_CATEGORIES].sort());
      expect(ranked[0].category).to.equal("financing_decision");
      const total = ranked.reduce((s, r) => s + r.confidence, 0);
      expect(total).to.be.closeTo(1, 0.01);
      for (let i = 1; i < ranked.length; i++) expect(ranked[i - 1].confidence).to.be.at.least(ranked[i].confidence);
    });

    it("classifies a complaint that mixes Chinese and English", () => {
      expect(defaultClassifier().classify("PO号码写错了 on the invoice, 发票要重开").category).to.equal("documents");
    });

    it("answers 'other' with confidence 0 when no word was ever seen in training", () => {
      expect(defaultClassifier().classify("zxqv plorb")).to.deep.equal({ category: UNCLASSIFIED, confidence: 0 });
    });

    it("refuses empty text", () => {
      expectAppError(() => defaultClassifier().classify("   "), "invalid", "COMPLAINT_TEXT_EMPTY");
    });
  });

  describe("train", () => {
    it("learns from the examples it is given, not from a built-in list", () => {
      const c = ComplaintClassifier.train([
        { text: "zorp blig wemp yalt", category: "fees" },
        { text: "zorp cruv dask mipo", category: "fees" },
        { text: "quux flarn tibo gemm", category: "service" },
        { text: "flarn hosk vrel", category: "service" },
      ]);
      expect(c.classify("zorp").category).to.equal("fees");
      expect(c.classify("flarn").category).to.equal("service");
    });

    it("refuses a training set with fewer than two categories", () => {
      expectAppError(() => ComplaintClassifier.train([{ text: "late", category: "delivery" }]), "invalid", "CLASSIFIER_TRAINING_TOO_SMALL");
      const tiny = [
        { text: "late", category: "delivery" as const },
        { text: "rude", category: "service" as const },
      ];
      expectAppError(() => ComplaintClassifier.train(tiny), "invalid", "CLASSIFIER_TRAINING_TOO_SMALL");
    });

    it("refuses an unknown category", () => {
      const bad = [
        { text: "late", category: "delivery" as const },
        { text: "weird", category: "weather" as ComplaintCategory },
      ];
      expectAppError(() => ComplaintClassifier.train(bad), "invalid", "CLASSIFIER_UNKNOWN_CATEGORY");
    });
  });

  describe("tokenizeComplaint", () => {
    it("makes character unigrams and bigrams of Chinese, without function characters as unigrams", () => {
      expect(tokenizeComplaint("少了货")).to.deep.equal(["少", "少了", "了货", "货"]);
    });

    it("stems English, drops numbers and stop words, keeps the words that say what went wrong", () => {
      expect(tokenizeComplaint("Nobody delivered the 10 cartons")).to.deep.equal(["nobody", "deliv", "carton"]);
    });
  });
});
