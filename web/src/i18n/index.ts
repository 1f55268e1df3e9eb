// The console's two languages. i18next (with react-i18next) was chosen over @lingui because it needs no compile
// step or Babel macro in the Vite build, keeps catalogues as plain objects a node test can read, and re-renders
// every mounted screen when the language changes.
import i18next from "i18next";
import { initReactI18next, useTranslation } from "react-i18next";
import en from "./en";
import zhCN from "./zh-CN";

import { detectLanguage, LANGUAGE_KEY, type Language } from "./detect";

export { LANGUAGES, type Language } from "./detect";

function storedLanguage(): string | null {
  try {
    return localStorage.getItem(LANGUAGE_KEY);
  } catch {
    return null;
  }
}

void i18next.use(initReactI18next).init({
  resources: { en: { translation: en }, "zh-CN": { translation: zhCN } },
  lng: detectLanguage(storedLanguage(), typeof navigator === "undefined" ? [] : navigator.languages ?? [navigator.language]),
  fallbackLng: "en",
  interpolation: { escapeValue: false },
  returnNull: false,
  showSupportNotice: false,
});

/** Sets <html lang> (screen readers, fonts, hyphenation); a no-op where there is no page (node tests). */
function applyToDocument(lng: string) {
  const page = (globalThis as { document?: { documentElement: { lang: string } } }).document;
  if (page) page.documentElement.lang = lng;
}
applyToDocument(i18next.language);
i18next.on("languageChanged", applyToDocument);

export function setLanguage(lng: Language): void {
  try {
    localStorage.setItem(LANGUAGE_KEY, lng);
  } catch {
    // A browser that refuses storage still switches for this visit.
  }
  void i18next.changeLanguage(lng);
}

/** The BCP 47 tag Intl formats with. */
export function locale(): Language {
  return i18next.language === "zh-CN" ? "zh-CN" : "en";
}

/** Translation outside React (validation, error sentences): always in the current language. */
export const t = i18next.t.bind(i18next);
export { useTranslation, i18next };
