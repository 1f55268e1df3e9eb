import type { ReactNode } from "react";
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
import { Analytics } from "./screens/Analytics";

export interface Screen {
  path: string;
  title: string;
  /** Screens reached from another screen (a dossier) are routable but not in the menu. */
  hidden?: boolean;
  render: (params: string[]) => ReactNode;
}

const analytics: Screen = { path: "analytics", title: "Service analytics", render: () => <Analytics /> };
const balances: Screen = { path: "balances", title: "Balances", render: () => <Balances /> };
const disputes: Screen = { path: "disputes", title: "Disputes", render: () => <Disputes /> };
const explorer: Screen = { path: "ledger", title: "Ledger explorer", render: (p) => <Explorer initial={p} /> };

/** Each role sees only its own screens; the first is its home. */
export const SCREENS: Record<Role, Screen[]> = {
  supplier: [
    { path: "orders", title: "Orders received", render: () => <SupplierOrders /> },
    { path: "invoices", title: "Invoices & financing", render: (p) => <SupplierInvoices focus={p[0]} /> },
    { path: "one-stop", title: "One-stop financing", render: () => <OneStop /> },
    { path: "credit", title: "Credit profile", render: () => <CreditProfile /> },
    balances,
    disputes,
    analytics,
  ],
  buyer: [
    { path: "orders", title: "Purchase orders", render: () => <BuyerOrders /> },
    { path: "invoices", title: "Invoices to settle", render: () => <BuyerInvoices /> },
    { path: "payables", title: "What we owe", render: () => <Payables /> },
    balances,
    disputes,
    analytics,
  ],
  officer: [
    { path: "queue", title: "Financing queue", render: () => <Queue /> },
    { path: "request", title: "Request dossier", hidden: true, render: (p) => <Dossier id={p[0] ?? ""} /> },
    { path: "policy", title: "Policy", render: () => <PolicyEditor /> },
    { path: "portfolio", title: "Portfolio", render: () => <Portfolio /> },
    analytics,
  ],
  auditor: [explorer, balances, analytics],
  operator: [explorer, balances, analytics],
};
