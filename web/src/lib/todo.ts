import { api, call } from "../api/client";
import { listFinancing, listInvoices, listOrders } from "../api/queries";
import type { Me } from "../api/types";
import { useResource } from "./hooks";

/** What waits for the signed-in user, per screen path: the counts on the tabs. */
export type Todo = Partial<Record<string, number>>;

async function countsFor(me: Me): Promise<Todo> {
  const disputes = async () => {
    const page = await call(api.GET("/api/v1/disputes"));
    return page.items.filter((d) => d.status === "open" && d.assignedOrgId === me.org.id).length;
  };
  const mine = me.user.address.toLowerCase();
  switch (me.user.role) {
    case "officer": {
      const [requested, approved] = await Promise.all([
        listFinancing({ status: "requested", bankOrgId: me.org.id }),
        listFinancing({ status: "approved", bankOrgId: me.org.id }),
      ]);
      // A request this officer has already approved waits for someone else, not for them.
      const waiting = requested.filter((r) => !r.approvals.some((a) => a.officer.toLowerCase() === mine)).length;
      return { queue: waiting + approved.length };
    }
    case "buyer": {
      const [invoices, open] = await Promise.all([listInvoices({ status: "issued" }), disputes()]);
      return { invoices: invoices.length, disputes: open };
    }
    case "supplier": {
      const [orders, open] = await Promise.all([listOrders({ status: "issued" }), disputes()]);
      return { orders: orders.length, disputes: open };
    }
    default:
      return {};
  }
}

/** The to-do counts, refreshed with every other query when the ledger changes; the desk's tab counts unread notifications. */
export function useTodo(me: Me): Todo {
  return useResource(async () => {
    const [counts, unread] = await Promise.all([countsFor(me), call(api.GET("/api/v1/notifications/unread-count")).then((c) => c.unread)]);
    return { ...counts, desk: unread };
  }, [me.user.id, "todo"]).data ?? {};
}
