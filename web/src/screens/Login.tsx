import { useState, type FormEvent } from "react";
import { ApiError } from "../api/client";
import type { Me } from "../api/types";
import { useAction } from "../lib/hooks";
import { signIn } from "../lib/session";
import { ActionStatus, Field, fieldProps } from "../components/ui";
import { t as translate, useTranslation } from "../i18n";

/** Where the demo keeps every role's username and password (a path, the same in every language). */
const CREDENTIALS_FILE = "data/demo-credentials.json";

/**
 * Sign-in with username and password; when the gateway asks for a second factor (TOTP_REQUIRED), the six-digit code
 * field appears and the form is sent again with it. The session is an HttpOnly cookie: nothing is stored by script.
 */
export function Login({ onSignedIn, notice }: { onSignedIn: (me: Me) => void; notice?: string | null }) {
  const { t } = useTranslation();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [totp, setTotp] = useState("");
  const [needsCode, setNeedsCode] = useState(false);
  const [problems, setProblems] = useState<{ username?: string; password?: string; totp?: string }>({});
  const action = useAction();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found = {
      username: username.trim() ? undefined : t("login.needUsername"),
      password: password ? undefined : t("login.needPassword"),
      totp: needsCode && !/^[0-9]{6}$/.test(totp.trim()) ? t("login.needCode") : undefined,
    };
    setProblems(found);
    if (found.username || found.password || found.totp) return;
    const me = await action.run(
      async () => {
        try {
          return await signIn(username.trim(), password, needsCode ? totp.trim() : undefined);
        } catch (e) {
          if (e instanceof ApiError && e.code === "TOTP_REQUIRED") setNeedsCode(true);
          throw e;
        }
      },
      translate("login.signedIn"),
      translate("login.signingIn"),
    );
    if (me) onSignedIn(me);
  };

  return (
    <main className="login" id="main">
      <form className="card login-card" onSubmit={submit} aria-labelledby="login-title" noValidate>
        <h1 id="login-title">{t("login.title")}</h1>
        <p>
          {t("login.intro")} {t("login.demo")} <code>{CREDENTIALS_FILE}</code>
        </p>
        {notice && <div className="notice notice-error" role="alert">{notice}</div>}
        <Field id="login-username" label={t("login.username")} error={problems.username}>
          <input
            {...fieldProps("login-username", problems.username)}
            data-testid="login-username"
            autoComplete="username"
            spellCheck={false}
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
        </Field>
        <Field id="login-password" label={t("login.password")} error={problems.password}>
          <input
            {...fieldProps("login-password", problems.password)}
            data-testid="login-password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </Field>
        {needsCode && (
          <Field id="login-totp" label={t("login.code")} error={problems.totp}>
            <input
              {...fieldProps("login-totp", problems.totp)}
              data-testid="login-totp"
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={6}
              value={totp}
              onChange={(e) => setTotp(e.target.value)}
            />
          </Field>
        )}
        <button type="submit" className="primary" data-testid="login-submit" disabled={action.pending}>
          {t("login.submit")}
        </button>
        <ActionStatus state={action.state} />
      </form>
    </main>
  );
}
