import { useState, type FormEvent } from "react";
import { getMe } from "../api/queries";
import type { Me } from "../api/types";
import { useAction } from "../lib/hooks";
import { ActionStatus, Field, fieldProps } from "../components/ui";

/** Sign-in by pasting a bearer token; the token is checked with GET /me before it is stored. */
export function Login({ onSignedIn, notice }: { onSignedIn: (token: string, me: Me) => void; notice?: string | null }) {
  const [token, setToken] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const action = useAction();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const value = token.trim();
    if (!value) {
      setProblem("Paste a token to sign in.");
      return;
    }
    setProblem(null);
    const me = await action.run(() => getMe(value), "Signed in.", "Checking the token…");
    if (me) onSignedIn(value, me);
  };

  return (
    <main className="login" id="main">
      <form className="card login-card" onSubmit={submit} aria-labelledby="login-title" noValidate>
        <h1 id="login-title">Sign in to Trellis</h1>
        <p>
          Paste the access token the operator gave you. For the demo, tokens for every role are in{" "}
          <code>data/demo-credentials.json</code> on the machine running the gateway.
        </p>
        {notice && <div className="notice notice-error" role="alert">{notice}</div>}
        <Field id="login-token" label="Access token" error={problem}>
          <textarea
            {...fieldProps("login-token", problem)}
            data-testid="login-token"
            rows={3}
            autoComplete="off"
            spellCheck={false}
            value={token}
            onChange={(e) => setToken(e.target.value)}
          />
        </Field>
        <button type="submit" className="primary" data-testid="login-submit" disabled={action.pending}>
          Sign in
        </button>
        <ActionStatus state={action.state} />
      </form>
    </main>
  );
}
