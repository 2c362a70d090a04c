import http from "node:http";
import { expect, test } from "@playwright/test";
import { startApp } from "@/tests/helpers/app";
import { createE2eDatabase } from "./fixtures/database";
import { newUser, register, signIn, signOut } from "./fixtures/users";

test("register lands in the shell; sign out; sign in again", async ({ page }) => {
  const user = await register(page);
  await expect(page.getByTestId("user-name")).toHaveText(user.name);
  await signOut(page);
  await signIn(page, user);
  await expect(page.getByTestId("user-name")).toHaveText(user.name);
});

test("a wrong password shows an error and does not sign in", async ({ page }) => {
  const user = await register(page);
  await signOut(page);
  await page.goto("/sign-in");
  await page.getByTestId("sign-in-email").fill(user.email);
  await page.getByTestId("sign-in-password").fill("not-the-password");
  await page.getByTestId("sign-in-submit").click();
  await expect(page.getByTestId("sign-in-error")).toContainText("Wrong email or password");
  await expect(page).toHaveURL(/\/sign-in/);
});

test("a registered email cannot register twice", async ({ page }) => {
  const user = await register(page);
  await signOut(page);
  await page.goto("/register");
  await page.getByTestId("register-name").fill("Someone");
  await page.getByTestId("register-email").fill(user.email);
  await page.getByTestId("register-password").fill("another-password");
  await page.getByTestId("register-submit").click();
  await expect(page.getByTestId("register-error")).toContainText("already exists");
});

test("a protected page redirects a signed-out visitor to sign-in", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in/);
  await expect(page.getByTestId("sign-in-form")).toBeVisible();
});

test("signing out revokes the session on the server, not only in the browser", async ({ page, context }) => {
  await register(page);
  const cookies = await context.cookies();
  await signOut(page);
  // Replay the old session cookie: the server must refuse it.
  await context.addCookies(cookies);
  const response = await page.request.get("/api/health");
  expect(response.ok()).toBe(true);
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in/);
});

test("the session and the data survive a server restart", async ({ browser }) => {
  test.setTimeout(180_000);
  const database = await createE2eDatabase();
  const app = await startApp({ env: { SWITCHBOARD_DEMO: "", DATABASE_URL: database.url } });
  try {
    const context = await browser.newContext({ baseURL: app.url });
    const page = await context.newPage();
    const user = await register(page, newUser("restart"));
    await app.stop();
    const again = await startApp({ dataDir: app.dataDir, port: app.port, env: { SWITCHBOARD_DEMO: "", DATABASE_URL: database.url } });
    try {
      await page.goto("/");
      await expect(page.getByTestId("user-name")).toHaveText(user.name);
    } finally {
      await again.stop();
    }
    await context.close();
  } finally {
    await app.stop();
    await database.drop().catch(() => undefined);
  }
});

// ---- redirects after sign-in ------------------------------------------------------------------

/** callbackUrls that must never lead off the site: dot segments, encodings, backslashes, schemes. */
const HOSTILE_CALLBACKS = [
  "/.//evil.example/",
  "/%2e//evil.example/",
  "/%2E%2E//evil.example/",
  "/c/..//evil.example/",
  "/c/%2e%2e//evil.example/",
  "//evil.example/",
  "///evil.example/",
  "/\\evil.example/",
  "/.\\evil.example/",
  "\\/evil.example/",
  "/\t/evil.example/",
  "/%09/evil.example/",
  "/%5Cevil.example/",
  "https://evil.example/",
  "http:evil.example",
  "javascript:alert(document.domain)",
];

/**
 * True when a Location, read the way a browser reads it, stays on this server. Auth.js names the
 * server by Next's own address (http://localhost:PORT) unless AUTH_URL is set, so its absolute
 * Locations say localhost where the tests say 127.0.0.1: the same server.
 */
