// Completes a self-custodied person's write: when a write answered 202 { signingRequest }, this shows what is to be
// signed (the summary, the account, the deadline), unlocks the browser key with its passphrase (or asks the injected
// wallet), signs the EIP-712 typed data and posts the signature; the write's own answer goes to onDone.
import { useCallback, useState, type ReactNode } from "react";
import type { components } from "../api/schema";
import { api, ApiError, call, SignatureRequiredError } from "../api/client";
import { injectedWallet, keystoreOf, signWithInjected, signWithKey, unlock } from "../lib/keystore";

export type SigningRequest = components["schemas"]["SigningRequest"];
export type SignedWrite = components["schemas"]["SignedWrite"];

/** The signing request of a 202 answer, if it is one. */
export function signingRequestOf(body: unknown): SigningRequest | undefined {
  const sr = (body as { signingRequest?: SigningRequest } | undefined)?.signingRequest;
  return sr && typeof sr.id === "string" && sr.typedData ? sr : undefined;
}

export function SigningDialog({ request, onDone, onCancel }: { request: SigningRequest; onDone: (result: SignedWrite) => void; onCancel: () => void }) {
  const [passphrase, setPassphrase] = useState("");
  const [state, setState] = useState<{ phase: "idle" | "pending" | "error"; message?: string }>({ phase: "idle" });
  const from = request.typedData.message.from;
  const hasKey = keystoreOf(from) !== null;
  const injected = injectedWallet();

  const submit = async (how: "key" | "injected") => {
    setState({ phase: "pending", message: how === "key" ? "Unlocking your key and signing…" : "Waiting for your wallet…" });
    try {
      const signature = how === "key" ? await signWithKey(await unlock(from, passphrase), request.typedData) : await signWithInjected(injected!, request.typedData);
      setPassphrase("");
      const out = await call(api.POST("/api/v1/signing-requests/{id}/signature", { params: { path: { id: request.id } }, body: { signature } }));
      onDone(out as SignedWrite);
    } catch (err) {
      const message = err instanceof Error ? (/invalid password/i.test(err.message) ? "Wrong passphrase." : err.message) : String(err);
      setState({ phase: "error", message });
    }
  };

  return (
    <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="signing-title" data-testid="signing-dialog">
      <h2 id="signing-title">Sign with your own key</h2>
      <p className="signing-summary" data-testid="signing-summary">
        {request.summary}
      </p>
      <dl>
        <dt>Account</dt>
        <dd data-testid="signing-account">{from}</dd>
        <dt>Valid until</dt>
        <dd>{new Date(request.expiresAt).toLocaleString()}</dd>
      </dl>
      {hasKey ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void submit("key");
          }}
        >
          <label>
            Passphrase of this browser's key
            <input type="password" autoComplete="current-password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} data-testid="signing-passphrase" />
          </label>
          <button type="submit" disabled={state.phase === "pending" || passphrase === ""} data-testid="signing-submit">
            Sign and submit
          </button>
        </form>
      ) : (
        <p>This browser holds no key for {from}. Import its keystore file under Keys, or use a browser wallet.</p>
      )}
      {injected && (
        <button type="button" onClick={() => void submit("injected")} disabled={state.phase === "pending"} data-testid="signing-injected">
          Sign with browser wallet
        </button>
      )}
      <button type="button" onClick={onCancel} disabled={state.phase === "pending"}>
        Cancel
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
 * once the person signed in the dialog (rendered where `dialog` is placed). Cancelling rejects: nothing was sent.
 */
export function useSigning(): { signed: <T>(p: Promise<T>) => Promise<T>; dialog: ReactNode } {
  const [open, setOpen] = useState<{ request: SigningRequest; resolve: (r: unknown) => void; reject: (e: unknown) => void }>();
  const signed = useCallback(
    <T,>(p: Promise<T>): Promise<T> =>
      p.catch((err: unknown) => {
        if (!(err instanceof SignatureRequiredError)) throw err;
        return new Promise<T>((resolve, reject) => setOpen({ request: err.request as SigningRequest, resolve: (r) => resolve(r as T), reject }));
      }),
    [],
  );
  const dialog = open ? (
    <SigningDialog
      request={open.request}
      onDone={(r) => {
        setOpen(undefined);
        open.resolve(r);
      }}
      onCancel={() => {
        setOpen(undefined);
        open.reject(new ApiError(0, "SIGNING_CANCELLED", "Not signed; nothing was sent."));
      }}
    />
  ) : null;
  return { signed, dialog };
}
