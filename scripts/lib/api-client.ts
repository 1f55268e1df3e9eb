import { contractOf } from "./contract";

/**
 * A small JSON client for the gateway's API. Every response it receives is checked against the gateway's own
 * /openapi.json (the status is documented for the operation, the body matches that status's schema); a response
 * that breaks the contract throws, so it fails whichever test received it. `{ contract: false }` turns that off for
 * load scripts that only want speed.
 */
export function apiClient(baseUrl: string, token?: string, opts: { contract?: boolean } = {}) {
  const checked = opts.contract !== false;
  return async (method: string, p: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${baseUrl}/api/v1${p}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- a test reads any field of any answer
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    if (checked) {
      const broken = (await contractOf(baseUrl)).check(method, `/api/v1${p}`, res.status, res.headers.get("content-type"), json);
      if (broken.length) throw new Error(`The response breaks the API contract (/openapi.json):\n  ${broken.join("\n  ")}\n${text.slice(0, 2000)}`);
    }
    return { status: res.status, body: json, headers: res.headers };
  };
}