function staysOn(location: string, base: string): boolean {
  if (location.startsWith("//")) return false;
  const target = new URL(location, base);
  const here = new URL(base);
  return target.protocol === here.protocol && target.port === here.port && [here.hostname, "localhost"].includes(target.hostname);
}

test("a signed-in visitor sent to /sign-in with a hostile callbackUrl is redirected on this site only", async ({ page, baseURL }) => {
  await register(page);
  const origin = new URL(baseURL!).origin;
  const escaped: string[] = [];
  for (const vector of HOSTILE_CALLBACKS) {
    // Encoded as a client should, and pasted raw as an attacker's link may be.
    for (const query of [encodeURIComponent(vector), vector.replace(/\t/g, "%09")]) {
      const reply = await page.request.get(`/sign-in?callbackUrl=${query}`, { maxRedirects: 0 });
      expect(reply.status(), query).toBeLessThan(500);
      const location = reply.headers().location;
      expect(location, `${query}: a signed-in visitor is sent on`).toBeTruthy();
      if (!staysOn(location, `${origin}/sign-in`)) escaped.push(`${query} → ${location}`);
    }
  }
  expect(escaped, "open redirects").toEqual([]);
});

test("Auth.js's routes keep every callbackUrl on this site and answer bad ones with 4xx, never 5xx", async ({ page, baseURL }) => {
  const user = await register(page);
  await signOut(page);
  const origin = new URL(baseURL!).origin;
  const problems: string[] = [];
  const check = (what: string, status: number, location: string | undefined) => {
    if (status >= 500) problems.push(`${what} → ${status}`);
    if (location && !staysOn(location, origin)) problems.push(`${what} → Location ${location}`);
  };
  const BAD_INPUT = ["", "%", "\u0000", "a".repeat(5000), "http://[::1", "mailto:x@evil.example", "data:text/html,x", "JaVaScRiPt:alert(1)", "😀"];
  for (const vector of [...HOSTILE_CALLBACKS, ...BAD_INPUT]) {
    const signin = await page.request.get(`/api/auth/signin?callbackUrl=${encodeURIComponent(vector)}`, { maxRedirects: 0 });
    check(`GET /api/auth/signin callbackUrl=${JSON.stringify(vector)}`, signin.status(), signin.headers().location);
    if (/^javascript:/i.test(vector)) expect(signin.status(), "a javascript: callbackUrl is a bad request").toBe(400);
    // A tampered callback-url cookie is dropped, not answered with Auth.js's "server misconfigured".
    const session = await page.request.get("/api/auth/session", { headers: { cookie: `authjs.callback-url=${encodeURIComponent(vector)}` } });
    check(`GET /api/auth/session with callback-url cookie ${JSON.stringify(vector)}`, session.status(), undefined);
  }
  // Malformed requests of every other kind Auth.js's routes take.
  const long = "x".repeat(8000);
  const odd: [string, string, Parameters<typeof page.request.fetch>[1]][] = [
    ["GET", "/api/auth/no-such-action", {}],
    ["GET", "/api/auth/signin/no-such-provider", {}],
    ["GET", "/api/auth/callback/no-such-provider?code=x&state=y", {}],
    ["GET", `/api/auth/error?error=${long}`, {}],
    ["GET", "/api/auth/session", { headers: { cookie: `authjs.session-token=${long}; authjs.csrf-token=%%%` } }],
    ["GET", "/api/auth/csrf", { headers: { cookie: "authjs.csrf-token=%E0%A4%A; =; ;;" } }],
    ["POST", "/api/auth/callback/credentials", { headers: { "content-type": "application/json" }, data: "{not json" }],
    ["POST", "/api/auth/callback/credentials", { form: { email: user.email, password: user.password } }],
    ["POST", "/api/auth/callback/credentials", { form: { email: "\u0000", password: long, csrfToken: "x" } }],
    ["POST", "/api/auth/session", { data: { data: { user: { role: "admin" } } } }],
    ["POST", "/api/auth/signout", { headers: { "content-type": "text/plain" }, data: "callbackUrl=javascript:alert(1)" }],
  ];
  for (const [method, url, options] of odd) {
    const reply = await page.request.fetch(url, { ...options, method, maxRedirects: 0 });
    check(`${method} ${url.slice(0, 80)}`, reply.status(), reply.headers().location);
  }
  // The credentials callback and sign-out take callbackUrl from the form: a real sign-in each time.
  for (const vector of HOSTILE_CALLBACKS) {
    const csrf = (await (await page.request.get("/api/auth/csrf")).json()) as { csrfToken: string };
    const signIn = await page.request.post("/api/auth/callback/credentials", {
      form: { email: user.email, password: user.password, csrfToken: csrf.csrfToken, callbackUrl: vector },
      maxRedirects: 0,
    });
    check(`POST /api/auth/callback/credentials callbackUrl=${JSON.stringify(vector)}`, signIn.status(), signIn.headers().location);
    expect(signIn.headers().location, "signed in, and sent somewhere on the site").toBeTruthy();
    const signOutReply = await page.request.post("/api/auth/signout", { form: { csrfToken: csrf.csrfToken, callbackUrl: vector }, maxRedirects: 0 });
    check(`POST /api/auth/signout callbackUrl=${JSON.stringify(vector)}`, signOutReply.status(), signOutReply.headers().location);
  }
  expect(problems).toEqual([]);
});

