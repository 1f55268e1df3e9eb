import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { route } from "../http/route";
import { badRequest } from "../http/errors";

/** Documents stay off-chain, content-addressed by SHA-256 under <dataDir>/documents; the chain holds the hash. */
export const documentRoutes = [
  route({
    method: "post",
    path: "/documents",
    summary: "Upload a document (raw body, ≤ 10 MiB); returns its SHA-256 to anchor on-chain",
    tag: "documents",
    roles: "any",
    raw: true,
    handler: async (ctx) => {
      const body = ctx.req.body as Buffer;
      if (!Buffer.isBuffer(body) || body.length === 0) throw badRequest("Send the document as the raw request body.");
      const sha = crypto.createHash("sha256").update(body).digest("hex");
      const dir = path.join(ctx.services.config.dataDir, "documents");
      fs.mkdirSync(dir, { recursive: true });
      const file = path.join(dir, sha);
      if (!fs.existsSync(file)) {
        const tmp = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, body);
        fs.renameSync(tmp, file);
      }
      return { sha256: `0x${sha}`, size: body.length };
    },
  }),
];
