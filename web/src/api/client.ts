// The only way the console talks to the gateway: same origin, /api/v1. The session is an HttpOnly cookie the browser
// sends by itself (script never sees it); writes repeat the session's CSRF token, which lives in memory only, never
// in localStorage, and is fetched again from GET /sessions/current after a reload.

const BASE = "/api/v1";
const CSRF_HEADER = "X-CSRF-Token";
let csrfToken: string | null = null;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** Remembers (in memory) the CSRF token of the current session; null after signing out. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

function newKey(): string {
  // randomUUID exists only in secure contexts (https or localhost); fall back to 16 random bytes elsewhere.
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}

type Query = Record<string, string | number | undefined | null>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

interface RequestOptions {
  method?: string;
  body?: unknown;
  raw?: Blob | ArrayBuffer;
}

async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  let body: BodyInit | undefined;
  if (options.raw !== undefined) {
    headers["Content-Type"] = "application/octet-stream";
    body = options.raw;
  } else if (options.body !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(options.body);
  }
  const method = options.method ?? (body === undefined ? "GET" : "POST");
  if (method !== "GET" && csrfToken) headers[CSRF_HEADER] = csrfToken;
  // One key per user action makes a retry after a network failure safe (the gateway answers it only once).
  if (method === "POST") headers["Idempotency-Key"] = newKey();
  let response: Response;
  try {
    response = await fetch(`${BASE}${path}`, { method, headers, body, credentials: "same-origin" });
  } catch {
    throw new ApiError(0, "NETWORK_ERROR", "The gateway could not be reached.");
  }
  const text = await response.text();
  let data: unknown = undefined;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = text;
    }
  }
  if (!response.ok) {
    const error = (data as { error?: { code?: string; message?: string; details?: unknown } })?.error;
    throw new ApiError(
      response.status,
      error?.code ?? `HTTP_${response.status}`,
      error?.message ?? `The gateway answered ${response.status} ${response.statusText}.`,
      error?.details,
    );
  }
  return data as T;
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>(withQuery(path, query)),
  post: <T>(path: string, body: unknown = {}) => request<T>(path, { method: "POST", body }),
  put: <T>(path: string, body: unknown) => request<T>(path, { method: "PUT", body }),
  delete: <T>(path: string) => request<T>(path, { method: "DELETE" }),
  upload: <T>(path: string, raw: Blob | ArrayBuffer) => request<T>(path, { method: "POST", raw }),
  /** Fetches a non-JSON resource (CSV export) with the session cookie, for a download. */
  async download(path: string, query?: Query): Promise<Blob> {
    const response = await fetch(`${BASE}${withQuery(path, query)}`, { credentials: "same-origin" });
    if (!response.ok) {
      let code = `HTTP_${response.status}`;
      let message = `The gateway answered ${response.status}.`;
      try {
        const data = (await response.json()) as { error?: { code: string; message: string } };
        if (data.error) ({ code, message } = data.error);
      } catch {
        /* not JSON: keep the status line */
      }
      throw new ApiError(response.status, code, message);
    }
    return response.blob();
  },
};

/** Lists answer `{ items, nextCursor }`; some aggregate routes may answer a bare array. Accept both. */
export function itemsOf<T>(data: unknown): T[] {
  if (Array.isArray(data)) return data as T[];
  const items = (data as { items?: T[] })?.items;
  return Array.isArray(items) ? items : [];
}
