import { route } from "../http/route";
import { z } from "zod";
import { readDocument, storeDocument, verifyDocument } from "./service";
import { DocumentCheck, StoredDocument, UploadQuery } from "./schemas";

const DocumentParams = z
  .object({ hash: z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be a document's SHA-256 (0x and 64 hex digits)") })
  .strict();

export const documentRoutes = [
  route({
    method: "post",
    path: "/documents",
    operationId: "uploadDocument",
    summary:
      "Upload a document (raw body, ≤ 10 MiB, within your organisation's quota; its file name as ?name=); returns its SHA-256 to anchor on-chain",
    tag: "documents",
    roles: "any",
    rawBody: "application/octet-stream",
    query: UploadQuery,
    response: StoredDocument,
    errors: [403],
    handler: async (ctx) => storeDocument(ctx.services, ctx.actor, ctx.rawBody, ctx.query.name?.normalize("NFC")),
  }),

  route({
    method: "post",
    path: "/documents/verify",
    operationId: "verifyDocument",
    summary:
      "Which anchored orders and invoices carry this file's SHA-256 (raw body, ≤ 10 MiB), within your scope; the file is not stored",
    tag: "documents",
    roles: "any",
    rawBody: "application/octet-stream",
    response: DocumentCheck,
    status: 200,
    errors: [],
    handler: async (ctx) => verifyDocument(ctx.services, ctx.actor, ctx.rawBody),
  }),
  route({
    method: "get",
    path: "/documents/:hash",
    operationId: "getDocument",
    summary:
      "Open a stored document (its uploader's organisation, or a party or auditor of an order or invoice anchoring its hash); re-hashed as it is read",
    tag: "documents",
    roles: "any",
    params: DocumentParams,
    when: (p) => p.hash !== "verify",
    response: {
      raw: {
        "application/pdf": null,
        "image/png": null,
        "image/jpeg": null,
        "text/plain": null,
        "application/octet-stream": null,
      },
      description: "The document's bytes, served inline with its SHA-256 in x-document-sha256",
    },
    errors: [404],
    handler: async (ctx) => {
      const d = readDocument(ctx.services, ctx.actor, ctx.params.hash);
      const res = ctx.res;
      res.status(200);
      res.setHeader("content-type", d.type);
      // The name as given (RFC 6266 filename*, so Chinese names survive), with an ASCII stand-in for old clients.
      const ascii = d.filename.replace(/[^\x20-\x7e]|["\\]/g, "_");
      res.setHeader("content-disposition", `inline; filename="${ascii}"; filename*=UTF-8''${rfc5987(d.filename)}`);
      res.setHeader("x-document-sha256", d.sha256);
      res.setHeader("x-content-type-options", "nosniff");
      res.setHeader("cache-control", "private, no-store");
      // A PDF or image opens in the browser but runs nothing: no scripts, no plugins, nothing framed.
      res.setHeader(
        "content-security-policy",
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
      );
      res.end(d.body);
    },
  }),
];

/** A value for filename*= (RFC 5987): percent-encoded UTF-8, with the characters encodeURIComponent leaves but RFC 5987 does not allow. */
function rfc5987(v: string): string {
  return encodeURIComponent(v).replace(/['()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
}
