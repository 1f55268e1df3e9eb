import winkNLP from "wink-nlp";
import model from "wink-eng-lite-web-model";

/**
 * Turns a complaint in Chinese, English or both into the features the classifier counts.
 *
 * Chinese has no spaces, and a dictionary segmenter (jieba and its ports) needs a dictionary download or a native
 * build; overlapping character bigrams need neither and are a well-known strong baseline for short Chinese text
 * classification (单价 / 价过 / 过高 carry "unit price" and "too high" without knowing the words).
 * Single characters are kept too, except function characters, because short complaints ("太贵", "少货") have only one
 * or two bigrams. English goes through winkNLP's English model: tokens, stop words dropped (except the few that say what went wrong)
 * and Porter2 stems, so "delivered", "delivery" and "deliveries" count as one.
 * Numbers are dropped in both: "10 units short" and "3 units short" are the same complaint.
 */
const nlp = winkNLP(model);
const its = nlp.its;

const HAN_RUN = /\p{Script=Han}+/gu;

/**
 * Stop words that say what went wrong: "nobody replied", "never arrived", "without notice". winkNLP's negation flag
 * would instead mark every later word of the sentence ("no bill of lading" -> "!bill", "!lade"), which splits the
 * vocabulary in two and loses the words the classifier knows.
 */
const EN_KEPT_STOP_WORDS = new Set(["no", "not", "never", "nobody", "none", "nothing", "without", "less", "fewer", "more", "twice", "only"]);

/** Characters that carry grammar rather than topic; as unigrams they are noise, inside bigrams they stay. */
const ZH_FUNCTION_CHARS = new Set("的了是在我们你他她它这那有和与及或就都也还很吗呢吧啊被把对已又再让给从到将".split(""));

export function tokenizeComplaint(text: string): string[] {
  const normal = text.normalize("NFKC").toLowerCase();
  const tokens: string[] = [];
  for (const run of normal.match(HAN_RUN) ?? []) {
    const chars = Array.from(run);
    for (let i = 0; i < chars.length; i++) {
      if (!ZH_FUNCTION_CHARS.has(chars[i])) tokens.push(chars[i]);
      if (i + 1 < chars.length) tokens.push(chars[i] + chars[i + 1]);
    }
  }
  const latin = normal.replace(HAN_RUN, " ").trim();
  if (latin.length > 0) {
    nlp
      .readDoc(latin)
      .tokens()
      .filter((t) => t.out(its.type) === "word")
      .each((t) => {
        const word = String(t.out(its.normal));
        if (EN_KEPT_STOP_WORDS.has(word)) tokens.push(word);
        else if (!t.out(its.stopWordFlag)) tokens.push(String(t.out(its.stem)));
      });
  }
  return tokens;
}

/** The language a complaint is written in, by its share of Chinese characters among letters. */
export function complaintLanguage(text: string): "zh" | "en" {
  const han = (text.match(/\p{Script=Han}/gu) ?? []).length;
  const latin = (text.match(/[A-Za-z]/g) ?? []).length;
  // One Chinese character carries about as much as a short English word, hence the weight.
  return han > 0 && han * 3 >= latin ? "zh" : "en";
}
