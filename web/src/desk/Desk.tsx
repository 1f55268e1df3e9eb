import { lazy, type ReactNode } from "react";
import { useTranslation } from "../i18n";
import { navigate } from "../lib/router";
import { useSession } from "../lib/session";
import { useResource } from "../lib/hooks";
import type { Me } from "../api/types";
import { unreadCount } from "./api";
import { files, isOrgAdmin } from "./roles";
import "./desk.css";

const CaseList = lazy(() => import("./CaseList").then((m) => ({ default: m.CaseList })));
const CasePage = lazy(() => import("./CasePage").then((m) => ({ default: m.CasePage })));
const FileCaseForm = lazy(() => import("./FileCaseForm").then((m) => ({ default: m.FileCaseForm })));
const Inbox = lazy(() => import("./Inbox").then((m) => ({ default: m.Inbox })));
const ClientScreen = lazy(() => import("./ClientScreen").then((m) => ({ default: m.ClientScreen })));
const ServiceLevelsScreen = lazy(() => import("./ServiceLevels").then((m) => ({ default: m.ServiceLevelsScreen })));
const Webhooks = lazy(() => import("./Webhooks").then((m) => ({ default: m.Webhooks })));

interface Part {
  path: string;
  render: (params: string[]) => ReactNode;
}

/** The desk's parts a person has, in menu order; the first is where the desk opens. */
function partsFor(me: Me): Part[] {
  const member = files(me);
  const parts: (Part | false)[] = [
    { path: "cases", render: () => <CaseList /> },
    member && { path: "file", render: () => <FileCaseForm /> },
    { path: "inbox", render: () => <Inbox /> },
    (member || me.user.role === "auditor") && { path: "clients", render: (p) => <ClientScreen orgId={p[0]} /> },
    { path: "levels", render: () => <ServiceLevelsScreen /> },
    // Webhooks belong to an organisation; its admin registers them for its systems.
    member && isOrgAdmin(me) && { path: "webhooks", render: () => <Webhooks /> },
  ];
  return parts.filter((p): p is Part => Boolean(p));
}

/**
 * The service desk: complaints and disputes as cases on their clocks, the person's notifications, client
 * relationships, service levels and the organisation's webhooks. One tab in the console; its parts are sub-paths
 * (#/desk/case/12, #/desk/inbox).
 */
export function Desk({ params }: { params: string[] }) {
  const { t } = useTranslation();
  const { me } = useSession();
  const parts = partsFor(me);
  const unread = useResource(unreadCount, [me.user.id, "desk-unread"]).data ?? 0;
  const [first, ...rest] = params;
  const onCase = first === "case" && rest[0];
  const current = onCase ? undefined : (parts.find((p) => p.path === first) ?? parts[0]);
  return (
    <div className="desk">
      <nav className="desk-nav" aria-label={t("desk.nav.label")}>
        {parts.map((p) => (
          <a
            key={p.path}
            href={`#/desk/${p.path}`}
            data-testid={`desk-nav-${p.path}`}
            aria-current={p === current || (onCase && p.path === "cases") ? "page" : undefined}
            onClick={(e) => {
              e.preventDefault();
              navigate("desk", p.path);
            }}
          >
            {t(`desk.nav.${p.path}`)}
            {p.path === "inbox" && unread > 0 && (
              <span className="todo" data-testid="desk-unread" data-count={unread}>
                <span aria-hidden="true">{unread}</span>
                <span className="sr-only">{t("desk.inbox.unreadCount", { count: unread })}</span>
              </span>
            )}
          </a>
        ))}
      </nav>
      {onCase ? <CasePage id={rest[0]} /> : current?.render(rest)}
    </div>
  );
}
