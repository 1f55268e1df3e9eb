import type { Request } from "express";
import { AppError } from "./errors";

export interface BodyLimits {
  /** The most bytes accepted; a declared Content-Length above it is refused before a byte is read. */
  limit: number;
  /** The longest the client may take to send the whole body. */
  timeoutMs: number;
}

/**
 * Reads a request body, called only after the request has been authenticated and authorised, so a stranger cannot
 * make the gateway buffer anything. Bounded in size (413, refused up front from Content-Length when it is declared)
 * and in time (408 when the body does not arrive in `timeoutMs`: a slow body cannot hold a connection open). Answers
 * undefined when the request has no body at all.
 */
export function readBody(req: Request, { limit, timeoutMs }: BodyLimits): Promise<Buffer | undefined> {
  const declared = req.headers["content-length"];
  if (declared === undefined && req.headers["transfer-encoding"] === undefined) return Promise.resolve(undefined);
  const encoding = (req.headers["content-encoding"] ?? "identity").toLowerCase();
  if (encoding !== "identity") return Promise.reject(new AppError("unsupported_media", "UNSUPPORTED_MEDIA_TYPE", "Send the body without Content-Encoding."));
  if (declared !== undefined && Number(declared) > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (err: AppError | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("close", onClose);
      if (err) {
        // Stop collecting; the error answer closes the connection and Node discards whatever still arrives.
        chunks.length = 0;
        reject(err);
      } else resolve(Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) finish(tooLarge(limit));
      else chunks.push(chunk);
    };
    const onEnd = () => finish(null);
    const onError = () => finish(new AppError("invalid", "BAD_REQUEST", "The request body could not be read."));
    const onClose = () => finish(new AppError("invalid", "BAD_REQUEST", "The connection closed before the request body was complete."));
    const timer = setTimeout(
      () => finish(new AppError("timeout", "REQUEST_TIMEOUT", `The request body did not arrive within ${timeoutMs / 1000} s.`)),
      timeoutMs,
    );
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("close", onClose);
  });
}

function tooLarge(limit: number): AppError {
  return new AppError("too_large", "PAYLOAD_TOO_LARGE", `The request body is larger than ${limit >= 1 << 20 ? `${limit / (1 << 20)} MiB` : `${limit / 1024} KiB`}.`);
}

/** Parses a JSON body: UTF-8, an object or array at the top (as body-parser's strict mode); empty means `{}`. */
export function parseJson(req: Request, raw: Buffer | undefined): unknown {
  const charset = /;\s*charset=([^;\s]+)/i.exec(req.headers["content-type"] ?? "")?.[1]?.toLowerCase().replace(/"/g, "");
  if (charset && charset !== "utf-8" && charset !== "utf8") throw new AppError("unsupported_media", "UNSUPPORTED_MEDIA_TYPE", "Send UTF-8 JSON.");
  if (!raw || raw.length === 0) return undefined;
  const text = raw.toString("utf8");
  const first = /\S/.exec(text)?.[0];
  if (first !== "{" && first !== "[") throw malformed();
  try {
    return JSON.parse(text);
  } catch {
    throw malformed();
  }
}

const malformed = () => new AppError("invalid", "MALFORMED_JSON", "The request body is not valid JSON.");
