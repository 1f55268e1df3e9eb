// A stored document opened in the console: shown inline (a PDF in a frame, an image as an image), hashed in the
// browser as it arrives and compared with the hash the ledger anchored for the record, with a download link. The
// gateway serves a document only to the record's parties, their banks when financing, and the auditors.
import { useEffect, useRef, useState } from "react";
import { sha256Hex } from "../lib/hash";
import { formatNumber } from "../lib/format";
import { useTranslation } from "../i18n";

type Loaded =
  | { state: "loading" }
  | { state: "error"; status: number }
  | { state: "ready"; name: string; type: string; size: number; sha256: string };

/** The file name of a content-disposition header: its UTF-8 `filename*` (the name as uploaded), else `filename`. */
function fileName(disposition: string | null): string | null {
  const m = /filename\*=UTF-8''([^;]+)/i.exec(disposition ?? "") ?? /filename="?([^";]+)"?/i.exec(disposition ?? "");
  if (!m) return null;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return m[1];
  }
}

export function DocumentPreview({ hash, onClose }: { hash: string; onClose: () => void }) {
  const { t } = useTranslation();
  const url = `/api/v1/documents/${hash}`;
  const [doc, setDoc] = useState<Loaded>({ state: "loading" });
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  useEffect(() => {
    let live = true;
    void (async () => {
      try {
        const res = await fetch(url, { credentials: "same-origin" });
        if (!res.ok) {
          if (live) setDoc({ state: "error", status: res.status });
          return;
        }
        const blob = await res.blob();
        const sha256 = await sha256Hex(blob);
        if (live)
          setDoc({
            state: "ready",
            name: fileName(res.headers.get("content-disposition")) ?? hash.slice(0, 10),
            type: blob.type || res.headers.get("content-type") || "",
            size: blob.size,
            sha256,
          });
      } catch {
        if (live) setDoc({ state: "error", status: 0 });
      }
    })();
    return () => {
      live = false;
    };
  }, [url, hash]);

  const verified = doc.state === "ready" && doc.sha256.toLowerCase() === hash.toLowerCase();
  return (
    <div
      className="dialog document-preview"
      role="dialog"
      aria-modal="true"
      aria-labelledby="document-title"
      data-testid="document-preview"
    >
      <h2 id="document-title" ref={heading} tabIndex={-1}>
        {doc.state === "ready" ? t("document.previewTitle", { name: doc.name }) : t("document.previewLoading")}
      </h2>
      {doc.state === "loading" && <p role="status">{t("document.checking")}</p>}
      {doc.state === "error" && (
        <p className="notice notice-error" role="alert" data-testid="document-error">
          {doc.status === 403 || doc.status === 404 ? t("document.unavailable") : t("document.failed")}
        </p>
      )}
      {doc.state === "ready" && (
        <>
          <p
            className={`notice ${verified ? "notice-success" : "notice-error"}`}
            role={verified ? "status" : "alert"}
            data-testid="document-verified"
            data-verified={verified ? "true" : "false"}
            data-sha256={doc.sha256}
          >
            {verified ? t("document.verified") : t("document.mismatch")}
          </p>
          <p className="muted">{t("document.about", { type: doc.type || "—", size: formatNumber(doc.size) })}</p>
          {doc.type.startsWith("image/") ? (
            <img
              className="document-frame"
              src={url}
              alt={t("document.previewTitle", { name: doc.name })}
              data-testid="document-image"
            />
          ) : doc.type === "application/pdf" ? (
            <iframe
              className="document-frame"
              src={url}
              title={t("document.previewTitle", { name: doc.name })}
              data-testid="document-frame"
            />
          ) : (
            <p>{t("document.noPreview")}</p>
          )}
        </>
      )}
      <div className="form-actions">
        <a
          href={url}
          download={doc.state === "ready" ? doc.name : true}
          className="button-link"
          data-testid="document-download"
        >
          {t("document.download")}
        </a>
        <a href={url} target="_blank" rel="noopener noreferrer" className="button-link">
          {t("document.newTab")}
        </a>
        <button type="button" className="secondary" onClick={onClose} data-testid="document-close">
          {t("action.close")}
        </button>
      </div>
    </div>
  );
}
