import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import { authenticator } from "otplib";
import { apiClient, startPlatform, type Platform } from "../helpers/platform";
import { contractOf } from "../../scripts/lib/contract";
import { SessionBody } from "../../server/src/sessions/schemas";
import { IssuedToken, TokenList, TokenRecord } from "../../server/src/tokens/schemas";

// People and credentials over HTTP: sign-in sessions with CSRF, lockout, TOTP, API tokens, deactivation and
// organisation suspension, against the real gateway and a real chain.

type Reply = { status: number; body: any; headers: Headers }; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * A browser-like client: keeps the session cookie it was given and sends the CSRF token on writes. Every response it
 * receives is checked against /openapi.json, as the shared apiClient checks its own.
 */
function browser(baseUrl: string) {
  let cookie: string | undefined;
  let csrf: string | undefined;
  const call = async (method: string, p: string, body?: unknown, opts: { csrf?: boolean } = {}): Promise<Reply> => {
    const res = await fetch(`${baseUrl}/api/v1${p}`, {
      method,
      headers: {
        ...(cookie ? { cookie } : {}),
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
        ...(csrf && opts.csrf !== false && method !== "GET" ? { "x-csrf-token": csrf } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const json = text ? JSON.parse(text) : undefined;
    const broken = (await contractOf(baseUrl)).check(method, `/api/v1${p}`, res.status, res.headers.get("content-type"), json);
    if (broken.length) throw new Error(`The response breaks the API contract (/openapi.json):\n  ${broken.join("\n  ")}\n${text.slice(0, 2000)}`);
    return { status: res.status, body: json, headers: res.headers };
  };
  return {
    call,
    async signIn(username: string, password: string, totp?: string): Promise<Reply> {
      const r = await call("POST", "/sessions", { username, password, ...(totp ? { totp } : {}) });
      const set = r.headers.get("set-cookie");
      if (r.status === 201 && set) {
        cookie = set.split(";")[0];
        csrf = r.body.csrfToken;
      }
      return r;
    },
    get cookie() {
      return cookie;
    },
  };
}

describe("people and credentials", function () {
  this.timeout(240_000);
  let p: Platform;
  let operator: ReturnType<typeof apiClient>;
  let run = 0;

  before(async () => {
    p = await startPlatform({ chain: "hardhat" });
    operator = apiClient(p.baseUrl, p.credentials.users.operator.token);
    // The failed-authentication limit has its own test at the end; the others must not trip it.
    p.gateway.services.config.auth.authFailuresPerMinute = 10_000;
  });
  after(async () => {
    await p?.stop();
  });

  /** A new user of an organisation, with a password set through their first token. */
  async function newUser(orgId: string, role: string, password = "correct horse battery") {
    const name = `u${++run}-${Date.now() % 1e6}`;
    const created = await operator("POST", "/users", { orgId, name, role });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const api = apiClient(p.baseUrl, created.body.token);
    const set = await api("PUT", "/users/me/password", { newPassword: password });
    expect(set.status, JSON.stringify(set.body)).to.equal(200);
    return { id: created.body.user.id as string, name, password, token: created.body.token as string, address: created.body.user.address as string, api };
  }

  describe("POST /sessions", () => {
    it("signs a demo user in with an HttpOnly, SameSite=Strict session cookie and answers user, org and csrfToken", async () => {
      const u = p.credentials.users.officer1;
      const b = browser(p.baseUrl);
      const r = await b.signIn(u.username, u.password);
      expect(r.status, JSON.stringify(r.body)).to.equal(201);
      const cookie = r.headers.get("set-cookie")!;
      expect(cookie).to.match(/^trellis_session=[A-Za-z0-9_-]{43};/);
      expect(cookie).to.include("HttpOnly").and.include("SameSite=Strict").and.include("Path=/");
      expect(r.body.user).to.include({ name: "officer1", role: "officer", orgId: p.credentials.orgs.bankA, isAdmin: true, totpEnabled: false });
      expect(r.body.org).to.include({ id: p.credentials.orgs.bankA, name: "Bank A", kind: "bank" });
      expect(r.body.csrfToken).to.match(/^[A-Za-z0-9_-]{43}$/);
      expect(SessionBody.strict().safeParse(r.body).success, "the answer matches its documented schema").to.equal(true);
      const me = await b.call("GET", "/me");
      expect(me.status).to.equal(200);
      expect(me.body.user).to.include({ name: "officer1" });
      const current = await b.call("GET", "/sessions/current");
      expect(current.status).to.equal(200);
      expect(current.body.csrfToken).to.equal(r.body.csrfToken);
    });

    it("refuses a cookie-authenticated write without the CSRF header, and accepts it with the header", async () => {
      const u = p.credentials.users.supplier;
      const b = browser(p.baseUrl);
      expect((await b.signIn(u.username, u.password)).status).to.equal(201);
      const without = await b.call("POST", "/tokens", { name: "csrf-less", expiresInDays: 1 }, { csrf: false });
      expect(without.status).to.equal(403);
      expect(without.body.error.code).to.equal("CSRF_TOKEN_INVALID");
      const wrong = await apiClient(p.baseUrl)("POST", "/tokens", { name: "forged", expiresInDays: 1 }, { cookie: b.cookie!, "x-csrf-token": "A".repeat(43) });
      expect(wrong.status).to.equal(403);
      expect(wrong.body.error.code).to.equal("CSRF_TOKEN_INVALID");
      const ok = await b.call("POST", "/tokens", { name: "with-csrf", expiresInDays: 1 });
      expect(ok.status, JSON.stringify(ok.body)).to.equal(201);
      // A bearer-token write needs no CSRF token.
      const bearer = await apiClient(p.baseUrl, u.token)("POST", "/tokens", { name: "bearer", expiresInDays: 1 });
      expect(bearer.status).to.equal(201);
    });

    it("signs out: DELETE /sessions/current ends the session and clears the cookie", async () => {
      const u = p.credentials.users.auditor;
      const b = browser(p.baseUrl);
      await b.signIn(u.username, u.password);
      const out = await b.call("DELETE", "/sessions/current");
      expect(out.status).to.equal(200);
      expect(out.body).to.deep.equal({ signedOut: true });
      expect(out.headers.get("set-cookie")).to.match(/^trellis_session=; .*Max-Age=0/);
      const after = await b.call("GET", "/me");
      expect(after.status).to.equal(401);
      expect(after.body.error.code).to.equal("UNAUTHENTICATED");
    });

    it("answers an unknown username and a wrong password alike (no user enumeration)", async () => {
      const unknown = await browser(p.baseUrl).signIn(`nobody-${Date.now()}`, "whatever-password");
      const wrong = await browser(p.baseUrl).signIn("buyer", "not-the-password");
      expect(unknown.status).to.equal(401);
      expect(wrong.status).to.equal(401);
      expect(unknown.body).to.deep.equal(wrong.body);
      expect(wrong.body.error.code).to.equal("INVALID_CREDENTIALS");
      expect(wrong.headers.get("set-cookie")).to.equal(null);
    });

    it("locks a username out after 5 failures, even for the right password, and answers the same for an unknown name", async () => {
      const u = await newUser(p.credentials.orgs.acme, "buyer");
      const b = browser(p.baseUrl);
      for (let i = 0; i < 4; i++) expect((await b.signIn(u.name, "wrong password")).status).to.equal(401);
      const fifth = await b.signIn(u.name, "wrong password");
      expect(fifth.status).to.equal(429);
      expect(fifth.body.error.code).to.equal("LOGIN_LOCKED");
      const right = await b.signIn(u.name, u.password);
      expect(right.status).to.equal(429);
      expect(right.body.error.code).to.equal("LOGIN_LOCKED");
      expect(Number(right.headers.get("retry-after"))).to.be.within(800, 900);
      const ghost = `ghost-${Date.now()}`;
      for (let i = 0; i < 4; i++) await b.signIn(ghost, "x");
      expect((await b.signIn(ghost, "x")).body.error.code).to.equal("LOGIN_LOCKED");
      // The API token still works: the lockout guards the password, not the machine credentials.
      expect((await u.api("GET", "/me")).status).to.equal(200);
    });
  });

  describe("PUT /users/me/password", () => {
    it("needs the current password once one is set, and signs out the user's other sessions", async () => {
      const u = await newUser(p.credentials.orgs.pearl, "supplier");
      const first = browser(p.baseUrl);
      const second = browser(p.baseUrl);
      expect((await first.signIn(u.name, u.password)).status).to.equal(201);
      expect((await second.signIn(u.name, u.password)).status).to.equal(201);
      const without = await first.call("PUT", "/users/me/password", { newPassword: "a brand new passphrase" });
      expect(without.status).to.equal(401);
      expect(without.body.error.code).to.equal("INVALID_CREDENTIALS");
      const short = await first.call("PUT", "/users/me/password", { currentPassword: u.password, newPassword: "short" });
      expect(short.status).to.equal(400);
      const changed = await first.call("PUT", "/users/me/password", { currentPassword: u.password, newPassword: "a brand new passphrase" });
      expect(changed.status, JSON.stringify(changed.body)).to.equal(200);
      expect((await first.call("GET", "/me")).status).to.equal(200);
      expect((await second.call("GET", "/me")).status).to.equal(401);
      expect((await browser(p.baseUrl).signIn(u.name, u.password)).status).to.equal(401);
      expect((await browser(p.baseUrl).signIn(u.name, "a brand new passphrase")).status).to.equal(201);
    });
  });

  describe("TOTP second factor", () => {
    it("enrols an officer (URI once, confirmed with a code), then requires a fresh code at sign-in", async () => {
      const u = p.credentials.users.officer2;
      const api = apiClient(p.baseUrl, u.token);
      const enrol = await api("POST", "/users/me/totp");
      expect(enrol.status, JSON.stringify(enrol.body)).to.equal(201);
      expect(enrol.body.otpauthUri).to.match(/^otpauth:\/\/totp\/Trellis:officer2\?secret=[A-Z2-7]+/);
      const secret = new URL(enrol.body.otpauthUri).searchParams.get("secret")!;
      // Before confirmation sign-in does not ask for a code.
      expect((await browser(p.baseUrl).signIn(u.username, u.password)).status).to.equal(201);
      const bad = await api("POST", "/users/me/totp/confirm", { code: "000000" === authenticator.generate(secret) ? "111111" : "000000" });
      expect(bad.status).to.equal(400);
      expect(bad.body.error.code).to.equal("TOTP_INVALID");
      const ok = await api("POST", "/users/me/totp/confirm", { code: authenticator.generate(secret) });
      expect(ok.status, JSON.stringify(ok.body)).to.equal(201);
      expect(ok.body).to.deep.equal({ totpEnabled: true });
      expect((await api("POST", "/users/me/totp")).body.error.code).to.equal("TOTP_ALREADY_ENABLED");

      const missing = await browser(p.baseUrl).signIn(u.username, u.password);
      expect(missing.status).to.equal(401);
      expect(missing.body.error.code).to.equal("TOTP_REQUIRED");
      // The code used for confirmation is spent; the next step's code (within the drift window) is accepted once.
      const next = authenticator.clone({ epoch: Date.now() + 30_000 }).generate(secret);
      const signed = await browser(p.baseUrl).signIn(u.username, u.password, next);
      expect(signed.status, JSON.stringify(signed.body)).to.equal(201);
      expect(signed.body.user.totpEnabled).to.equal(true);
      const replay = await browser(p.baseUrl).signIn(u.username, u.password, next);
      expect(replay.status).to.equal(401);
      expect(replay.body.error.code).to.equal("INVALID_CREDENTIALS");
    });

    it("is for officers and admins only", async () => {
      const clerk = await newUser(p.credentials.orgs.pearl, "supplier");
      const r = await clerk.api("POST", "/users/me/totp");
      expect(r.status).to.equal(403);
      expect(r.body.error.code).to.equal("FORBIDDEN");
    });
  });

  describe("API tokens", () => {
    it("issues a token shown once, lists it without the secret, and revokes it (then 401)", async () => {
      const buyer = apiClient(p.baseUrl, p.credentials.users.buyer.token);
      const created = await buyer("POST", "/tokens", { name: "erp export", expiresInDays: 30 });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      expect(created.body.id).to.match(/^tok_[0-9a-f]{16}$/);
      expect(created.body.token).to.match(/^trl_/);
      IssuedToken.strict().parse(created.body);
      expect(Date.parse(created.body.expiresAt) - Date.now()).to.be.closeTo(30 * 86_400_000, 60_000);
      const machine = apiClient(p.baseUrl, created.body.token);
      expect((await machine("GET", "/me")).body.user.name).to.equal("buyer");

      const list = await buyer("GET", "/tokens");
      expect(list.status).to.equal(200);
      TokenList.parse(list.body);
      const mine = list.body.items.find((t: { id: string }) => t.id === created.body.id);
      expect(mine).to.include({ name: "erp export", status: "active", revokedAt: null });
      expect(JSON.stringify(list.body)).not.to.include(created.body.token);
      // The demo token became an API token with an expiry of a year.
      const initial = list.body.items.find((t: { name: string }) => t.name === "initial");
      expect(Date.parse(initial.expiresAt) - Date.now()).to.be.closeTo(365 * 86_400_000, 86_400_000);

      const revoked = await buyer("DELETE", `/tokens/${created.body.id}`);
      expect(revoked.status).to.equal(200);
      expect(revoked.body).to.include({ id: created.body.id, status: "revoked" });
      TokenRecord.strict().parse(revoked.body);
      const after = await machine("GET", "/me");
      expect(after.status).to.equal(401);
      expect(after.body.error.code).to.equal("UNAUTHENTICATED");
    });

    it("answers 401 for an expired token and refuses lifetimes over 365 days", async () => {
      const supplier = apiClient(p.baseUrl, p.credentials.users.supplier.token);
      const created = await supplier("POST", "/tokens", { name: "short", expiresInDays: 1 });
      expect((await apiClient(p.baseUrl, created.body.token)("GET", "/me")).status).to.equal(200);
      // Move its expiry into the past, as a day passing would.
      p.gateway.services.gdb.prepare("UPDATE api_tokens SET expires_at = ? WHERE id = ?").run(new Date(Date.now() - 1000).toISOString(), created.body.id);
      const expired = await apiClient(p.baseUrl, created.body.token)("GET", "/me");
      expect(expired.status).to.equal(401);
      const listed = (await supplier("GET", "/tokens")).body.items.find((t: { id: string }) => t.id === created.body.id);
      expect(listed.status).to.equal("expired");
      const tooLong = await supplier("POST", "/tokens", { name: "forever", expiresInDays: 366 });
      expect(tooLong.status).to.equal(400);
      expect(tooLong.body.error.code).to.equal("VALIDATION_FAILED");
    });

    it("lets an organisation's admin revoke its people's tokens, and hides other organisations' tokens", async () => {
      const clerk = await newUser(p.credentials.orgs.acme, "buyer");
      const admin = apiClient(p.baseUrl, p.credentials.users.buyer.token);
      const theirs = await admin("GET", `/tokens?userId=${clerk.id}`);
      expect(theirs.status).to.equal(200);
      expect(theirs.body.items).to.have.length(1);
      const outsider = apiClient(p.baseUrl, p.credentials.users.supplier.token);
      expect((await outsider("GET", `/tokens?userId=${clerk.id}`)).status).to.equal(404);
      const probe = await outsider("DELETE", `/tokens/${theirs.body.items[0].id}`);
      expect(probe.status).to.equal(404);
      expect((await clerk.api("GET", "/me")).status).to.equal(200);
      // A non-admin cannot list or revoke a colleague's tokens.
      const colleague = await newUser(p.credentials.orgs.acme, "buyer");
      expect((await colleague.api("DELETE", `/tokens/${theirs.body.items[0].id}`)).status).to.equal(404);
      const revoked = await admin("DELETE", `/tokens/${theirs.body.items[0].id}`);
      expect(revoked.status).to.equal(200);
      expect((await clerk.api("GET", "/me")).status).to.equal(401);
    });
  });

  describe("POST /users/{id}/deactivate", () => {
    it("ends the person's sessions and tokens at once and removes the on-chain membership", async () => {
      const clerk = await newUser(p.credentials.orgs.acme, "buyer");
      const b = browser(p.baseUrl);
      expect((await b.signIn(clerk.name, clerk.password)).status).to.equal(201);
      const ledger = p.gateway.services.ledger;
      expect(String(await ledger.read("ledger", "orgOf", [clerk.address]))).to.equal(p.credentials.orgs.acme);

      // Not a colleague's to do, nor another organisation's admin's.
      const colleague = await newUser(p.credentials.orgs.acme, "buyer");
      const refused = await colleague.api("POST", `/users/${clerk.id}/deactivate`);
      expect(refused.status).to.equal(403);
      expect(refused.body.error.code).to.equal("FORBIDDEN");
      const outsider = await apiClient(p.baseUrl, p.credentials.users.supplier.token)("POST", `/users/${clerk.id}/deactivate`);
      expect(outsider.status).to.equal(404);
      const admin = apiClient(p.baseUrl, p.credentials.users.buyer.token);
      const adminId = (await admin("GET", "/tokens")).body.items[0].userId;
      const self = await admin("POST", `/users/${adminId}/deactivate`);
      expect(self.status).to.equal(409);
      expect(self.body.error.code).to.equal("CANNOT_DEACTIVATE_SELF");

      const r = await admin("POST", `/users/${clerk.id}/deactivate`);
      expect(r.status, JSON.stringify(r.body)).to.equal(201);
      expect(r.body).to.deep.include({ sessionsEnded: 1, tokensRevoked: 1, membership: "removed" });
      expect(r.body.user).to.include({ id: clerk.id, name: clerk.name });
      expect(r.body.user.deactivatedAt).to.be.a("string");
      expect((await b.call("GET", "/me")).status).to.equal(401);
      expect((await clerk.api("GET", "/me")).status).to.equal(401);
      const again = await browser(p.baseUrl).signIn(clerk.name, clerk.password);
      expect(again.status).to.equal(401);
      expect(again.body.error.code).to.equal("INVALID_CREDENTIALS");
      expect(String(await ledger.read("ledger", "orgOf", [clerk.address]))).to.equal("0");
    });
  });

  describe("organisation suspension", () => {
    it("suspends and reinstates an organisation on the ledger (operator only), through the API and the CLI", async () => {
      const org = await operator("POST", "/orgs", { kind: "supplier", name: `Delta Castings ${Date.now() % 1e6}` });
      expect(org.status).to.equal(201);
      const supplier = apiClient(p.baseUrl, p.credentials.users.supplier.token);
      expect((await supplier("POST", `/orgs/${org.body.id}/suspend`)).status).to.equal(403);
      const s = await operator("POST", `/orgs/${org.body.id}/suspend`);
      expect(s.status, JSON.stringify(s.body)).to.equal(201);
      expect(s.body).to.include({ id: org.body.id, status: "suspended" });
      expect(s.body.txHash).to.match(/^0x[0-9a-f]{64}$/);
      const twice = await operator("POST", `/orgs/${org.body.id}/suspend`);
      expect(twice.status).to.equal(409);
      expect(twice.body.error.code).to.equal("INVALID_STATUS");
      expect(((await ledger()).status as bigint).toString()).to.equal("2"); // OrgStatus.Suspended

      const cli = await promisify(execFile)(
        process.execPath,
        ["-r", "ts-node/register/transpile-only", "scripts/admin.ts", "org", "reinstate", "--id", org.body.id, "--url", p.baseUrl, "--token", p.credentials.users.operator.token],
        { cwd: path.resolve(__dirname, "..", ".."), env: { ...process.env, TRELLIS_DATA_DIR: p.dataDir } },
      );
      expect(JSON.parse(cli.stdout)).to.include({ id: org.body.id, status: "active" });
      expect(((await ledger()).status as bigint).toString()).to.equal("1"); // OrgStatus.Active
      const unknown = await operator("POST", "/orgs/999999/suspend");
      expect(unknown.status).to.equal(404);

      async function ledger() {
        return (await p.gateway.services.ledger.read("ledger", "organization", [org.body.id])) as { status: bigint };
      }
    });
  });
});
