import { lazy, type ReactNode } from "react";
import type { Role } from "./api/types";
import { SupplierOrders } from "./screens/supplier/SupplierOrders";
import { SupplierInvoices } from "./screens/supplier/SupplierInvoices";
import { OneStop } from "./screens/supplier/OneStop";
import { CreditProfile } from "./screens/supplier/CreditProfile";
import { Balances } from "./screens/Balances";
import { Disputes } from "./screens/Disputes";
import { BuyerOrders } from "./screens/buyer/BuyerOrders";
import { BuyerInvoices } from "./screens/buyer/BuyerInvoices";
import { Payables } from "./screens/buyer/Payables";
import { Queue } from "./screens/bank/Queue";
import { Dossier } from "./screens/bank/Dossier";
import { PolicyEditor } from "./screens/bank/PolicyEditor";
import { Portfolio } from "./screens/bank/Portfolio";
import { Explorer } from "./screens/auditor/Explorer";
// The charts library is loaded only when the analytics screen opens.
const Analytics = lazy(() => import("./screens/Analytics").then((m) => ({ default: m.Analytics })));

export interface Screen {
  path: string;
  /** The catalogue key of the screen's title. */
  title: string;
  /** Screens reached from another screen (a dossier) are routable but not in the menu. */
  hidden?: boolean;
  render: (params: string[]) => ReactNode;
}

const analytics: Screen = { path: "analytics", title: "screen.analytics", render: () => <Analytics /> };
const balances: Screen = { path: "balances", title: "screen.balances", render: () => <Balances /> };
const disputes: Screen = { path: "disputes", title: "screen.disputes", render: () => <Disputes /> };
const explorer: Screen = { path: "ledger", title: "screen.ledger", render: (p) => <Explorer initial={p} /> };

/** Each role sees only its own screens; the first is its home. */
export const SCREENS: Record<Role, Screen[]> = {
  supplier: [
    { path: "orders", title: "screen.ordersReceived", render: () => <SupplierOrders /> },
    { path: "invoices", title: "screen.supplierInvoices", render: (p) => <SupplierInvoices focus={p[0]} /> },
    { path: "one-stop", title: "screen.oneStop", render: () => <OneStop /> },
    { path: "credit", title: "screen.credit", render: () => <CreditProfile /> },
    balances,
    disputes,
    analytics,
  ],
  buyer: [
    { path: "orders", title: "screen.purchaseOrders", render: () => <BuyerOrders /> },
    { path: "invoices", title: "screen.buyerInvoices", render: () => <BuyerInvoices /> },
    { path: "payables", title: "screen.payables", render: () => <Payables /> },
    balances,
    disputes,
    analytics,
  ],
  officer: [
    { path: "queue", title: "screen.queue", render: () => <Queue /> },
    { path: "request", title: "screen.dossier", hidden: true, render: (p) => <Dossier id={p[0] ?? ""} /> },
    { path: "policy", title: "screen.policy", render: () => <PolicyEditor /> },
    { path: "portfolio", title: "screen.portfolio", render: () => <Portfolio /> },
    analytics,
  ],
  auditor: [explorer, balances, analytics],
  operator: [explorer, balances, analytics],
};
