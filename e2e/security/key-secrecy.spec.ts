// The OpenRouter key lives on the server and nowhere else: not in any built client asset, not in any
// page, not in any API response seen during the e2e run (the response recorder fails the test that
// sees one), not in the server's log. The auth secret and password hashes get the same treatment.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { E2E_OPENROUTER_KEY } from "../fixtures/constants";
import { responseRecorder } from "../fixtures/response-recorder";
import { routeMatrix, ROLES, type Role, type World } from "./route-matrix";
import { discoverPages, distDir, newId, type Client } from "./support";
import { expect, plantOwnerWorld, test, type SecurityApp } from "./world";

let app: SecurityApp;
let clients: Record<Role, Client>;
let world: World;

test.beforeAll(async ({ securityApp }) => {
  test.setTimeout(120_000);
  app = securityApp;
  ({ world, clients } = await plantOwnerWorld(securityApp));
});

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full) : [full];
  });
}

/**
 * Strings only server-only modules contain: finding one in a client chunk means server code (and
 * with it the env module that holds the key) was bundled for the browser.
 */
const SERVER_ONLY_SIGNATURES = [
  "rejected the server's API key", // lib/openrouter/errors.ts
  "switchboard-timing-equaliser", // lib/auth/password.ts
  "switchboard.lock", // lib/db/pglite-lock.ts
  "pg_advisory_xact_lock", // lib/db
  "FOR UPDATE SKIP LOCKED", // lib/spend/settlement.ts
  "OPENROUTER PROCESSING", // the local OpenRouter
  "auth-secret", // lib/env/index.ts
];

