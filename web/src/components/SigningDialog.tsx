// Completes a self-custodied person's write: when a write answered 202 { signingRequest }, this shows what is to be
// signed (the summary, the account, the deadline), unlocks the browser key with its passphrase (or asks the injected
// wallet), signs the EIP-712 typed data and posts the signature; the write's own answer goes to onDone.
import { useCallback, useState, type ReactNode } from "react";
import type { components } from "../api/schema";
import { api, ApiError, call, SignatureRequiredError } from "../api/client";
import { describeError } from "../api/errors";
import { injectedWallet, keystoreOf, signWithInjected, signWithKey, unlock } from "../lib/keystore";
import { formatDateTime } from "../lib/format";
import { t as translate, useTranslation } from "../i18n";

export type SigningRequest = components["schemas"]["SigningRequest"];
export type SignedWrite = components["schemas"]["SignedWrite"];

/** The signing request of a 202 answer, if it is one. */
export function signingRequestOf(body: unknown): SigningRequest | undefined {
  const sr = (body as { signingRequest?: SigningRequest } | undefined)?.signingRequest;
  return sr && typeof sr.id === "string" && sr.typedData ? sr : undefined;
}

/** Two sentences say the same when they differ only in spacing (Intl writes no-break spaces, the gateway plain ones). */
const same = (a: string, b: string) => a.replace(/\s+/g, " ").trim() === b.replace(/\s+/g, " ").trim();

/**
 * `what` is the screen's own sentence for the write, in the console's language; the gateway's summary (built from the
 * ledger call, in English) stays one click away when it reads differently, so the signer can compare the two.
 */
export function SigningDialog({ request, what, onDone, onCancel }: { request: SigningRequest; what?: string; onDone: (result: SignedWrite) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const [passphrase, setPassphrase] = useState("");
  const [state, setState] = useState<{ phase: "idle" | "pending" | "error"; message?: string }>({ phase: "idle" });
  const from = request.typedData.message.from;
  const hasKey = keystoreOf(from) !== null;
  const injected = injectedWallet();

  const submit = async (how: "key" | "injected") => {
    setState({ phase: "pending", message: how === "key" ? t("signing.unlocking") : t("signing.waitingWallet") });
    try {
      const signature = how === "key" ? await signWithKey(await unlock(from, passphrase), request.typedData) : await signWithInjected(injected!, request.typedData);
      setPassphrase("");
      const out = await call(api.POST("/api/v1/signing-requests/{id}/signature", { params: { path: { id: request.id } }, body: { signature } }));
      onDone(out as SignedWrite);
    } catch (err) {
      const message = err instanceof Error ? (/invalid password/i.test(err.message) ? t("signing.wrongPassphrase") : describeError(err)) : String(err);
      setState({ phase: "error", message });
    }
  };

  return (
    <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="signing-title" data-testid="signing-dialog">
      <h2 id="signing-title">{t("signing.title")}</h2>
      <p className="signing-summary" data-testid="signing-summary">
        {what ?? request.summary}
      </p>
      {what !== undefined && !same(what, request.summary) && (
        <details className="signing-gateway">
          <summary>{t("signing.gatewaySummary")}</summary>
          <p lang="en" data-testid="signing-gateway-summary">{request.summary}</p>
        </details>
      )}
      <dl>
        <dt>{t("signing.account")}</dt>
        <dd data-testid="signing-account">{from}</dd>
        <dt>{t("signing.validUntil")}</dt>
        <dd>{formatDateTime(request.expiresAt)}</dd>
      </dl>
      {hasKey ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void submit("key");
          }}
        >
          <label>
            {t("signing.passphrase")}
            <input type="password" autoComplete="current-password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} data-testid="signing-passphrase" />
          </label>
          <button type="submit" disabled={state.phase === "pending" || passphrase === ""} data-testid="signing-submit">
            {t("signing.submit")}
          </button>
        </form>
      ) : (
        <p>{t("signing.noKey", { account: from })}</p>
      )}
      {injected && (
        <button type="button" onClick={() => void submit("injected")} disabled={state.phase === "pending"} data-testid="signing-injected">
          {t("signing.wallet")}
        </button>
      )}
      <button type="button" onClick={onCancel} disabled={state.phase === "pending"}>
        {t("action.cancel")}
      </button>
      {state.phase !== "idle" && (
        <div className={`notice notice-${state.phase}`} role={state.phase === "error" ? "alert" : "status"} data-testid="signing-status">
          {state.message}
        </div>
      )}
    </div>
  );
}

/**
 * `signed(call(...))` answers the write's result: directly for a custodial person, or, when the write answered 202,
 * once the person signed in the dialog (rendered where `dialog` is placed), which shows `what` (the screen's sentence
 * for the write, in the console's language) above the gateway's summary. Cancelling rejects: nothing was sent.
 */
export function useSigning(): { signed: <T>(p: Promise<T>, what?: string) => Promise<T>; dialog: ReactNode } {
  const [open, setOpen] = useState<{ request: SigningRequest; what?: string; resolve: (r: unknown) => void; reject: (e: unknown) => void }>();
  const signed = useCallback(
    <T,>(p: Promise<T>, what?: string): Promise<T> =>
      p.catch((err: unknown) => {
        if (!(err instanceof SignatureRequiredError)) throw err;
        return new Promise<T>((resolve, reject) => setOpen({ request: err.request as SigningRequest, what, resolve: (r) => resolve(r as T), reject }));
      }),
    [],
  );
  const dialog = open ? (
    <SigningDialog
      request={open.request}
      what={open.what}
      onDone={(r) => {
        setOpen(undefined);
        open.resolve(r);
      }}
      onCancel={() => {
        setOpen(undefined);
        open.reject(new ApiError(0, "SIGNING_CANCELLED", translate("signing.cancelled")));
      }}
    />
  ) : null;
  return { signed, dialog };
}
