// The web's own attacks: headers (CSP with a per-request nonce, framing, sniffing, referrers), CSRF
// on every state-changing route of the matrix, login CSRF, open redirects after sign-in, brute-force
// limits per account and per address, and sessions that really end on sign-out and when an admin
// disables the account.
import { Client, discoverPages, newUser } from "./support";
import { isStateChanging, routeMatrix, type Role, type World } from "./route-matrix";
import { expect, plantOwnerWorld, test, type SecurityApp } from "./world";

let app: SecurityApp;
let clients: Record<Role, Client>;
let world: World;

test.beforeAll(async ({ securityApp }) => {
  test.setTimeout(120_000);
  app = securityApp;
  ({ world, clients } = await plantOwnerWorld(securityApp));
});

// ---- headers --------------------------------------------------------------------------------

const SAFE_REFERRER_POLICIES = ["no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"];

function checkPageHeaders(path: string, headers: Record<string, string>, html: string): string {
  const csp = headers["content-security-policy"] ?? "";
  expect(csp, `${path}: a Content-Security-Policy`).not.toBe("");
  const directives = new Map(
    csp
      .split(";")
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => [d.split(/\s+/)[0], d.split(/\s+/).slice(1)] as const),
  );
  const nonce = /'nonce-([A-Za-z0-9+/=_-]+)'/.exec(directives.get("script-src")?.join(" ") ?? "")?.[1];
  expect(nonce, `${path}: script-src carries a nonce (${csp})`).toBeTruthy();
  expect(directives.get("script-src"), `${path}: no unsafe-inline or unsafe-eval for scripts`).not.toEqual(
    expect.arrayContaining(["'unsafe-inline'"]),
  );
  expect(directives.get("script-src")).not.toEqual(expect.arrayContaining(["'unsafe-eval'"]));
  expect(directives.get("frame-ancestors"), `${path}: frame-ancestors 'none'`).toEqual(["'none'"]);
  expect(directives.get("object-src")).toEqual(["'none'"]);
  expect(directives.get("base-uri")).toEqual(["'self'"]);
  expect(directives.get("form-action")).toEqual(["'self'"]);
  expect(headers["x-content-type-options"], `${path}: nosniff`).toBe("nosniff");
  expect(SAFE_REFERRER_POLICIES, `${path}: Referrer-Policy ${headers["referrer-policy"]}`).toContain(headers["referrer-policy"]);
  expect(headers["x-frame-options"]).toBe("DENY");
  expect(headers["x-powered-by"], "no framework banner").toBeUndefined();
  // Every script the page ships carries this response's nonce (else the CSP would block the app).
  const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
  expect(scripts.length, `${path}: scripts`).toBeGreaterThan(0);
  for (const tag of scripts) expect(tag, `${path}: ${tag}`).toContain(`nonce="${nonce}"`);
  return nonce!;
}

test("every page: a strict CSP with a fresh nonce on every script, frame-ancestors 'none', nosniff, a safe Referrer-Policy", async () => {
  const pages = discoverPages().map((p) => p.replace("[id]", world.conversationId));
  expect(pages.length).toBeGreaterThan(3);
  const publicPages = ["/sign-in", "/register"];
  for (const page of pages) {
    const signedOut = await clients.anonymous.get(page);
    if (publicPages.includes(page)) {
      expect(signedOut.status, page).toBe(200);
      checkPageHeaders(`${page} (signed out)`, signedOut.headers, signedOut.text);
    } else {
      expect(signedOut.status, `${page} sends a signed-out visitor to sign-in`).toBe(307);
      expect(new URL(signedOut.headers.location, app.url).pathname).toBe("/sign-in");
    }
    if (publicPages.includes(page)) continue;
    const viewer = page === "/admin" ? clients.admin : clients.owner;
    const first = await viewer.get(page);
    expect(first.status, `${page}: ${first.text.slice(0, 200)}`).toBe(200);
    const nonce = checkPageHeaders(page, first.headers, first.text);
    const second = await viewer.get(page);
    expect(checkPageHeaders(page, second.headers, second.text), `${page}: a new nonce per response`).not.toBe(nonce);
  }
  // An ordinary user gets no admin page.
  const denied = await clients.owner.get("/admin");
  expect(denied.status === 200 && denied.text.includes(world.ids.other), "the admin page is not shown to a user").toBe(false);
});

