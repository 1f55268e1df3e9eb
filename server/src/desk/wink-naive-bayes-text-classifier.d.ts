/**
 * Types for `wink-naive-bayes-text-classifier` 2.x, which ships none. Only the methods the desk uses are declared;
 * the shapes follow the package's JSDoc (src/wink-naive-bayes-text-classifier.js).
 */
declare module "wink-naive-bayes-text-classifier" {
  interface NaiveBayesConfig {
    /** Count a token once per document (binarised multinomial NB) instead of by its frequency. */
    considerOnlyPresence?: boolean;
    /** Additive (Lidstone) smoothing between 0 and 1; 1 is Laplace. */
    smoothingFactor?: number;
  }

  interface NaiveBayesStats {
    labelWiseSamples: Record<string, number>;
    labelWiseWords: Record<string, number>;
    vocabulary: number;
  }

  interface NaiveBayesTextClassifier {
    defineConfig(config: NaiveBayesConfig): boolean;
    definePrepTasks(tasks: ReadonlyArray<(input: string) => string[]>): number;
    learn(input: string, label: string): boolean;
    consolidate(): boolean;
    /** `[label, log2 odds of label against the rest]`, best first; `[["unknown", 0]]` when no token is known. */
    computeOdds(input: string): Array<[string, number]>;
    predict(input: string): string;
    stats(): NaiveBayesStats;
    exportJSON(): string;
    importJSON(json: string): boolean;
    reset(): boolean;
  }

  function naiveBayesTextClassifier(): NaiveBayesTextClassifier;
  export = naiveBayesTextClassifier;
}
