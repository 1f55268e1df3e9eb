import { LANGUAGES, setLanguage, useTranslation, type Language } from "../i18n";

/** Switches between 中文 and English; the choice is remembered in this browser (the language only). */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <span className="lang-switch">
      <label htmlFor="lang-switch" className="sr-only">{t("lang.label")}</label>
      <select id="lang-switch" data-testid="lang-switch" value={i18n.language} onChange={(e) => setLanguage(e.target.value as Language)}>
        {LANGUAGES.map((lng) => (
          <option key={lng} value={lng} lang={lng}>{t(`lang.${lng}`)}</option>
        ))}
      </select>
    </span>
  );
}