test("API answers are nosniff and never cached", async () => {
  for (const path of [
    "/api/health",
    "/api/conversations",
    `/api/conversations/${world.conversationId}`,
    "/api/spend/export.csv",
    "/api/nothing-here",
  ]) {
    const reply = await clients.owner.get(path);
    expect(reply.headers["x-content-type-options"], path).toBe("nosniff");
    if (reply.status !== 404) expect(reply.headers["cache-control"], path).toContain("no-store");
  }
});

test("in Chromium the app runs under its CSP, and injected markup cannot run script", async ({ browser, recorder }) => {
  const context = await browser.newContext({ baseURL: app.url, storageState: await clients.owner.ctx.storageState() });
  recorder.watch(context);
  const page = await context.newPage();
  const violations: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  await page.goto(`/c/${world.conversationId}`);
  await expect(page.getByTestId("app-shell")).toBeVisible();
  await expect(page.getByTestId("composer-input")).toBeEditable();
  expect(violations, "the app itself triggers no CSP violation").toEqual([]);

  // Markup that slipped into the page (an XSS) cannot run: inline handlers, javascript: links and
  // srcdoc frames all need 'unsafe-inline', which the policy does not grant.
  await page.evaluate(() => {
    document.body.insertAdjacentHTML(
      "beforeend",
      '<img src="/nothing.png" onerror="window.__pwnedByHandler = 1">' +
        '<a id="sb-pwn-link" href="javascript:window.__pwnedByLink = 1">x</a>' +
        '<iframe srcdoc="<script>parent.__pwnedBySrcdoc = 1</script>"></iframe>',
    );
  });
  await page.locator("#sb-pwn-link").click({ force: true });
  await page.waitForTimeout(500);
  const pwned = await page.evaluate(() => {
    const w = window as unknown as Record<string, unknown>;
    return [w.__pwnedByHandler, w.__pwnedByLink, w.__pwnedBySrcdoc];
  });
  expect(pwned).toEqual([undefined, undefined, undefined]);
  expect(violations.length, "the browser reported the blocked scripts").toBeGreaterThan(0);
  await context.close();
});

// ---- CSRF -----------------------------------------------------------------------------------

test("every state-changing route refuses a cross-site Origin with 403 forbidden:csrf, and nothing changes", async () => {
  const readBack = async () => ({
    conversation: (await clients.owner.get(`/api/conversations/${world.conversationId}`)).text,
    list: (await clients.owner.get("/api/conversations?limit=100")).text,
    preferences: (await clients.owner.get("/api/me/preferences")).text,
    limit: (await clients.owner.get("/api/spend/summary")).text,
    // This world's accounts only: another spec's answers may still be settling on this app.
    users: JSON.stringify(
      ((await clients.admin.get("/api/admin/users")).json as { users: { id: string }[] }).users.filter((u) => worldIds.has(u.id)),
    ),
    settings: (await clients.admin.get("/api/admin/settings")).text,
  });
  const worldIds = new Set(Object.values(world.ids).filter(Boolean));
  const before = await readBack();
  let checked = 0;
  for (const [key, entry] of Object.entries(routeMatrix)) {
    if (!isStateChanging(key)) continue;
    expect(entry.csrf, `${key} changes state: its matrix entry must name its CSRF defence`).not.toBe("none");
    if (entry.csrf !== "origin") continue;
    const role: Role = entry.inputRole ?? (entry.expect.owner === 403 ? "admin" : "owner");
    const method = key.split(" ")[0];
    for (const origin of ["https://evil.example", "null", `${app.url}.evil.example`, "http://127.0.0.1.nip.io"]) {
      const spec = entry.request(role, world);
      const reply = await clients[role].send(method, spec.path, { data: spec.data, body: spec.body, headers: { ...spec.headers, origin } });
      const what = `${key} as ${role} from ${origin} → ${reply.status} ${reply.text.slice(0, 200)}`;
      expect(reply.status, what).toBe(403);
      expect((reply.json as { error?: { code?: string } })?.error?.code, what).toBe("forbidden:csrf");
    }
    checked += 1;
  }
  expect(checked).toBeGreaterThan(10);
  expect(await readBack(), "no refused request changed anything").toEqual(before);
  // The same requests from the app's own origin are accepted (the check is not just refusing everything).
  const own = await clients.owner.patch(`/api/conversations/${world.conversationId}`, { pinned: true }, { headers: { origin: app.url } });
  expect(own.status).toBe(200);
});

