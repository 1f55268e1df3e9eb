import { lazy, type ReactNode } from "react";
import type { Me, Role } from "./api/types";
// Each screen is its own chunk, loaded when first opened: the sign-in page and a role's home carry only their own
// code, and the charts library only reaches the analytics screen.
const Analytics = lazy(() => import("./screens/Analytics").then((m) => ({ default: m.Analytics })));
const SupplierOrders = lazy(() => import("./screens/supplier/SupplierOrders").then((m) => ({ default: m.SupplierOrders })));
const SupplierInvoices = lazy(() => import("./screens/supplier/SupplierInvoices").then((m) => ({ default: m.SupplierInvoices })));
const OneStop = lazy(() => import("./screens/supplier/OneStop").then((m) => ({ default: m.OneStop })));
const CreditProfile = lazy(() => import("./screens/supplier/CreditProfile").then((m) => ({ default: m.CreditProfile })));
const Balances = lazy(() => import("./screens/Balances").then((m) => ({ default: m.Balances })));
const Disputes = lazy(() => import("./screens/Disputes").then((m) => ({ default: m.Disputes })));
const BuyerOrders = lazy(() => import("./screens/buyer/BuyerOrders").then((m) => ({ default: m.BuyerOrders })));
const BuyerInvoices = lazy(() => import("./screens/buyer/BuyerInvoices").then((m) => ({ default: m.BuyerInvoices })));
const Payables = lazy(() => import("./screens/buyer/Payables").then((m) => ({ default: m.Payables })));
const Queue = lazy(() => import("./screens/bank/Queue").then((m) => ({ default: m.Queue })));
const Dossier = lazy(() => import("./screens/bank/Dossier").then((m) => ({ default: m.Dossier })));
const PolicyEditor = lazy(() => import("./screens/bank/PolicyEditor").then((m) => ({ default: m.PolicyEditor })));
const Portfolio = lazy(() => import("./screens/bank/Portfolio").then((m) => ({ default: m.Portfolio })));
const KeyManager = lazy(() => import("./components/KeyManager").then((m) => ({ default: m.KeyManager })));
const Organisations = lazy(() => import("./screens/admin/Organisations").then((m) => ({ default: m.Organisations })));
const People = lazy(() => import("./screens/admin/People").then((m) => ({ default: m.People })));
const Disclosures = lazy(() => import("./screens/audit/Disclosures").then((m) => ({ default: m.Disclosures })));
const Explorer = lazy(() => import("./screens/auditor/Explorer").then((m) => ({ default: m.Explorer })));
const Notes = lazy(() => import("./screens/notes/Notes").then((m) => ({ default: m.Notes })));
const Desk = lazy(() => import("./desk/Desk").then((m) => ({ default: m.Desk })));

export interface Screen {
  path: string;
  /** The catalogue key of the screen's title. */
  title: string;
  /** Screens reached from another screen (a dossier) are routable but not in the menu. */
  hidden?: boolean;
  /** Shown only to the users this admits (an organisation's admins). */
  when?: (me: Me) => boolean;
  render: (params: string[]) => ReactNode;
}

const analytics: Screen = { path: "analytics", title: "screen.analytics", render: () => <Analytics /> };
const balances: Screen = { path: "balances", title: "screen.balances", render: () => <Balances /> };
const disputes: Screen = { path: "disputes", title: "screen.disputes", render: () => <Disputes /> };
/** The browser's own signing keys (self-custody), for every role. */
const keys: Screen = { path: "keys", title: "screen.keys", render: () => <KeyManager /> };
// An organisation's admins manage its people and tokens; a bank's officers approve proposals for new governors.
const people: Screen = { path: "people", title: "screen.people", when: (me) => me.user.admin === true || me.user.role === "officer", render: () => <People /> };
const organisations: Screen = { path: "orgs", title: "screen.orgs", render: () => <Organisations /> };
/** Selective disclosure: make one of a record you are party to, or check one you received against the ledger. */
const disclosures: Screen = { path: "disclosures", title: "screen.disclosures", render: () => <Disclosures /> };
const explorer: Screen = { path: "ledger", title: "screen.ledger", render: (p) => <Explorer initial={p} /> };
/** Payable notes: a supplier's wallet, the buyer's issues and payments, and every tree read-only for auditors and the operator. */
const notes: Screen = { path: "notes", title: "screen.notes", render: (p) => <Notes focus={p[0]} /> };
const desk: Screen = { path: "desk", title: "desk.screen", render: (p) => <Desk params={p} /> };

/** Each role sees only its own screens; the first is its home. */
export const SCREENS: Record<Role, Screen[]> = {
  supplier: [
    { path: "orders", title: "screen.ordersReceived", render: () => <SupplierOrders /> },
    { path: "invoices", title: "screen.supplierInvoices", render: (p) => <SupplierInvoices focus={p[0]} /> },
    { path: "one-stop", title: "screen.oneStop", render: () => <OneStop /> },
    { path: "credit", title: "screen.credit", render: () => <CreditProfile /> },
    notes,
    balances,
    disputes,
    desk,
    analytics,
    disclosures,
    people,
    keys,
  ],
  buyer: [
    { path: "orders", title: "screen.purchaseOrders", render: () => <BuyerOrders /> },
    { path: "invoices", title: "screen.buyerInvoices", render: () => <BuyerInvoices /> },
    { path: "payables", title: "screen.payables", render: () => <Payables /> },
    notes,
    balances,
    disputes,
    desk,
    analytics,
    disclosures,
    people,
    keys,
  ],
  officer: [
    { path: "queue", title: "screen.queue", render: () => <Queue /> },
    { path: "request", title: "screen.dossier", hidden: true, render: (p) => <Dossier id={p[0] ?? ""} /> },
    { path: "policy", title: "screen.policy", render: () => <PolicyEditor /> },
    { path: "portfolio", title: "screen.portfolio", render: () => <Portfolio /> },
    desk,
    analytics,
    disclosures,
    keys,
    people,
  ],
  auditor: [explorer, notes, disclosures, balances, desk, analytics, people, keys],
  operator: [explorer, organisations, notes, balances, desk, analytics, keys],
};
