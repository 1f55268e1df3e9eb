/**
 * The complaint classifier's accuracy on the labelled evaluation set (test/fixtures/complaints.json), overall, by
 * language, by batch and by category, with the time to train and to classify one complaint.
 *
 *   npx ts-node --transpile-only scripts/bench/classifier.ts
 */
import { COMPLAINT_CATEGORIES, ComplaintClassifier, trainingExamples, type ComplaintCategory } from "../../server/src/desk/classifier";
import evaluationSet from "../../test/fixtures/complaints.json";
import { percentile, printTable, round, runMain, updateResult } from "./lib";

interface Labelled {
  id: string;
  batch: string;
  lang: string;
  category: ComplaintCategory;
  text: string;
}

runMain("classifier", async () => {
  const t0 = performance.now();
  const classifier = ComplaintClassifier.train(trainingExamples());
  const trainMs = performance.now() - t0;
  const items = evaluationSet as Labelled[];
  const times: number[] = [];
  const hits = items.map((e) => {
    const s = performance.now();
    const hit = classifier.classify(e.text).category === e.category;
    times.push(performance.now() - s);
    return { e, hit };
  });
  const share = (f: (e: Labelled) => boolean) => {
    const sel = hits.filter((h) => f(h.e));
    return { n: sel.length, accuracy: round((sel.filter((h) => h.hit).length / sel.length) * 100) };
  };
  const groups: Array<[string, (e: Labelled) => boolean]> = [
    ["all", () => true],
    ["zh", (e) => e.lang === "zh"],
    ["en", (e) => e.lang === "en"],
    ["blind batch", (e) => e.batch === "blind"],
    ...COMPLAINT_CATEGORIES.map((c): [string, (e: Labelled) => boolean] => [c, (e) => e.category === c]),
  ];
  const results = Object.fromEntries(groups.map(([name, f]) => [name, share(f)]));
  printTable("Complaint classifier (evaluation set)", [["group", "n", "accuracy %"], ...groups.map(([name]) => [name, results[name].n, results[name].accuracy])]);
  printTable("Cost", [
    ["measure", "ms"],
    ["train (" + trainingExamples().length + " examples)", round(trainMs)],
    ["classify p50", round(percentile(times, 50), 2)],
    ["classify p95", round(percentile(times, 95), 2)],
  ]);
  updateResult("classifier", () => ({ accuracy: results, trainMs: round(trainMs), classifyP50Ms: round(percentile(times, 50), 2), classifyP95Ms: round(percentile(times, 95), 2) }));
});
