import { encodeBytes32String, ZeroHash } from "ethers";
import { z } from "zod";
import { toMinor } from "../shared/money";
import { actOn, eventArg, toUnixSeconds, visible, writeThenRead } from "../http/write";
import { Amount, Cursor, DueDate, Hash, Id, IdParam, Limit, route } from "../http/route";
import { badRequest } from "../http/errors";

const Reference = z.string().min(1).max(31).regex(/^[\x20-\x7E]+$/, "must be printable ASCII (at most 31 characters)");
const CreateOrder = z
  .object({ supplierOrgId: Id, amount: Amount, reference: Reference, dueDate: DueDate, documentHash: Hash.optional() })
  .strict();
const Reject = z.object({ reasonCode: z.number().int().min(0).max(65535).optional() }).strict();
const ListQuery = z
  .object({ status: z.enum(["issued", "accepted", "rejected", "cancelled"]).optional(), limit: Limit, cursor: Cursor })
  .strict();

export const orderRoutes = [
  route({
    method: "post",
    path: "/orders",
    summary: "Issue a purchase order to a supplier (buyer)",
    tag: "orders",
    roles: ["buyer"],
    body: CreateOrder,
    handler: async (ctx) => {
      const b = ctx.body as z.infer<typeof CreateOrder>;
      const due = toUnixSeconds(b.dueDate);
      if (due <= Date.now() / 1000) throw badRequest("The due date must be in the future.");
      return writeThenRead(
        ctx,
        "ledger",
        "issueOrder",
        [b.supplierOrgId, ctx.services.ledger.addresses.token, toMinor(b.amount), due, encodeBytes32String(b.reference), b.documentHash ?? ZeroHash],
        0,
        eventArg("OrderIssued", "orderId"),
        (id) => ctx.services.read.getOrder(id, ctx.scope),
      );
    },
  }),
  ...(["accept", "reject", "cancel"] as const).map((action) =>
    route({
      method: "post",
      path: `/orders/:id/${action}`,
      summary: action === "cancel" ? "Cancel an order before acceptance (buyer)" : `${action[0].toUpperCase()}${action.slice(1)} an order (supplier)`,
      tag: "orders",
      roles: action === "cancel" ? ["buyer"] : ["supplier"],
      params: IdParam,
      body: action === "reject" ? Reject : undefined,
      handler: async (ctx) => {
        const fn = { accept: "acceptOrder", reject: "rejectOrder", cancel: "cancelOrder" }[action];
        return actOn(ctx, "order", fn, action === "reject" ? [(ctx.body as z.infer<typeof Reject>).reasonCode ?? 0] : []);
      },
    }),
  ),
  route({
    method: "get",
    path: "/orders",
    summary: "List the orders your organisation is party to",
    tag: "orders",
    roles: "any",
    query: ListQuery,
    handler: async (ctx) => ctx.services.read.listOrders(ctx.query, ctx.scope),
  }),
  route({
    method: "get",
    path: "/orders/:id",
    summary: "One order",
    tag: "orders",
    roles: "any",
    params: IdParam,
    handler: async (ctx) => visible(ctx.services.read.getOrder(ctx.params.id, ctx.scope), `Order ${ctx.params.id}`),
  }),
];
