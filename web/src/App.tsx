import { useCallback, useEffect, useMemo, useState } from "react";
import { ApiError } from "./api/client";
import { listOrganisations } from "./api/queries";
import { describeError } from "./api/errors";
import type { Me, DirectoryEntry } from "./api/types";
import { resumeSession, SessionContext, signOut, type Session } from "./lib/session";
import { navigate, useHashPath } from "./lib/router";
import { humanise } from "./lib/format";
import { Login } from "./screens/Login";
import { SCREENS } from "./routes";

type Boot = { phase: "loading" } | { phase: "signed-out"; notice?: string } | { phase: "ready"; me: Me; orgs: DirectoryEntry[] };

export function App() {
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
    void signOut();
    window.location.hash = "";
    setBoot({ phase: "signed-out" });
  }, []);

  if (boot.phase === "loading") return <p className="muted center" role="status">Loading the console…</p>;
  if (boot.phase === "signed-out") {
    return (
      <Login
        notice={boot.notice}
        onSignedIn={(me) => {
          window.location.hash = "";
          void start(me);
        }}
      />
    );
  }
  return <Console me={boot.me} orgs={boot.orgs} logout={logout} />;
}

function Console({ me, orgs, logout }: { me: Me; orgs: DirectoryEntry[]; logout: () => void }) {
  const path = useHashPath();
  const screens = SCREENS[me.user.role] ?? [];
  const current = screens.find((s) => s.path === path[0]) ?? screens[0];
  const session: Session = useMemo(() => {
    const names = new Map(orgs.map((o) => [o.id, o.name]));
    return { me, orgs, logout, orgName: (id) => (id ? (names.get(id) ?? `Organisation ${id}`) : "—") };
  }, [me, orgs, logout]);

  useEffect(() => {
    if (current) document.title = `${current.title} · Trellis`;
  }, [current]);

  return (
    <SessionContext.Provider value={session}>
      <a className="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById("main")?.focus(); }}>
        Skip to content
      </a>
      <header className="topbar">
        <div className="brand">Trellis</div>
        <div className="who" data-testid="whoami">
          <span data-testid="user-name">{me.user.name}</span>
          <span className="sep" aria-hidden="true">·</span>
          <span data-testid="org-name">{me.org.name}</span>
          <span className="role" data-testid="user-role">{humanise(me.user.role)}</span>
        </div>
        <button type="button" className="secondary" onClick={logout} data-testid="logout">
          Log out
        </button>
      </header>
      <nav className="tabs" aria-label="Screens">
        {screens.filter((s) => !s.hidden).map((s) => (
          <a
            key={s.path}
            href={`#/${s.path}`}
            data-testid={`nav-${s.path}`}
            aria-current={s === current ? "page" : undefined}
            onClick={(e) => { e.preventDefault(); navigate(s.path); }}
          >
            {s.title}
          </a>
        ))}
      </nav>
      <main id="main" tabIndex={-1} className="content">
        {current ? (
          <>
            <h1 className="screen-title">{current.title}</h1>
            {current.render(path.slice(1))}
          </>
        ) : (
          <p>Your role has no screens in this console.</p>
        )}
      </main>
    </SessionContext.Provider>
  );
}