test("Auth.js routes need their CSRF token: no login CSRF, no cross-site sign-out", async () => {
  const victim = await app.user("csrf-victim");
  // Sign-out posted without the token (a cross-site form cannot read it) leaves the session alone.
  await victim.send("POST", "/api/auth/signout", { form: { callbackUrl: "/" }, headers: { origin: "https://evil.example" } });
  expect(await victim.sessionUserId()).toBe(victim.user!.id);
  // Login CSRF: a cross-site form signing the visitor into the attacker's account, without the token.
  const attacker = newUser("attacker");
  await (await app.client("attacker-setup")).register(attacker);
  const visitor = await app.client("visitor");
  await visitor.send("POST", "/api/auth/callback/credentials", {
    form: { email: attacker.email, password: attacker.password, callbackUrl: "/" },
    headers: { origin: "https://evil.example" },
  });
  expect(await visitor.sessionUserId()).toBeNull();
});

// ---- redirects ------------------------------------------------------------------------------

const REDIRECT_VECTORS = [
  "https://evil.example/",
  "//evil.example/",
  "/\\evil.example/",
  "/%5Cevil.example/",
  "/\t/evil.example/",
  "/%09/evil.example/",
  "\\/evil.example/",
  "/\\/evil.example/",
  "javascript:alert(document.domain)",
];

test("a signed-in visitor sent to /sign-in with a hostile callbackUrl is redirected on the site only", async () => {
  const escaped: string[] = [];
  for (const vector of REDIRECT_VECTORS) {
    const reply = await clients.owner.get(`/sign-in?callbackUrl=${encodeURIComponent(vector)}`);
    const location = reply.headers.location;
    if (!location) continue;
    // Resolve the Location the way a browser does (backslashes and tabs included).
    const target = new URL(location, app.url);
    if (target.origin !== new URL(app.url).origin) escaped.push(`${JSON.stringify(vector)} → Location: ${location}`);
  }
  expect(escaped, "open redirects").toEqual([]);
});

test("after sign-in, a hostile callbackUrl never leads off the site", async ({ browser, recorder }) => {
  test.setTimeout(120_000);
  const user = newUser("redirect");
  await (await app.client("redirect-setup")).register(user);
  const context = await browser.newContext({ baseURL: app.url });
  recorder.watch(context);
  // By host: the sign-in URL itself names evil.example in its query.
  await context.route(
    (url) => url.hostname.endsWith("evil.example"),
    (route) => route.fulfill({ status: 200, contentType: "text/html", body: "<h1>evil</h1>" }),
  );
  const page = await context.newPage();
  const escaped: string[] = [];
  // The form redirects to what the server sanitised (the test above covers every vector there):
  // one of each kind is enough in the browser.
  const vectors = ["https://evil.example/", "/\\evil.example/", "/\t/evil.example/", "javascript:alert(document.domain)"];
  for (const vector of vectors) {
    await context.clearCookies();
    await page.goto(`/sign-in?callbackUrl=${encodeURIComponent(vector)}`);
    await page.getByTestId("sign-in-email").fill(user.email);
    await page.getByTestId("sign-in-password").fill(user.password);
    await page.getByTestId("sign-in-submit").click();
    await page.waitForURL((url) => !url.pathname.startsWith("/sign-in"), { timeout: 20_000 });
    await page.waitForLoadState();
    const landed = new URL(page.url());
    if (landed.origin !== new URL(app.url).origin) escaped.push(`${JSON.stringify(vector)} → ${page.url()}`);
  }
  await context.close();
  expect(escaped, "sign-in redirected off the site").toEqual([]);
});

// ---- brute force ----------------------------------------------------------------------------

/** Sign-in attempts from one address (X-Forwarded-For, as a reverse proxy would set it). */
async function attempt(client: Client, email: string, password: string, ip: string): Promise<boolean> {
  return client.signIn({ email, password }, { "x-forwarded-for": ip });
}

test("after 10 failures an account refuses even the right password from that address; other accounts and addresses are unaffected", async () => {
  test.setTimeout(180_000);
  const target = newUser("locked");
  const bystander = newUser("bystander");
  const setup = await app.client("bf-setup");
  await setup.register(target);
  await setup.register(bystander);
  const ip = "198.51.100.1";
  for (let i = 0; i < 10; i++) {
    const c = await app.client("bf");
    expect(await attempt(c, target.email, `wrong-${i}`, ip)).toBe(false);
  }
  const right = await app.client("bf-right");
  expect(await attempt(right, target.email, target.password, ip), "the right password is refused once locked").toBe(false);
  // The lock is per account (and the address is not yet over its own, larger limit).
  expect(await attempt(await app.client("bf-other"), bystander.email, bystander.password, ip)).toBe(true);
  // Email spelled differently is the same account.
  expect(await attempt(await app.client("bf-case"), `  ${target.email.toUpperCase()} `, target.password, ip)).toBe(false);
  // The lock is the attacker's address only: the owner signs in from another (lib/auth/brute-force.ts).
  expect(await attempt(await app.client("bf-elsewhere"), target.email, target.password, "198.51.100.99")).toBe(true);
});

