// The browser's keys of self-custodied people: create one under a passphrase, import a keystore file, export or
// forget one. Only the encrypted keystore is kept (localStorage); the passphrase never is.
import { useState } from "react";
import { createKey, exportKeystore, forgetKey, importKeystore, storedKeys } from "../lib/keystore";
import { useTranslation } from "../i18n";

export function KeyManager() {
  const { t } = useTranslation();
  const [keys, setKeys] = useState(storedKeys());
  const [passphrase, setPassphrase] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const [message, setMessage] = useState<{ kind: "success" | "error" | "pending"; text: string } | null>(null);
  const run = async (what: string, work: () => Promise<string>) => {
    setMessage({ kind: "pending", text: t("keys.working") });
    try {
      const address = await work();
      setKeys(storedKeys());
      setPassphrase("");
      setMessage({ kind: "success", text: t("keys.done", { what, address }) });
    } catch (err) {
      setMessage({ kind: "error", text: err instanceof Error ? (/invalid password/i.test(err.message) ? t("keys.wrongPassphrase") : err.message) : String(err) });
    }
  };
  const download = (address: string) => {
    const url = URL.createObjectURL(exportKeystore(address));
    const a = document.createElement("a");
    a.href = url;
    a.download = `trellis-key-${address}.json`;
    a.click();
    URL.revokeObjectURL(url);
  };
  return (
    <section data-testid="key-manager">
      <h2>{t("keys.title")}</h2>
      <ul>
        {keys.map((k) => (
          <li key={k} data-testid="stored-key">
            <code>{k}</code> <button type="button" onClick={() => download(k)}>{t("keys.export")}</button>{" "}
            <button
              type="button"
              onClick={() => {
                forgetKey(k);
                setKeys(storedKeys());
              }}
            >
              {t("keys.forget")}
            </button>
          </li>
        ))}
      </ul>
      <label>
        {t("keys.passphrase")}
        <input type="password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} data-testid="key-passphrase" />
      </label>
      <button type="button" onClick={() => void run(t("keys.created"), () => createKey(passphrase))} data-testid="key-create">
        {t("keys.create")}
      </button>
      <input type="file" aria-label={t("keys.file")} accept="application/json,.json" onChange={(e) => setFile(e.target.files?.[0] ?? null)} data-testid="key-file" />
      <button type="button" disabled={!file} onClick={() => void run(t("keys.imported"), async () => importKeystore(await file!.text(), passphrase))} data-testid="key-import">
        {t("keys.import")}
      </button>
      {message && (
        <div className={`notice notice-${message.kind}`} role={message.kind === "error" ? "alert" : "status"} data-testid="key-status">
          {message.text}
        </div>
      )}
    </section>
  );
}
