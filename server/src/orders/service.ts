import { ZeroHash } from "ethers";
import { commit } from "../commitments/service";
import type { z } from "zod";
import type { IdempotencyStep } from "../chain/ledger-client";
import type { Services } from "../services";
import { badRequest } from "../shared/errors";
import { toMinor } from "../shared/money";
import type { Actor } from "../app/actor";
import { actOn, eventArg, toUnixSeconds, writeThenRead, type Target } from "../app/write";
import type { Order } from "./repo";
import type { CreateOrder } from "./schemas";

const orders = (s: Services, a: Actor): Target<Order> => ({ label: "Order", read: (id) => s.read.getOrder(id, a.scope) });

/** Issues a purchase order to a supplier, as the buyer; the due date must be in the future. */
export async function issueOrder(s: Services, actor: Actor, idem: IdempotencyStep | undefined, input: z.infer<typeof CreateOrder>) {
  const due = toUnixSeconds(input.dueDate);
  if (due <= Date.now() / 1000) throw badRequest("The due date must be in the future.");
  const args = [input.supplierOrgId, s.ledger.addresses.token, toMinor(input.amount), due, commit(s.gdb, "order", "reference", input.reference), input.documentHash ?? ZeroHash];
  return writeThenRead(s, actor, idem, { target: "ledger", fn: "issueOrder", args }, eventArg("OrderIssued", "orderId"), (id) => orders(s, actor).read(id));
}

export type OrderAction = "accept" | "reject" | "cancel";
const FN: Record<OrderAction, string> = { accept: "acceptOrder", reject: "rejectOrder", cancel: "cancelOrder" };

/**
 * Accepts or rejects an order (its supplier) or cancels it before acceptance (its buyer). A rejection's note goes on
 * the chain only as a salted commitment (zero when there is none).
 */
export async function actOnOrder(s: Services, actor: Actor, idem: IdempotencyStep | undefined, id: string, action: OrderAction, reasonCode = 0, note?: string) {
  const args = action === "reject" ? [reasonCode, note ? commit(s.gdb, "order", "reject_note", note) : ZeroHash] : [];
  return actOn(s, actor, idem, orders(s, actor), id, FN[action], args);
}