test("a burst of parallel guesses cannot outrun the limit", async () => {
  test.setTimeout(180_000);
  const target = newUser("burst");
  await (await app.client("burst-setup")).register(target);
  const headers = { "x-forwarded-for": "198.51.100.2" };
  const guessers = await Promise.all(Array.from({ length: 30 }, () => app.client("burst")));
  const rightClient = await app.client("burst-right");
  const tokens = await Promise.all([...guessers, rightClient].map((c) => c.csrfToken(headers)));
  // 30 wrong guesses at once; the right password follows while they are still being hashed.
  const wrong = guessers.map((c, i) => c.submitSignIn({ email: target.email, password: `guess-${i}` }, tokens[i], headers));
  await new Promise((r) => setTimeout(r, 500));
  await rightClient.submitSignIn(target, tokens[30], headers);
  await Promise.all(wrong);
  const sessions = await Promise.all([...guessers, rightClient].map((c) => c.sessionUserId()));
  expect(sessions.slice(0, 30).every((s) => s === null)).toBe(true);
  expect(sessions[30], "the 31st guess — the right one — was refused unchecked").toBeNull();
});

test("after 50 failures from one address, that address cannot sign in to any account; others can", async () => {
  test.setTimeout(240_000);
  const real = newUser("address");
  await (await app.client("ip-setup")).register(real);
  const ip = "203.0.113.7";
  for (let batch = 0; batch < 5; batch++) {
    await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const c = await app.client("ip");
        expect(await attempt(c, `nobody-${batch}-${i}-${Date.now()}@example.com`, "wrong-password", ip)).toBe(false);
      }),
    );
  }
  expect(await attempt(await app.client("ip-real"), real.email, real.password, ip), "the address is blocked").toBe(false);
  expect(await attempt(await app.client("ip-other"), real.email, real.password, "203.0.113.8"), "another address is not").toBe(true);
});

// ---- sessions -------------------------------------------------------------------------------

test("signing out revokes the session on the server: the old cookie opens nothing", async () => {
  const user = await app.user("signout");
  const cookies = await user.ctx.storageState();
  expect((await user.get("/api/me/preferences")).status).toBe(200);
  await user.signOut();
  const replay = await Client.create(app.url, "replay", cookies);
  expect((await replay.get("/api/me/preferences")).status).toBe(401);
  expect((await replay.get("/api/conversations")).status).toBe(401);
  const page = await replay.get("/", { maxRedirects: 0 });
  expect([302, 303, 307]).toContain(page.status);
  expect(new URL(page.headers.location, app.url).pathname).toBe("/sign-in");
  await replay.dispose();
});

test("an admin disabling an account ends all its sessions at once; it cannot sign in until enabled again", async () => {
  const first = await app.user("disabled");
  const account = first.user!;
  const second = await app.client("disabled-2");
  expect(await second.signIn(account)).toBe(true);
  const firstCookies = await first.ctx.storageState();

  const disable = await clients.admin.patch(`/api/admin/users/${account.id}`, { disabled: true }, { headers: { origin: app.url } });
  expect(disable.status, disable.text).toBe(200);
  for (const session of [first, second]) {
    expect((await session.get("/api/me/preferences")).status).toBe(401);
    expect((await session.post("/api/chat", { id: "cdisabled00001", trigger: "submit-message", model: "openai/gpt-4o-mini" })).status).toBe(401);
    expect([302, 303, 307]).toContain((await session.get("/", { maxRedirects: 0 })).status);
  }
  expect(await (await app.client("disabled-3")).signIn(account), "the right password is refused while disabled").toBe(false);

  expect((await clients.admin.patch(`/api/admin/users/${account.id}`, { disabled: false })).status).toBe(200);
  expect(await (await app.client("disabled-4")).signIn(account)).toBe(true);
  const replay = await Client.create(app.url, "replay", firstCookies);
  expect((await replay.get("/api/me/preferences")).status, "old sessions stay revoked").toBe(401);
  await replay.dispose();

  const self = await clients.admin.patch(`/api/admin/users/${world.ids.admin}`, { disabled: true });
  expect(self.status, "an admin cannot lock themselves out").toBe(400);
  expect((await clients.admin.get("/api/admin/users")).status).toBe(200);
});
