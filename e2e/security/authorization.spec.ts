// The authorization matrix: every API route and method (discovered from app/api at test time) ×
// {signed out, another user, admin, owner} → the expected status, and not one byte of the owner's
// data in anyone else's response. Server actions are discovered the same way and called directly.
import { builtServerActions, Client, discoverApiRoutes, discoverServerActions, newId, type Reply } from "./support";
import { routeMatrix, serverActionMatrix, ROLES, type Expected, type Role, type World } from "./route-matrix";
import { expect, plantOwnerWorld, test } from "./world";

const discovered = discoverApiRoutes();

test("every API route and method has an entry in the matrix, and every entry a route", () => {
  const keys = discovered.map((r) => `${r.method} ${r.path}`);
  expect(keys.length, "routes found under app/api").toBeGreaterThan(10);
  const missing = discovered.filter((r) => !(`${r.method} ${r.path}` in routeMatrix)).map((r) => `${r.method} ${r.path}  (${r.file})`);
  expect(missing, "routes without an entry in e2e/security/route-matrix.ts — add one saying who may call them").toEqual([]);
  const stale = Object.keys(routeMatrix).filter((k) => !keys.includes(k));
  expect(stale, "matrix entries whose route is gone").toEqual([]);
});

test("every exported server action has an entry, and the build serves exactly those", () => {
  const actions = discoverServerActions().map((a) => a.key);
  const missing = actions.filter((k) => !(k in serverActionMatrix));
  expect(missing, "server actions without an entry in serverActionMatrix").toEqual([]);
  expect(
    Object.keys(serverActionMatrix).filter((k) => !actions.includes(k)),
    "stale server action entries",
  ).toEqual([]);
  // The build's manifest lists what is callable; an action only reachable as a POST must be known here.
  const built = [...builtServerActions().keys()];
  expect(
    built.filter((k) => !(k in serverActionMatrix)),
    "actions in the build without an entry",
  ).toEqual([]);
});

let clients: Record<Role, Client>;
let world: World;

test.beforeAll(async ({ securityApp }) => {
  test.setTimeout(120_000);
  ({ world, clients } = await plantOwnerWorld(securityApp));
});

function accepts(expected: Expected, status: number): boolean {
  return typeof expected === "number" ? expected === status : expected.includes(status);
}

const errorTypeByStatus: Record<number, string> = { 400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found" };
/** OpenAI's error types for the same statuses (lib/gateway/errors.ts). */
const openAiTypeByStatus: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "invalid_request_error",
};

function describeReply(role: Role, reply: Reply): string {
  return `${role}: ${reply.method} ${reply.url} → ${reply.status} ${reply.text.slice(0, 300)}`;
}

for (const [key, entry] of Object.entries(routeMatrix)) {
  test(`${key} — ${entry.about}`, async () => {
    test.fail(Boolean(entry.knownBug), entry.knownBug);
    const method = key.split(" ")[0];
    for (const role of ROLES) {
      const spec = entry.request(role, world);
      const reply = await clients[role].send(method, spec.path, { data: spec.data, form: spec.form, body: spec.body, headers: spec.headers });
      const what = describeReply(role, reply);
      expect(accepts(entry.expect[role], reply.status), `expected ${JSON.stringify(entry.expect[role])} — ${what}`).toBe(true);
      const type = errorTypeByStatus[reply.status];
      if (type && key.startsWith(`${method} /api/v1/`)) {
        // The gateway answers in OpenAI's error shape, which unmodified clients read.
        expect(reply.json, `an OpenAI-shaped error — ${what}`).toMatchObject({
          error: { message: expect.any(String), type: openAiTypeByStatus[reply.status], code: expect.any(String), param: null },
        });
      } else if (type && key.startsWith(`${method} /api/`) && !key.includes("[...nextauth]")) {
        const code = (reply.json as { error?: { code?: string } } | undefined)?.error?.code ?? "";
        expect(code, `a JSON error of type ${type} — ${what}`).toMatch(new RegExp(`^${type}:[a-z_]+$`));
      }
      if (role === "owner") {
        if (entry.ownerSeesMarker) expect(reply.text, `the owner's own data — ${what}`).toContain(world.marker);
      } else {
        expect(reply.text.includes(world.marker), `the owner's marker leaked — ${what}`).toBe(false);
        expect(JSON.stringify(reply.headers).includes(world.marker), `the owner's marker leaked in headers — ${what}`).toBe(false);
      }
    }
  });
}

