import naiveBayesTextClassifier from "wink-naive-bayes-text-classifier";
import { AppError } from "../shared/errors";
import { tokenizeComplaint } from "./tokenize";
import trainingSet from "./complaints.train.json";

/**
 * What a complaint is about. The codes are stable: they are stored on cases, counted in analytics and sent in
 * webhooks, so a new category is added at the end and an old one is never renamed.
 */
export const COMPLAINT_CATEGORIES = [
  "quantity",
  "quality",
  "price",
  "delivery",
  "documents",
  "financing_decision",
  "fees",
  "service",
] as const;
export type ComplaintCategory = (typeof COMPLAINT_CATEGORIES)[number];

/** The answer when no word of the complaint was ever seen in training: a person has to classify it. */
export const UNCLASSIFIED = "other" as const;

export interface Classification {
  category: ComplaintCategory | typeof UNCLASSIFIED;
  /** The model's probability for `category`, 0..1, rounded to three places; 0 when unclassified. */
  confidence: number;
}

export interface LabelledComplaint {
  text: string;
  category: ComplaintCategory;
  lang?: "zh" | "en";
}

export interface ClassifierOptions {
  /** Count a token once per complaint (binarised multinomial NB); repeats in long complaints then do not dominate. */
  considerOnlyPresence?: boolean;
  /** Additive smoothing (1 = Laplace). */
  smoothingFactor?: number;
}

/** The longest text classified; a complaint's first few thousand characters say what it is about. */
const MAX_CLASSIFIED_CHARS = 4000;

export function isComplaintCategory(value: string): value is ComplaintCategory {
  return (COMPLAINT_CATEGORIES as readonly string[]).includes(value);
}

/**
 * A multinomial naive Bayes classifier (wink-naive-bayes-text-classifier) over {@link tokenizeComplaint}'s features.
 *
 * The library scores each category by the log2 odds of "this category" against "all the others"; the confidence is
 * the top category's one-versus-rest posterior, 1 / (1 + 2^-odds), normalised over all categories so that the eight
 * confidences of one complaint add up to 1.
 */
export class ComplaintClassifier {
  private constructor(private readonly nb: ReturnType<typeof naiveBayesTextClassifier>) {}

  static train(examples: readonly LabelledComplaint[], options: ClassifierOptions = {}): ComplaintClassifier {
    const seen = new Set(examples.map((e) => e.category));
    if (seen.size < 2) {
      throw new AppError("invalid", "CLASSIFIER_TRAINING_TOO_SMALL", "The classifier needs examples of at least two categories.");
    }
    const nb = naiveBayesTextClassifier();
    nb.definePrepTasks([tokenizeComplaint]);
    nb.defineConfig({ considerOnlyPresence: options.considerOnlyPresence ?? true, smoothingFactor: options.smoothingFactor ?? 0.5 });
    for (const e of examples) {
      if (!isComplaintCategory(e.category)) {
        throw new AppError("invalid", "CLASSIFIER_UNKNOWN_CATEGORY", `The training example "${e.text.slice(0, 40)}" has an unknown category "${e.category}".`);
      }
      nb.learn(e.text, e.category);
    }
    try {
      nb.consolidate();
    } catch (e) {
      // The library refuses fewer than ten distinct tokens in all; that is a training set too small to use.
      throw new AppError("invalid", "CLASSIFIER_TRAINING_TOO_SMALL", "The training set has too few distinct words to classify anything.", {
        cause: (e as Error).message,
      });
    }
    return new ComplaintClassifier(nb);
  }

  classify(text: string): Classification {
    const trimmed = text.trim();
    if (trimmed.length === 0) throw new AppError("invalid", "COMPLAINT_TEXT_EMPTY", "A complaint needs some text to classify.");
    const ranked = this.rank(trimmed.slice(0, MAX_CLASSIFIED_CHARS));
    if (ranked.length === 0) return { category: UNCLASSIFIED, confidence: 0 };
    return ranked[0];
  }

  /** Every category with its probability, best first; empty when no word of the text is known. */
  rank(text: string): Array<{ category: ComplaintCategory; confidence: number }> {
    const odds = this.nb.computeOdds(text).filter(([label]) => isComplaintCategory(label));
    if (odds.length === 0) return [];
    // 2^-odds overflows to Infinity for very negative odds, which correctly gives a posterior of 0.
    const posterior = odds.map(([label, o]) => [label as ComplaintCategory, 1 / (1 + Math.pow(2, -o))] as const);
    const total = posterior.reduce((s, [, p]) => s + p, 0);
    return posterior.map(([category, p]) => ({ category, confidence: total > 0 ? Math.round((p / total) * 1000) / 1000 : 0 }));
  }
}

let shared: ComplaintClassifier | undefined;

/** The classifier trained on the repository's training set (server/src/desk/complaints.train.json), built once. */
export function defaultClassifier(): ComplaintClassifier {
  shared ??= ComplaintClassifier.train(trainingExamples());
  return shared;
}

/** The repository's training set, checked against the category list. */
export function trainingExamples(): LabelledComplaint[] {
  return (trainingSet as Array<{ text: string; category: string; lang?: string }>).map((e) => {
    if (!isComplaintCategory(e.category)) {
      throw new AppError("internal", "CLASSIFIER_UNKNOWN_CATEGORY", `The training set has an unknown category "${e.category}".`);
    }
    return { text: e.text, category: e.category, lang: e.lang === "zh" ? "zh" : "en" };
  });
}
