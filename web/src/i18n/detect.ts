export const LANGUAGES = ["zh-CN", "en"] as const;
export type Language = (typeof LANGUAGES)[number];

/** Only the chosen language is remembered in the browser; nothing else about the user is. */
export const LANGUAGE_KEY = "trellis.lang";

/**
 * The remembered choice, else the first of the browser's languages the console speaks (any zh-* reads the
 * simplified-Chinese catalogue), else English.
 */
export function detectLanguage(stored: string | null, preferred: readonly string[]): Language {
  if (stored === "zh-CN" || stored === "en") return stored;
  for (const tag of preferred) {
    const lower = tag.toLowerCase();
    if (lower.startsWith("zh")) return "zh-CN";
    if (lower.startsWith("en")) return "en";
  }
  return "en";
}