test("another user's estimate for the owner's conversation is priced as a new chat: its context stays secret", async () => {
  const body = (conversationId: string) => ({ conversationId, model: "openai/gpt-4o-mini", text: "hi" });
  const own = await clients.owner.post("/api/spend/estimate", body(world.conversationId));
  const fresh = await clients.other.post("/api/spend/estimate", body(newId()));
  const probe = await clients.other.post("/api/spend/estimate", body(world.conversationId));
  const tokens = (r: Reply) => (r.json as { promptTokens: number }).promptTokens;
  expect(tokens(own)).toBeGreaterThan(tokens(fresh));
  expect(tokens(probe)).toBe(tokens(fresh));
});

test("a conversation id taken by someone else cannot be claimed, renamed or read through any route", async () => {
  // Posting to the owner's id must not create a conversation of the intruder's under that id.
  const intrusion = await clients.other.chat(world.conversationId, "let me in [[sb:say text=nope]]");
  expect(intrusion.status).toBe(404);
  const list = await clients.other.get("/api/conversations?limit=100");
  expect(list.text).not.toContain(world.conversationId);
  const ownView = await clients.owner.get(`/api/conversations/${world.conversationId}`);
  expect(ownView.text).not.toContain("let me in");
});

test("signed out, no spelling of a protected path reaches data", async () => {
  const id = world.conversationId;
  const variants = [
    `/api/conversations/${id}`,
    `/api/conversations/${id}/`,
    `/api//conversations/${id}`,
    `/api/%63onversations/${id}`,
    `/%61pi/conversations/${id}`,
    `/API/conversations/${id}`,
    `/api/conversations/${id}%2F`,
    `/api/conversations/${id};x`,
    `/api/conversations/${id}?__nextDataReq=1`,
    `/api/auth/..%2Fconversations/${id}`,
    `/api/auth/%2E%2E/conversations/${id}`,
    `/api/health/../conversations/${id}`,
    `/api/healthz/../conversations/${id}`,
    `/_next/static/..%2F..%2Fapi%2Fconversations%2F${id}`,
    `/api/conversations/${id}/export?format=json`,
    "/api/account/export",
    "/api/spend/export.csv",
  ];
  for (const path of variants) {
    for (const method of ["GET", "POST", "HEAD", "OPTIONS"]) {
      const reply = await clients.anonymous.send(method, path, { maxRedirects: 5 });
      const what = `${method} ${path} → ${reply.status} ${reply.text.slice(0, 200)}`;
      expect(reply.text.includes(world.marker), what).toBe(false);
      expect(reply.status, what).not.toBe(500);
    }
  }
});

test("a session cookie forged, altered or signed by another instance is refused", async ({ securityApp }) => {
  const state = await clients.owner.ctx.storageState();
  const session = state.cookies.find((c) => c.name.includes("session-token"));
  expect(session, "the owner's session cookie").toBeTruthy();
  const tamper = async (value: string) => {
    const jar = { ...state, cookies: state.cookies.map((c) => (c === session ? { ...c, value } : c)) };
    const forged = await Client.create(securityApp.url, "forged", jar);
    const reply = await forged.get("/api/conversations");
    await forged.dispose();
    return reply;
  };
  const value = session!.value;
  const flipped = value.slice(0, -3) + (value.at(-3) === "A" ? "B" : "A") + value.slice(-2);
  for (const candidate of [flipped, value.slice(0, 40), "", "eyJhbGciOiJub25lIn0.eyJ1aWQiOiJ4In0.", "null"]) {
    const reply = await tamper(candidate);
    expect(reply.status, `cookie ${candidate.slice(0, 20)}…`).toBe(401);
    expect(reply.text).not.toContain(world.marker);
  }
  // The suite's shared instance signs with a different secret: its sessions mean nothing here.
  const shared = await Client.create(process.env.SB_E2E_URL!, "shared");
  await shared.registerAndSignIn();
  const sharedCookie = (await shared.ctx.storageState()).cookies.find((c) => c.name.includes("session-token"))!;
  const replay = await tamper(sharedCookie.value);
  expect(replay.status).toBe(401);
  await shared.dispose();
});