test("after a real sign-in in the browser, a hostile callbackUrl never leads off the site", async ({ browser, baseURL }) => {
  test.setTimeout(120_000);
  const setup = await browser.newContext({ baseURL });
  const user = await register(await setup.newPage());
  await setup.close();
  const context = await browser.newContext({ baseURL });
  // Had the app sent the browser away, it would land on this page (the host never resolves).
  await context.route(
    (url) => url.hostname.endsWith("evil.example"),
    (route) => route.fulfill({ status: 200, contentType: "text/html", body: "<h1>evil</h1>" }),
  );
  const page = await context.newPage();
  const origin = new URL(baseURL!).origin;
  const escaped: string[] = [];
  for (const vector of [
    "/.//evil.example/",
    "/%2e//evil.example/",
    "/c/..//evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "https://evil.example/",
  ]) {
    await context.clearCookies();
    await page.goto(`/sign-in?callbackUrl=${encodeURIComponent(vector)}`);
    await page.getByTestId("sign-in-email").fill(user.email);
    await page.getByTestId("sign-in-password").fill(user.password);
    await page.getByTestId("sign-in-submit").click();
    await page.waitForURL((url) => !url.pathname.startsWith("/sign-in"), { timeout: 20_000 });
    await page.waitForLoadState();
    if (new URL(page.url()).origin !== origin) escaped.push(`${JSON.stringify(vector)} → ${page.url()}`);
    else await expect(page.getByTestId("app-shell"), JSON.stringify(vector)).toBeVisible();
  }
  await context.close();
  expect(escaped, "sign-in redirected off the site").toEqual([]);
});

// ---- forwarded headers ----------------------------------------------------------------------

type RawReply = { status: number; headers: http.IncomingHttpHeaders; body: string };

/** One HTTP request from a chosen local address (127.0.0.2 plays the configured reverse proxy). */
function rawRequest(
  base: string,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string; localAddress?: string } = {},
): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const request = http.request(new URL(path, base), { method, headers: options.headers, localAddress: options.localAddress }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    request.on("error", reject);
    request.end(options.body);
  });
}

const cookiesOf = (reply: RawReply) => (reply.headers["set-cookie"] ?? []).map((c) => c.split(";")[0]!);

