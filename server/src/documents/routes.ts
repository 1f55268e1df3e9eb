import { route } from "../http/route";
import { storeDocument, verifyDocument } from "./service";
import { DocumentCheck, StoredDocument } from "./schemas";

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

  route({
    method: "post",
    path: "/documents/verify",
    operationId: "verifyDocument",
    summary: "Which anchored orders and invoices carry this file's SHA-256 (raw body, ≤ 10 MiB), within your scope; the file is not stored",
    tag: "documents",
    roles: "any",
    rawBody: "application/octet-stream",
    response: DocumentCheck,
    status: 200,
    errors: [],
    handler: async (ctx) => verifyDocument(ctx.services, ctx.actor, ctx.rawBody),
  }),
];