test("no built client asset contains the key, an auth secret, or server-only code", () => {
  const staticDir = path.join(distDir(), "static");
  const all = files(staticDir);
  expect(all.length, `files under ${staticDir}`).toBeGreaterThan(5);
  const recorder = responseRecorder();
  const problems: string[] = [];
  for (const file of all) {
    const text = readFileSync(file, "latin1");
    problems.push(...recorder.scan(text).map((secret) => `${path.relative(distDir(), file)}: ${secret}`));
    if (/OPENROUTER_API_KEY\s*[:=]\s*["'`]/.test(text)) problems.push(`${file}: an inlined OPENROUTER_API_KEY`);
    for (const signature of SERVER_ONLY_SIGNATURES) {
      if (text.includes(signature)) problems.push(`${path.relative(distDir(), file)}: server-only code (${signature})`);
    }
  }
  expect(problems).toEqual([]);
});

test("nothing outside /_next/static is served from the build or the data folder", async () => {
  const probes = [
    "/_next/static/..%2Fserver%2Fserver-reference-manifest.json",
    "/_next/static/%2e%2e/server/app-paths-manifest.json",
    "/_next/static/..%2F..%2F.env",
    "/_next/server/server-reference-manifest.json",
    "/.next/BUILD_ID",
    "/.env",
    "/.env.local",
    "/data/auth-secret",
    "/auth-secret",
    "/package.json",
    "/_next/image?url=%2Fapi%2Fconversations&w=64&q=75",
  ];
  for (const probe of probes) {
    const reply = await clients.owner.get(probe, { maxRedirects: 0 });
    const what = `${probe} → ${reply.status} ${reply.text.slice(0, 120)}`;
    expect(reply.text.includes("encryptionKey"), what).toBe(false);
    expect(reply.text.includes('"dependencies"'), what).toBe(false);
    expect(reply.text.includes(world.marker), what).toBe(false);
    expect(reply.status, what).not.toBe(500);
  }
});

test("no page, for any visitor, carries a secret", async () => {
  const pages = discoverPages().map((p) => p.replace("[id]", world.conversationId));
  const before = responseRecorder().responses;
  for (const role of ROLES) {
    for (const page of pages) {
      const reply = await clients[role].get(page, { maxRedirects: 3 });
      expect(reply.status, `${role} ${page}`).toBeLessThan(500);
    }
  }
  expect(responseRecorder().responses - before).toBeGreaterThanOrEqual(pages.length * ROLES.length);
});

test("no API answer, for any role, carries a secret (every readable route of the matrix)", async () => {
  for (const [key, entry] of Object.entries(routeMatrix)) {
    const [method] = key.split(" ");
    if (method !== "GET") continue;
    for (const role of ROLES) {
      const spec = entry.request(role, world);
      await clients[role].get(spec.path);
    }
  }
  // Errors too: the upstream failing in every way it can.
  for (const directive of [
    "[[sb:error status=401]]",
    "[[sb:error status=402]]",
    "[[sb:error status=429 retry=2]]",
    "[[sb:error status=502]]",
    "[[sb:midstream-error after=3]]",
    "[[sb:malformed after=3 then=close]]",
    "[[sb:drop after=3]]",
  ]) {
    const reply = await clients.owner.chat(newId(), `secrets? ${directive}`);
    expect(reply.status).toBe(200);
  }
});

test("the server's log never prints the key or the auth secret", async () => {
  // Sign-in failures, refused requests and upstream errors all log something; none of it the key.
  await clients.anonymous.signIn({ email: "nobody@example.com", password: "wrong-password" });
  await clients.owner.post("/api/chat", { id: "../../etc", model: 5 });
  const log = app.app.output();
  expect(log.length, "the server printed something").toBeGreaterThan(0);
  expect(log.includes(E2E_OPENROUTER_KEY), "the key in the server log").toBe(false);
  const secret = readFileSync(path.join(app.dataDir, "auth-secret"), "utf8").trim();
  expect(log.includes(secret), "the auth secret in the server log").toBe(false);
  expect(/\$2[aby]\$\d\d\$/.test(log), "a password hash in the server log").toBe(false);
});

test("a personal API key is seen once, at its creation: never in a later response, a page, the admin's list or the server's log", async () => {
  const { owner, admin } = clients;
  const created = await owner.post("/api/account/keys", { name: "secrecy", keepLog: true });
  expect(created.status, created.text).toBe(201);
  const { key, apiKey } = created.json as { key: string; apiKey: { id: string; prefix: string } };
  const recorder = responseRecorder();
  recorder.forbid(key, "a personal API key");
  recorder.forbid(key.slice(apiKey.prefix.length), "the secret part of a personal API key");
  recorder.forbid(createHash("sha256").update(key).digest("hex"), "a personal API key's hash");
  const before = recorder.responses;
  const bearer = { authorization: `Bearer ${key}` };
  const body = { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: 'secrecy [[sb:say text="ok"]]' }], max_tokens: 20 };
  const statuses = [
    (await owner.send("POST", "/api/v1/chat/completions", { data: body, headers: bearer })).status,
    (await owner.send("POST", "/api/v1/chat/completions", { data: { ...body, stream: true }, headers: bearer })).status,
    (await owner.send("GET", "/api/v1/models", { headers: bearer })).status,
    // Refused in every way a key can be: each answer names no part of it.
    (await owner.send("POST", "/api/v1/chat/completions", { data: { ...body, model: "nobody/nothing-9000" }, headers: bearer })).status,
    (await owner.send("POST", "/api/v1/chat/completions", { data: body, headers: { authorization: `Bearer ${key}x` } })).status,
    (await owner.send("POST", "/api/v1/chat/completions", { data: body, headers: { authorization: `Basic ${key}` } })).status,
    (await owner.send("POST", "/api/v1/chat/completions", { data: body, headers: { "x-api-key": key } })).status,
    (await owner.send("GET", `/api/v1/models?key=${key}`)).status,
    // A key is not a session.
    (await clients.anonymous.send("GET", "/api/conversations", { headers: bearer })).status,
  ];
  expect(statuses).toEqual([200, 200, 200, 400, 401, 401, 401, 401, 401]);
  await owner.get("/api/account/keys");
  await owner.get(`/api/account/keys/${apiKey.id}/logs`);
  await owner.get(`/api/account/keys/${apiKey.id}/logs/export`);
  await owner.get("/account", { maxRedirects: 3 });
  await admin.get("/api/admin/keys");
  await admin.get("/admin", { maxRedirects: 3 });
  expect(recorder.responses - before).toBeGreaterThanOrEqual(15);
  const log = app.app.output();
  expect(log.includes(key.slice(apiKey.prefix.length)), "a personal key in the server log").toBe(false);
});

test("the whole run so far: responses were recorded and none carried a secret", () => {
  const recorder = responseRecorder();
  expect(recorder.responses).toBeGreaterThan(100);
  expect(recorder.findings).toEqual([]);
});