/** Signs in through Auth.js's credentials callback like the form does; true when a session was issued. */
async function rawSignIn(base: string, email: string, password: string, from: { localAddress?: string; forwardedFor?: string }): Promise<boolean> {
  const forwarded: Record<string, string> = from.forwardedFor ? { "x-forwarded-for": from.forwardedFor } : {};
  const csrf = await rawRequest(base, "GET", "/api/auth/csrf", { headers: forwarded, localAddress: from.localAddress });
  const { csrfToken } = JSON.parse(csrf.body) as { csrfToken: string };
  const reply = await rawRequest(base, "POST", "/api/auth/callback/credentials", {
    headers: { ...forwarded, "content-type": "application/x-www-form-urlencoded", cookie: cookiesOf(csrf).join("; ") },
    body: new URLSearchParams({ email, password, csrfToken, callbackUrl: "/" }).toString(),
    localAddress: from.localAddress,
  });
  expect(reply.status).toBeLessThan(500);
  return cookiesOf(reply).some((c) => /^(__Secure-)?authjs\.session-token=./.test(c));
}

test("forwarded headers count only from a configured proxy: a spoofed X-Forwarded-For does not reset the sign-in limit", async () => {
  test.setTimeout(180_000);
  const database = await createE2eDatabase();
  // 127.0.0.2 is the reverse proxy; the tests' own requests (from 127.0.0.1) are a client's.
  const app = await startApp({ env: { SWITCHBOARD_DEMO: "", DATABASE_URL: database.url, SWITCHBOARD_TRUSTED_PROXIES: "127.0.0.2" } });
  try {
    const admin = newUser("admin");
    const created = await rawRequest(app.url, "POST", "/api/auth/register", {
      headers: { "content-type": "application/json" },
      body: JSON.stringify(admin),
    });
    expect(created.status, created.body).toBe(201);

    // Ten wrong guesses, each claiming another address: they all count against this client.
    for (let i = 0; i < 10; i++) expect(await rawSignIn(app.url, admin.email, `wrong-${i}`, { forwardedFor: `198.51.100.${i}` })).toBe(false);
    expect(await rawSignIn(app.url, admin.email, admin.password, { forwardedFor: "198.51.100.200" }), "a fresh X-Forwarded-For does not unlock").toBe(
      false,
    );
    // Through the configured proxy, its X-Forwarded-For is believed: another client is not locked out…
    expect(await rawSignIn(app.url, admin.email, admin.password, { localAddress: "127.0.0.2", forwardedFor: "6.6.6.6, 198.51.100.201" })).toBe(true);
    // …and the proxy's word that the client is the locked one keeps it locked.
    expect(await rawSignIn(app.url, admin.email, admin.password, { localAddress: "127.0.0.2", forwardedFor: "127.0.0.1" })).toBe(false);

    // X-Forwarded-Host names the host only from the proxy: a client cannot make its cross-site
    // request look same-origin with it (the CSRF check of every state-changing route).
    const asChat = (extra: Record<string, string>) => ({
      headers: { "content-type": "application/json", origin: "https://chat.example.com", "x-forwarded-host": "chat.example.com", ...extra },
      body: JSON.stringify(newUser("xfh")),
    });
    const fromClient = await rawRequest(app.url, "POST", "/api/auth/register", asChat({}));
    expect(fromClient.status, fromClient.body).toBe(403);
    const viaProxy = await rawRequest(app.url, "POST", "/api/auth/register", { ...asChat({}), localAddress: "127.0.0.2" });
    expect(viaProxy.status, viaProxy.body).not.toBe(403);
    expect(viaProxy.status).toBeLessThan(500);
    // The browser's own verdict outranks both: a cross-site request is refused even via the proxy.
    const crossSite = await rawRequest(app.url, "POST", "/api/auth/register", {
      ...asChat({ "sec-fetch-site": "cross-site" }),
      localAddress: "127.0.0.2",
    });
    expect(crossSite.status, crossSite.body).toBe(403);
  } finally {
    await app.stop();
    await database.drop().catch(() => undefined);
  }
});
