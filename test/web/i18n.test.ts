import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import ts from "typescript";
import en from "../../web/src/i18n/en";
import zhCN from "../../web/src/i18n/zh-CN";
import { detectLanguage } from "../../web/src/i18n/detect";

// The console's two catalogues must say the same things, every key the code asks for must exist, and no text a
// person reads may be written straight into a screen (it would stay English for a Chinese user).

const SRC = path.resolve(__dirname, "../../web/src");

/** Files whose strings are not in the catalogue yet. Nothing may be listed here: every screen speaks both languages. */
const NOT_YET_CATALOGUED = new Set<string>();

type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const full = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") out.set(full, value);
    else for (const [k, v] of flatten(value, full)) out.set(k, v);
  }
  return out;
}

const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

function sourceFiles(dir: string, ext: RegExp): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full, ext);
    return ext.test(entry.name) && !entry.name.endsWith(".d.ts") ? [full] : [];
  });
}

const relative = (file: string) => path.relative(SRC, file).split(path.sep).join("/");

/** Attributes whose text a person reads or a screen reader speaks. */
const VISIBLE_ATTRIBUTES = new Set(["title", "label", "placeholder", "aria-label", "alt", "hint", "fallback"]);
const LETTERS = /\p{L}/u;

/** JSX text with letters, and string-literal visible attributes, in one .tsx file: each as "file:line: text". */
function literalTexts(file: string): string[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const found: string[] = [];
  const report = (node: ts.Node, text: string) => {
    const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
    found.push(`${relative(file)}:${line + 1}: ${text.trim()}`);
  };
  const visit = (node: ts.Node) => {
    if (ts.isJsxText(node) && LETTERS.test(node.text)) report(node, node.text);
    if (ts.isJsxAttribute(node) && node.initializer && ts.isStringLiteral(node.initializer)) {
      const name = node.name.getText(source);
      if (VISIBLE_ATTRIBUTES.has(name) && LETTERS.test(node.initializer.text)) report(node, `${name}="${node.initializer.text}"`);
    }
    // {"text"} or {`text`} as a JSX child is a literal just the same.
    if (ts.isJsxExpression(node) && node.expression && ts.isJsxElement(node.parent)) {
      const e = node.expression;
      if ((ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) && LETTERS.test(e.text)) report(node, e.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe("the console's message catalogues (web/src/i18n)", () => {
  const enKeys = flatten(en as Tree);
  const zhKeys = flatten(zhCN as Tree);

  it("have the same keys in zh-CN and en, none empty", () => {
    const missingInZh = [...enKeys.keys()].filter((k) => !zhKeys.has(k));
    const missingInEn = [...zhKeys.keys()].filter((k) => !enKeys.has(k));
    expect(missingInZh, "keys missing from zh-CN.ts").to.deep.equal([]);
    expect(missingInEn, "keys missing from en.ts").to.deep.equal([]);
    const empty = [...enKeys, ...zhKeys].filter(([, v]) => !v.trim()).map(([k]) => k);
    expect(empty, "empty messages").to.deep.equal([]);
    expect(enKeys.size).to.be.greaterThan(300);
  });

  it("use the same {{placeholders}} in both languages", () => {
    const differ = [...enKeys].filter(([k, v]) => placeholders(v).join() !== placeholders(zhKeys.get(k) ?? "").join()).map(([k]) => k);
    expect(differ).to.deep.equal([]);
  });

  it("are really translated: the Chinese messages are in Chinese", () => {
    const untranslated = [...zhKeys]
      .filter(([k, v]) => v === enKeys.get(k) && /[a-z]{4,}/i.test(v.replace(/\{\{\w+\}\}/g, "")))
      // Names that are the same in both languages: the product, the language's own name, event type examples.
      .filter(([k]) => !["app.documentTitle", "lang.en", "export.eventHint"].includes(k))
      .map(([k]) => k);
    expect(untranslated).to.deep.equal([]);
  });

  it("hold every key the console asks for", () => {
    const used = new Set<string>();
    const prefixes = new Set<string>();
    for (const file of sourceFiles(SRC, /\.tsx?$/)) {
      if (NOT_YET_CATALOGUED.has(relative(file))) continue;
      const text = fs.readFileSync(file, "utf8");
      for (const m of text.matchAll(/\b(?:t|translate|i18next\.t)\(\s*"([\w.-]+)"/g)) used.add(m[1]);
      for (const m of text.matchAll(/\b(?:t|translate|i18next\.t)\(\s*`([\w.-]+)\.\$\{/g)) prefixes.add(m[1]);
      for (const m of text.matchAll(/title: "(screen\.\w+)"/g)) used.add(m[1]);
    }
    expect(used.size).to.be.greaterThan(200);
    const missing = [...used].filter((k) => !enKeys.has(k));
    expect(missing, "keys used in web/src but absent from the catalogue").to.deep.equal([]);
    const missingGroups = [...prefixes].filter((p) => ![...enKeys.keys()].some((k) => k.startsWith(`${p}.`)));
    expect(missingGroups, "key groups used in web/src but absent from the catalogue").to.deep.equal([]);
  });

  it("name every status, role, category and reason code the API answers", () => {
    const schema = fs.readFileSync(path.join(SRC, "api/schema.d.ts"), "utf8");
    const enumOf = (field: string) =>
      [...schema.matchAll(new RegExp(`\\b${field}\\??: ((?:"[\\w-]+" \\| )*"[\\w-]+");`, "g"))].flatMap((m) => m[1].split(" | ").map((s) => s.slice(1, -1)));
    for (const status of enumOf("status")) expect(enKeys.has(`status.${status}`), `status.${status}`).to.equal(true);
    for (const role of enumOf("role")) expect(enKeys.has(`role.${role}`), `role.${role}`).to.equal(true);
    for (const category of enumOf("category")) expect(enKeys.has(`category.${category}`), `category.${category}`).to.equal(true);
    expect(enumOf("status").length).to.be.greaterThan(10);
  });

  it("leave no text in a screen outside t(...)", () => {
    const files = sourceFiles(SRC, /\.tsx$/).filter((f) => !NOT_YET_CATALOGUED.has(relative(f)));
    expect(files.length).to.be.greaterThan(25);
    const literals = files.flatMap(literalTexts);
    expect(literals, "JSX text that bypasses the catalogue").to.deep.equal([]);
  });

  it("the scan would catch a literal (it is not vacuous)", () => {
    const probe = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "i18n-")), "Probe.tsx");
    fs.writeFileSync(probe, 'export const P = () => <p title="Hello">Pay now {"later"} {t("ok")}</p>;\n');
    expect(literalTexts(probe).map((l) => l.replace(/^.*?: /, ""))).to.deep.equal(['title="Hello"', "Pay now", "later"]);
  });
});

describe("the console's language choice", () => {
  it("follows the browser's languages, zh first when preferred", () => {
    expect(detectLanguage(null, ["zh-CN", "en-US"])).to.equal("zh-CN");
    expect(detectLanguage(null, ["zh-TW"])).to.equal("zh-CN");
    expect(detectLanguage(null, ["en-GB", "zh-CN"])).to.equal("en");
    expect(detectLanguage(null, ["fr-FR", "zh-CN"])).to.equal("zh-CN");
    expect(detectLanguage(null, ["fr-FR"])).to.equal("en");
  });

  it("keeps the remembered switch over the browser's languages", () => {
    expect(detectLanguage("en", ["zh-CN"])).to.equal("en");
    expect(detectLanguage("zh-CN", ["en-US"])).to.equal("zh-CN");
    expect(detectLanguage("klingon", ["en-US"])).to.equal("en");
  });
});
