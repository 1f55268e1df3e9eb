import { IdParam } from "../http/schemas";
import { route } from "../http/route";
import { visible } from "../app/write";
import { actOnOrder, issueOrder, type OrderAction } from "./service";
import { CreateOrder, ListOrdersQuery, OrderPage, OrderRecord, RejectOrder, WrittenOrder } from "./schemas";

const action = (name: OrderAction, operationId: string, summary: string) =>
  route({
    method: "post",
    path: `/orders/:id/${name}`,
    operationId,
    summary,
    tag: "orders",
    roles: name === "cancel" ? ["buyer"] : ["supplier"],
    params: IdParam,
    response: WrittenOrder,
    errors: [404, 409, 422, 503],
    handler: async (ctx) => actOnOrder(ctx.services, ctx.actor, ctx.step(0), ctx.params.id, name),
  });

export const orderRoutes = [
  route({
    method: "post",
    path: "/orders",
    operationId: "issueOrder",
    summary: "Issue a purchase order to a supplier (buyer)",
    tag: "orders",
    roles: ["buyer"],
    body: CreateOrder,
    response: WrittenOrder,
    errors: [404, 409, 422, 503],
    handler: async (ctx) => issueOrder(ctx.services, ctx.actor, ctx.step(0), ctx.body),
  }),
  action("accept", "acceptOrder", "Accept an order (supplier)"),
  route({
    method: "post",
    path: "/orders/:id/reject",
    operationId: "rejectOrder",
    summary: "Reject an order (supplier)",
    tag: "orders",
    roles: ["supplier"],
    params: IdParam,
    body: RejectOrder,
    response: WrittenOrder,
    errors: [404, 409, 422, 503],
    handler: async (ctx) => actOnOrder(ctx.services, ctx.actor, ctx.step(0), ctx.params.id, "reject", ctx.body.reasonCode ?? 0, ctx.body.note),
  }),
  action("cancel", "cancelOrder", "Cancel an order before acceptance (buyer)"),
  route({
    method: "get",
    path: "/orders",
    operationId: "listOrders",
    summary: "List the orders your organisation is party to",
    tag: "orders",
    roles: "any",
    query: ListOrdersQuery,
    response: OrderPage,
    errors: [],
    handler: async (ctx) => ctx.services.read.listOrders(ctx.query, ctx.scope),
  }),
  route({
    method: "get",
    path: "/orders/:id",
    operationId: "getOrder",
    summary: "One order",
    tag: "orders",
    roles: "any",
    params: IdParam,
    response: OrderRecord,
    errors: [404],
    handler: async (ctx) => visible(ctx.services.read.getOrder(ctx.params.id, ctx.scope), `Order ${ctx.params.id}`),
  }),
];
