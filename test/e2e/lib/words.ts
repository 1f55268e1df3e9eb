import { expect } from "chai";
import type { Page } from "playwright-core";
import en from "../../../web/src/i18n/en";
import zhCN from "../../../web/src/i18n/zh-CN";

// What the browser walks expect a screen to say, read from the console's own catalogues (never written twice), and
// the checks every screen of a walk passes in its language: the page's lang, the catalogue's words shown, no English
// catalogue string left on a Chinese screen, and names where addresses were.

/** The browser locales the walks run in (Playwright's `locale`, so navigator.languages). */
export type Locale = "en-GB" | "zh-CN";
export const LOCALES: readonly Locale[] = ["en-GB", "zh-CN"];

type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = "", out = new Map<string, string>()): Map<string, string> {
  for (const [key, value] of Object.entries(tree)) {
    const full = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") out.set(full, value);
    else flatten(value, full, out);
  }
  return out;
}

const CATALOGUES: Record<Locale, Map<string, string>> = { "en-GB": flatten(en as Tree), "zh-CN": flatten(zhCN as Tree) };

/** The catalogue's template for `key` in `locale`; a key that does not exist fails the walk (a typo is not a pass). */
export function template(locale: Locale, key: string): string {
  const value = CATALOGUES[locale].get(key);
  if (value === undefined) throw new Error(`no catalogue entry ${key}`);
  return value;
}

/** The sentence the console shows for `key` with `vars`, as i18next interpolates it. */
export function tr(locale: Locale, key: string, vars: Record<string, string | number> = {}): string {
  return template(locale, key).replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => {
    if (!(name in vars)) throw new Error(`${key} needs {{${name}}}`);
    return String(vars[name]);
  });
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The sentence for `key` as an anchored pattern: a RegExp value matches (and captures) that placeholder, a string is
 * literal, a missing one matches anything; whitespace matches any whitespace (Intl writes no-break spaces).
 */
export function trPattern(locale: Locale, key: string, vars: Record<string, string | number | RegExp> = {}): RegExp {
  const parts = template(locale, key).split(/(\{\{\s*\w+\s*\}\})/);
  const source = parts
    .map((part) => {
      const m = /^\{\{\s*(\w+)\s*\}\}$/.exec(part);
      if (!m) return escape(part);
      const v = vars[m[1]];
      if (v === undefined) return "(.+?)";
      return v instanceof RegExp ? `(${v.source})` : escape(String(v));
    })
    .join("")
    .replace(/\s+/g, "\\s+");
  return new RegExp(`^${source}$`);
}

/** Money as the console writes it in `locale` (formatMoney in web/src/lib/format.ts: Intl, the same options). */
export function money(locale: Locale, amount: string): string {
  const tag = locale === "zh-CN" ? "zh-CN" : "en";
  return new Intl.NumberFormat(tag, { style: "currency", currency: "TDT", minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(amount as unknown as number);
}

/** Whitespace as plain single spaces (Intl's no-break spaces included), trimmed. */
export const plain = (text: string | null | undefined) => (text ?? "").replace(/\s+/g, " ").trim();

/** A screenshot's name in `locale`: the English one as it was, the Chinese one with "-zh". */
export const shotName = (locale: Locale, name: string) => (locale === "zh-CN" ? `${name}-zh` : name);

/**
 * English catalogue strings that would be a leak if seen on a Chinese screen: each entry whose zh-CN text differs,
 * split at its placeholders, keeping the pieces of two words or more (one English word is too often part of a name
 * such as "Bank A" or a typed reference). Language names are left out: the switch shows "English" on purpose.
 */
const ENGLISH_PIECES: readonly { key: string; piece: RegExp; text: string }[] = (() => {
  const zh = CATALOGUES["zh-CN"];
  const seen = new Set<string>();
  const out: { key: string; piece: RegExp; text: string }[] = [];
  for (const [key, value] of CATALOGUES["en-GB"]) {
    if (key.startsWith("lang.") || zh.get(key) === value) continue;
    for (const raw of value.split(/\{\{\s*\w+\s*\}\}/)) {
      const text = raw.replace(/^[\s.,:;·()#/–—-]+|[\s,:;·(#/–—-]+$/g, "");
      if (!/\p{L}{2,}[\s-]+\p{L}{2,}/u.test(text) || seen.has(text)) continue;
      seen.add(text);
      out.push({ key, text, piece: new RegExp(`(^|[^\\p{L}])${escape(text).replace(/\s+/g, "\\s+")}($|[^\\p{L}])`, "u") });
    }
  }
  return out;
})();

/** English catalogue pieces found in `text` (a Chinese screen's visible text), as "key: piece". */
export function englishLeaks(text: string): string[] {
  return ENGLISH_PIECES.filter((p) => p.piece.test(text)).map((p) => `${p.key}: ${p.text}`);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- page scripts see the browser's globals
type W = any;

/**
 * The screen speaks `locale`: <html lang> is the catalogue's language; every key in `shown` is on screen in that
 * language's words; on a Chinese screen no English catalogue string is left; and no full 40-hex address stands where
 * a name belongs (a shortened copyable hash is secondary detail and fine; `secondary` names elements that show an
 * address on purpose).
 */
export async function expectLanguage(page: Page, locale: Locale, screen: string, shown: readonly string[] = [], secondary: readonly string[] = []): Promise<void> {
  const lang = await page.evaluate(() => (globalThis as W).document.documentElement.lang as string);
  expect(lang, `lang on ${screen}`).to.equal(locale === "zh-CN" ? "zh-CN" : "en");
  // What a person sees or a screen reader reads: every rendered text (a closed <details>' body is not; an open
  // choice list's options are), leaving out the elements named in `secondary` (by test id), which hold an address on
  // purpose, such as the account a key signs with.
  const text = plain(
    await page.evaluate((ids: string[]) => {
      const d = (globalThis as W).document;
      const parts: string[] = [];
      const walker = d.createTreeWalker(d.body, 4 /* NodeFilter.SHOW_TEXT */);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const el = n.parentElement;
        if (!el || el.closest("script, style, noscript, template")) continue;
        const host = el.closest("option, optgroup") ? el.closest("select") : el;
        if (!host || !host.checkVisibility({ visibilityProperty: true })) continue;
        if (ids.some((id) => el.closest(`[data-testid="${id}"]`))) continue;
        parts.push(n.textContent as string);
      }
      return parts.join(" ");
    }, [...secondary]),
  );
  // A label is shown when each of its words between placeholders is (CSS may capitalise it, so case is not compared).
  const lower = text.toLowerCase();
  for (const key of shown) {
    for (const piece of template(locale, key).split(/\{\{\s*\w+\s*\}\}/).map(plain).filter((p) => /\p{L}/u.test(p))) {
      expect(lower, `${screen} shows ${key} ("${piece}")`).to.contain(piece.toLowerCase());
    }
  }
  if (locale === "zh-CN") expect(englishLeaks(text), `English on the Chinese ${screen}`).to.deep.equal([]);
  expect(text.match(/\b0x[0-9a-fA-F]{40}\b/g) ?? [], `addresses on ${screen} (names belong there)`).to.deep.equal([]);
}
