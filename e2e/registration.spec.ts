// A fresh Switchboard with the product's default settings (none of the open settings the other
// journeys run with, tests/helpers/app.ts): who may register, what a new account may spend, and
// how fast one address may try.
import { expect, test, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { startApp, type RunningApp } from "@/tests/helpers/app";
import { E2E_OPENROUTER_KEY } from "./fixtures/constants";
import { createE2eDatabase, type E2eDatabaseHandle } from "./fixtures/database";
import { newUser, type TestUser } from "./fixtures/users";

test.describe.configure({ mode: "serial" });

const DEFAULT_BUDGET_NANO = "5000000000";
let app: RunningApp;
let database: E2eDatabaseHandle;
const contexts: BrowserContext[] = [];
let admin: Page;
let adminUser: TestUser;
let visitor: Page;

async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ baseURL: app.url });
  contexts.push(context);
  return context.newPage();
}

async function fillRegisterForm(page: Page, user: TestUser): Promise<void> {
  await page.getByTestId("register-name").fill(user.name);
  await page.getByTestId("register-email").fill(user.email);
  await page.getByTestId("register-password").fill(user.password);
  await page.getByTestId("register-submit").click();
}

test.beforeAll(async ({ browser }) => {
  test.setTimeout(240_000); // a server of its own: start-up and the first compiles of each page
  const upstream = process.env.SB_E2E_UPSTREAM_URL;
  if (!upstream) throw new Error("SB_E2E_UPSTREAM_URL is not set (e2e/global-setup.ts starts the local OpenRouter)");
  database = await createE2eDatabase();
  app = await startApp({
    productDefaults: true,
    env: {
      DATABASE_URL: database.url,
      OPENROUTER_API_KEY: E2E_OPENROUTER_KEY,
      OPENROUTER_BASE_URL: `${upstream}/api/v1`,
      SWITCHBOARD_DEMO: "",
      // Loopback plays the reverse proxy, so a request can come from "another address" (X-Forwarded-For).
      SWITCHBOARD_TRUSTED_PROXIES: "127.0.0.1,::1",
    },
  });
  admin = await newPage(browser);
  visitor = await newPage(browser);
});

test.afterAll(async () => {
  for (const context of contexts) await context.close();
  await app?.stop();
  await database?.drop().catch(() => undefined);
});

test("the first visitor is told that registration closes after them, how to open it, and the default budget", async () => {
  await admin.goto("/register");
  const note = admin.getByTestId("first-run-note");
  await expect(note.getByTestId("first-run-registration")).toContainText("Registration closes after this account");
  await expect(note.getByTestId("first-run-registration")).toContainText("SWITCHBOARD_REGISTRATION=open");
  await expect(note.getByTestId("first-run-budget")).toContainText("$5.00 a month");
  await expect(note.getByTestId("first-run-budget")).toContainText("SWITCHBOARD_DEFAULT_USER_BUDGET_USD");
  adminUser = newUser("owner");
  await fillRegisterForm(admin, adminUser);
  await expect(admin.getByTestId("app-shell")).toBeVisible({ timeout: 30_000 });
});

test("a second visitor cannot register: the page says registration is closed, the API refuses with 403", async () => {
  await visitor.goto("/register");
  await expect(visitor.getByRole("heading", { name: "Registration is closed" })).toBeVisible();
  await expect(visitor.getByTestId("register-form")).toHaveCount(0);
  await expect(visitor.getByTestId("first-run-note")).toHaveCount(0);

  const stranger = await visitor.request.post("/api/auth/register", { data: newUser("stranger") });
  expect(stranger.status()).toBe(403);
  expect(((await stranger.json()) as { error: { code: string } }).error.code).toBe("forbidden:register");
  // The same refusal for an email that has an account: closed registration reveals none.
  const existing = await visitor.request.post("/api/auth/register", { data: { ...newUser("again"), email: adminUser.email } });
  expect(existing.status()).toBe(403);
  expect(((await existing.json()) as { error: { code: string } }).error.code).toBe("forbidden:register");
});

test("one address may try a few registrations an hour, then gets 429; another address is counted apart", async () => {
  // This address has made three attempts: the first account and the two refusals above.
  const statuses: number[] = [];
  let limited: { status: number; code: string; retryAfter: string | null } | undefined;
  for (let i = 0; i < 6 && !limited; i++) {
    const response = await visitor.request.post("/api/auth/register", { data: newUser("burst") });
    statuses.push(response.status());
    if (response.status() === 429) {
      limited = {
        status: 429,
        code: ((await response.json()) as { error: { code: string } }).error.code,
        retryAfter: response.headers()["retry-after"] ?? null,
      };
    }
  }
  expect(statuses).toEqual([403, 403, 429]);
  expect(limited?.code).toBe("rate_limited:register");
  expect(Number(limited?.retryAfter)).toBeGreaterThan(0);
  const elsewhere = await visitor.request.post("/api/auth/register", { data: newUser("elsewhere"), headers: { "x-forwarded-for": "203.0.113.7" } });
  expect(elsewhere.status()).toBe(403);
});

test("the admin still creates accounts, and a new account has the default monthly budget", async ({ browser }) => {
  await admin.goto("/register");
  const member = newUser("member");
  await fillRegisterForm(admin, member);
  await expect(admin.getByTestId("register-created")).toContainText(member.email);

  const page = await newPage(browser);
  await page.goto("/sign-in");
  await page.getByTestId("sign-in-email").fill(member.email);
  await page.getByTestId("sign-in-password").fill(member.password);
  await page.getByTestId("sign-in-submit").click();
  await expect(page.getByTestId("app-shell")).toBeVisible({ timeout: 30_000 });
  const summary = (await (await page.request.get("/api/spend/summary")).json()) as {
    budget: { limitNano: string | null; adminBudgetIsDefault: boolean };
  };
  expect(summary.budget).toMatchObject({ limitNano: DEFAULT_BUDGET_NANO, adminBudgetIsDefault: true });

  // The admin page says where the default comes from until the admin saves one.
  await admin.goto("/admin");
  await expect(admin.getByTestId("admin-default-budget-source")).toContainText("SWITCHBOARD_DEFAULT_USER_BUDGET_USD");
});
