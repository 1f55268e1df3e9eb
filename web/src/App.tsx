import { Suspense, useCallback, useEffect, useMemo, useState } from "react";
import { ApiError } from "./api/client";
import { listOrganisations } from "./api/queries";
import { describeError } from "./api/errors";
import type { Me, DirectoryEntry } from "./api/types";
import { resumeSession, SessionContext, signOut, type Session } from "./lib/session";
import { navigate, useHashPath } from "./lib/router";
import { useTranslation } from "./i18n";
import { LanguageSwitch } from "./components/LanguageSwitch";
import { QueryClientProvider } from "@tanstack/react-query";
import { queryClient, useLiveUpdates } from "./lib/live";
import { useTodo } from "./lib/todo";
import { Login } from "./screens/Login";
import { SCREENS } from "./routes";

type Boot = { phase: "loading" } | { phase: "signed-out"; notice?: string } | { phase: "ready"; me: Me; orgs: DirectoryEntry[] };

export function App() {
  const { t } = useTranslation();
  const [boot, setBoot] = useState<Boot>({ phase: "loading" });

  const start = useCallback(async (known?: Me) => {
    try {
      const me = known ?? (await resumeSession());
      if (!me) return setBoot({ phase: "signed-out" });
      const orgs = await listOrganisations();
      setBoot({ phase: "ready", me, orgs });
    } catch (e) {
      setBoot({ phase: "signed-out", notice: e instanceof ApiError && e.status === 401 ? undefined : describeError(e) });
    }
  }, []);

  // The session is the HttpOnly cookie; after a reload, ask the gateway whether it still holds one.
  useEffect(() => {
    void start();
  }, [start]);

  const logout = useCallback(() => {
    queryClient.clear();
    void signOut();
    window.location.hash = "";
    setBoot({ phase: "signed-out" });
  }, []);

  if (boot.phase === "loading") return <p className="muted center" role="status">{t("app.loading")}</p>;
  if (boot.phase === "signed-out") {
    return (
      <>
      <header className="login-lang"><LanguageSwitch /></header>
      <Login
        notice={boot.notice}
        onSignedIn={(me) => {
          window.location.hash = "";
          void start(me);
        }}
      />
      </>
    );
  }
  return (
    <QueryClientProvider client={queryClient}>
      <Console me={boot.me} orgs={boot.orgs} logout={logout} />
    </QueryClientProvider>
  );
}

function Console({ me, orgs, logout }: { me: Me; orgs: DirectoryEntry[]; logout: () => void }) {
  const { t, i18n } = useTranslation();
  const path = useHashPath();
  const screens = (SCREENS[me.user.role] ?? []).filter((s) => !s.when || s.when(me));
  useLiveUpdates();
  const todo = useTodo(me);
  const current = screens.find((s) => s.path === path[0]) ?? screens[0];
  const session: Session = useMemo(() => {
    const names = new Map(orgs.map((o) => [o.id, o.name]));
    return { me, orgs, logout, orgName: (id) => (id ? (names.get(id) ?? t("app.orgFallback", { id })) : "—") };
  }, [me, orgs, logout, t]);

  // On a phone the tab bar scrolls sideways: keep the current tab in view.
  useEffect(() => {
    document.querySelector('.tabs a[aria-current="page"]')?.scrollIntoView?.({ block: "nearest", inline: "nearest" });
  }, [current]);

  useEffect(() => {
    if (current) document.title = t("app.documentTitle", { screen: t(current.title) });
  }, [current, t, i18n.language]);

  return (
    <SessionContext.Provider value={session}>
      <a className="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById("main")?.focus(); }}>
        {t("app.skip")}
      </a>
      <header className="topbar">
        <div className="brand">{t("app.brand")}</div>
        <div className="who" data-testid="whoami">
          <span data-testid="user-name">{me.user.name}</span>
          <span className="sep" aria-hidden="true">·</span>
          <span data-testid="org-name">{me.org.name}</span>
          <span className="role" data-testid="user-role">{t(`role.${me.user.role}`)}</span>
        </div>
        <LanguageSwitch />
        <button type="button" className="secondary" onClick={logout} data-testid="logout">
          {t("app.logout")}
        </button>
      </header>
      <nav className="tabs" aria-label={t("app.screens")}>
        {screens.filter((s) => !s.hidden).map((s) => (
          <a
            key={s.path}
            href={`#/${s.path}`}
            data-testid={`nav-${s.path}`}
            aria-current={s === current ? "page" : undefined}
            onClick={(e) => { e.preventDefault(); navigate(s.path); }}
          >
            {t(s.title)}
            {todo[s.path] ? (
              <span className="todo" data-testid={`todo-${s.path}`} data-count={todo[s.path]}>
                <span aria-hidden="true">{todo[s.path]}</span>
                <span className="sr-only">{t("app.todo", { n: todo[s.path] })}</span>
              </span>
            ) : null}
          </a>
        ))}
      </nav>
      <main id="main" tabIndex={-1} className="content">
        {current ? (
          <>
            <h1 className="screen-title">{t(current.title)}</h1>
            <Suspense fallback={<p className="muted" role="status">{t("common.loading")}</p>}>{current.render(path.slice(1))}</Suspense>
          </>
        ) : (
          <p>{t("app.noScreens")}</p>
        )}
      </main>
    </SessionContext.Provider>
  );
}
