import { route } from "../http/route";
import { storeDocument } from "./service";
import { StoredDocument } from "./schemas";

export const documentRoutes = [
  route({
    method: "post",
    path: "/documents",
    operationId: "uploadDocument",
    summary: "Upload a document (raw body, ≤ 10 MiB, within your organisation's quota); returns its SHA-256 to anchor on-chain",
    tag: "documents",
    roles: "any",
    rawBody: "application/octet-stream",
    response: StoredDocument,
    errors: [403],
    handler: async (ctx) => storeDocument(ctx.services, ctx.actor, ctx.rawBody),
  }),
];