test("server actions: refused signed out and cross-site, run for a signed-in user", async ({ securityApp }) => {
  const built = builtServerActions();
  for (const [key, entry] of Object.entries(serverActionMatrix)) {
    const action = built.get(key);
    expect(action, `${key} is in the build's server-reference manifest`).toBeTruthy();
    const pagePath = pageUrlOf(action!.pages[0]);
    const call = (client: Client, origin: string) =>
      client.send("POST", pagePath, {
        body: "[]",
        headers: { "next-action": action!.id, "content-type": "text/plain;charset=UTF-8", accept: "text/x-component", origin },
      });

    // Signed out: the proxy answers before any action code runs.
    const anonymous = await call(clients.anonymous, securityApp.url);
    expect([303, 307, 401], `${key} signed out → ${anonymous.status}`).toContain(anonymous.status);

    if (entry.requires === "public") continue;
    const user = await securityApp.user("action");
    // Cross-site: Next's Server Actions compare Origin with Host and refuse.
    const crossSite = await call(user, "https://evil.example");
    expect(crossSite.status, `${key} cross-site → ${crossSite.status} ${crossSite.text.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
    expect(await user.sessionUserId(), "the cross-site call did not run the action").toBe(user.user!.id);

    if (key.endsWith("#loadEarlierMessagesAction")) {
      // The owner's conversation: the page before its answer is the question, which carries the marker.
      const view = (await clients.owner.get(`/api/conversations/${world.conversationId}`)).json as { conversation: { messages: { id: string }[] } };
      const last = view.conversation.messages.at(-1)!.id;
      const args = JSON.stringify([world.conversationId, last]);
      const invoke = (client: Client) =>
        client.send("POST", `/c/${world.conversationId}`, {
          body: args,
          headers: { "next-action": action!.id, "content-type": "text/plain;charset=UTF-8", accept: "text/x-component", origin: securityApp.url },
        });
      const own = await invoke(clients.owner);
      expect(own.status, `${key} as the owner → ${own.status} ${own.text.slice(0, 200)}`).toBe(200);
      expect(own.text, "the owner pages in their own earlier message").toContain(world.marker);
      for (const role of ["other", "admin"] as const) {
        const probe = await invoke(clients[role]);
        expect(probe.text.includes(world.marker), `${key} as ${role} → ${probe.status}: the owner's marker leaked`).toBe(false);
      }
    }

    if (key.endsWith("#signOutAction")) {
      const cookies = await user.ctx.storageState();
      const ran = await call(user, securityApp.url);
      expect(ran.status, `${key} signed in → ${ran.status}`).toBeLessThan(400);
      // The session row is revoked: even the old cookie is refused now.
      const replay = await Client.create(securityApp.url, "replay", cookies);
      expect((await replay.get("/api/me/preferences")).status).toBe(401);
      await replay.dispose();
    }
  }
});

/** `app/(app)/page` → `/`, `app/(app)/c/[id]/page` → `/c/x`. */
function pageUrlOf(worker: string): string {
  const segments = worker
    .replace(/^app\//, "")
    .replace(/\/?page$/, "")
    .split("/")
    .filter((s) => s && !/^\(.*\)$/.test(s))
    .map((s) => (s.startsWith("[") ? "x" : s));
  return `/${segments.join("/")}`;
}
