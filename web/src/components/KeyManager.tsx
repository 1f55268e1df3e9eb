// The browser's keys of self-custodied people: create one under a passphrase, import a keystore file, export or
// forget one. Only the encrypted keystore is kept (localStorage); the passphrase never is.
import { useState } from "react";
import { createKey, exportKeystore, forgetKey, importKeystore, storedKeys } from "../lib/keystore";

export function KeyManager() {
  const [keys, setKeys] = useState(storedKeys());
  const [passphrase, setPassphrase] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const [message, setMessage] = useState<{ kind: "success" | "error" | "pending"; text: string } | null>(null);
  const run = async (what: string, work: () => Promise<string>) => {
    setMessage({ kind: "pending", text: `${what}…` });
    try {
      const address = await work();
      setKeys(storedKeys());
      setPassphrase("");
      setMessage({ kind: "success", text: `${what}: ${address}. Give this address to your organisation's admin.` });
    } catch (err) {
      setMessage({ kind: "error", text: err instanceof Error ? (/invalid password/i.test(err.message) ? "Wrong passphrase for this file." : err.message) : String(err) });
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
      <h2>Your signing keys</h2>
      <ul>
        {keys.map((k) => (
          <li key={k} data-testid="stored-key">
            <code>{k}</code> <button onClick={() => download(k)}>Export</button>{" "}
            <button
              onClick={() => {
                forgetKey(k);
                setKeys(storedKeys());
              }}
            >
              Forget
            </button>
          </li>
        ))}
      </ul>
      <label>
        Passphrase
        <input type="password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} data-testid="key-passphrase" />
      </label>
      <button onClick={() => void run("Key created", () => createKey(passphrase))} data-testid="key-create">
        Create a key
      </button>
      <input type="file" accept="application/json,.json" onChange={(e) => setFile(e.target.files?.[0] ?? null)} data-testid="key-file" />
      <button disabled={!file} onClick={() => void run("Key imported", async () => importKeystore(await file!.text(), passphrase))} data-testid="key-import">
        Import keystore file
      </button>
      {message && (
        <div className={`notice notice-${message.kind}`} role={message.kind === "error" ? "alert" : "status"} data-testid="key-status">
          {message.text}
        </div>
      )}
    </section>
  );
}
