// The spend journey on a Switchboard of its own (fresh data folder, so the first account is the
// admin), talking to the suite's local OpenRouter: scripted conversations, the spend page
// against the database, the CSV against the page, a budget refusal in the chat, and the admin
// pages closed to non-admins.
import path from "node:path";
import { expect, test, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { startApp, type RunningApp } from "@/tests/helpers/app";
import { chatBody, newId } from "./fixtures/api";
import { createE2eDatabase, type E2eDatabaseHandle } from "./fixtures/database";
import { E2E_OPENROUTER_KEY } from "./fixtures/constants";
import { composerInput, openNewChat } from "./fixtures/chat";
import { newUser, type TestUser } from "./fixtures/users";

test.describe.configure({ mode: "serial" });

let app: RunningApp;
let database: E2eDatabaseHandle;
let adminContext: BrowserContext;
let userContext: BrowserContext;
let admin: Page;
let member: Page;
let memberUser: TestUser;
let memberId: string;
const seen: { todayNano?: bigint; monthNano?: bigint; allNano?: bigint; csvNano?: bigint; csvRows?: number } = {};

async function signUp(browser: Browser, prefix: string): Promise<{ context: BrowserContext; page: Page; user: TestUser }> {
  const user = newUser(prefix);
  const context = await browser.newContext({ baseURL: app.url });
  const page = await context.newPage();
  const created = await page.request.post("/api/auth/register", { data: user });
  expect(created.status()).toBe(201);
  await page.goto("/sign-in");
  await page.getByTestId("sign-in-email").fill(user.email);
  await page.getByTestId("sign-in-password").fill(user.password);
  await page.getByTestId("sign-in-submit").click();
  await expect(page.getByTestId("app-shell")).toBeVisible({ timeout: 30_000 });
  return { context, page, user };
}

async function nanoOf(page: Page, testId: string): Promise<bigint> {
  const value = await page.getByTestId(testId).getAttribute("data-nano");
  expect(value, `${testId} carries data-nano`).toMatch(/^\d+$/);
  return BigInt(value!);
}

/** Waits until every answer's cost is known (settlement included) and the figure is stable. */
async function settledSummary(page: Page): Promise<{ monthNano: bigint }> {
  let last = "";
  let body: { monthNano: string; pendingCount: number } = { monthNano: "", pendingCount: -1 };
  for (let i = 0; i < 60; i++) {
    body = (await (await page.request.get("/api/spend/summary")).json()) as typeof body;
    if (body.pendingCount === 0 && body.monthNano === last && last !== "0") return { monthNano: BigInt(last) };
    last = body.monthNano;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(
    `spend did not settle: ${JSON.stringify(body)}\n--- server log ---\n${app
      .output()
      .split("\n")
      .filter((l) => !l.includes('"msg":"request"'))
      .slice(-60)
      .join("\n")}`,
  );
}

type KeyRowSeen = { id: string; source: string; nano: bigint; generations: number; name: string };

/**
 * The rows of a "By key" table as the page shows them, by id ("chat", "deleted-key" or a key's
 * id): what a test about API calls checks next to the Chat row.
 */
async function keyRowsOf(page: Page, tableTestId = "spend-by-key"): Promise<Map<string, KeyRowSeen>> {
  const rows = await page
    .getByTestId(tableTestId)
    .locator('[data-testid^="spend-key-row-"]')
    .evaluateAll((els) =>
      els.map((e) => ({
        id: (e.getAttribute("data-testid") ?? "").replace("spend-key-row-", ""),
        source: e.getAttribute("data-source") ?? "",
        nano: e.getAttribute("data-nano") ?? "",
        generations: Number(e.getAttribute("data-generations")),
        name: e.querySelector("td")?.textContent ?? "",
      })),
    );
  return new Map(rows.map((r) => [r.id, { ...r, nano: BigInt(r.nano) }]));
}

/** SQL against the app's database, after it has stopped (PGlite allows one process at a time). */
async function queryDatabase<T>(sql: string, params: unknown[]): Promise<T[]> {
  if (database.url) {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }
  const db = new PGlite(path.join(app.dataDir, "pglite"));
  try {
    return (await db.query<T>(sql, params)).rows;
  } finally {
    await db.close();
  }
}

test.beforeAll(async ({ browser }) => {
  test.setTimeout(240_000); // a server of its own: start-up and the first compiles of each page
  const upstream = process.env.SB_E2E_UPSTREAM_URL;
  if (!upstream) throw new Error("SB_E2E_UPSTREAM_URL is not set (e2e/global-setup.ts starts the local OpenRouter)");
  database = await createE2eDatabase();
  app = await startApp({
    env: {
      DATABASE_URL: database.url,
      OPENROUTER_API_KEY: E2E_OPENROUTER_KEY,
      OPENROUTER_BASE_URL: `${upstream}/api/v1`,
      SWITCHBOARD_CHAT_RATE_PER_MINUTE: "1000",
      SWITCHBOARD_DEMO: "",
    },
  });
  const first = await signUp(browser, "spendadmin");
  adminContext = first.context;
  admin = first.page;
  const second = await signUp(browser, "spender");
  userContext = second.context;
  member = second.page;
  memberUser = second.user;
});

test.afterAll(async () => {
  await adminContext?.close();
  await userContext?.close();
  await app?.stop();
  await database?.drop().catch(() => undefined);
});

test("scripted conversations: the spend page, the API and the CSV agree", async () => {
  test.setTimeout(180_000);
  // Three conversations on three models; one with two answers; one stopped by a broken stream.
  const script: { id: string; model: string; text: string }[] = [];
  const a = newId();
  const b = newId();
  const c = newId();
  script.push({ id: a, model: "openai/gpt-4o-mini", text: "First [[sb:text tokens=40]]" });
  script.push({ id: a, model: "openai/gpt-4o-mini", text: "Second [[sb:text tokens=25]]" });
  script.push({ id: b, model: "anthropic/claude-haiku-4.5", text: "Hello [[sb:text tokens=60]]" });
  script.push({ id: c, model: "google/gemini-2.5-flash", text: "Break [[sb:midstream-error after=8]]" });
  for (const step of script) {
    const response = await member.request.post("/api/chat", { data: chatBody(step.id, step.text, { model: step.model }) });
    expect(response.status()).toBe(200);
    await response.text(); // the whole stream
  }
  const { monthNano } = await settledSummary(member);
  expect(monthNano).toBeGreaterThan(0n);

  await member.goto("/spend");
  await expect(member.getByTestId("spend-page")).toBeVisible();
  seen.todayNano = await nanoOf(member, "spend-today");
  seen.monthNano = await nanoOf(member, "spend-month");
  seen.allNano = await nanoOf(member, "spend-all");
  expect(seen.monthNano).toBe(monthNano);
  expect(seen.allNano).toBe(monthNano);
  expect(seen.todayNano).toBe(monthNano);

  // Breakdowns: three models, summing to the period's total.
  const rows = member.getByTestId("spend-by-model-row");
  await expect(rows).toHaveCount(3);
  const modelNanos = await rows.evaluateAll((els) => els.map((e) => e.getAttribute("data-nano") ?? "0"));
  expect(modelNanos.reduce((s, v) => s + BigInt(v), 0n)).toBe(monthNano);
  expect(await nanoOf(member, "spend-period-total")).toBe(monthNano);
  await expect(member.getByTestId("spend-conversation-row")).toHaveCount(3);
  await expect(member.getByTestId("spend-conversation-row").first().getByRole("link")).toHaveAttribute("href", /^\/c\//);
  await member.getByTestId("spend-range-90").click();
  await expect(member).toHaveURL(/days=90/);
  await expect(member.getByTestId("spend-day-row")).toHaveCount(90);

  // The CSV of today: one line per generation, summing to the same figure.
  const href = await member.getByTestId("csv-export").getAttribute("href");
  expect(href).toMatch(/^\/api\/spend\/export\.csv\?from=\d{4}-\d{2}-\d{2}&to=\d{4}-\d{2}-\d{2}$/);
  const csv = await member.request.get(href!);
  expect(csv.status()).toBe(200);
  expect(csv.headers()["content-type"]).toContain("text/csv");
  const lines = (await csv.text()).trim().split("\r\n");
  const header = lines[0]!.split(",");
  const nanoCol = header.indexOf("cost_nano_usd");
  const statusCol = header.indexOf("status");
  const body = lines.slice(1).map((l) => l.split(","));
  expect(body.every((r) => r[statusCol] === "settled")).toBe(true);
  seen.csvNano = body.reduce((s, r) => s + BigInt(r[nanoCol]!), 0n);
  expect(seen.csvNano).toBe(monthNano);
  // One row per answer generation, plus the title generations (a title is a priced request
  // too; a failed title attempt and its retry are two).
  const kindCol = header.indexOf("kind");
  expect(body.filter((r) => r[kindCol] === "chat")).toHaveLength(script.length);
  expect(body.filter((r) => r[kindCol] === "title").length).toBeGreaterThanOrEqual(3);
  expect(body.every((r) => r[kindCol] === "chat" || r[kindCol] === "title")).toBe(true);
  seen.csvRows = body.length;

  // The sidebar shows the month to date.
  await expect(member.getByTestId("month-to-date-amount")).toHaveAttribute("data-nano", monthNano.toString());
});

test("spend by key: the chat's answers and titles are the Chat row, on the page, the API, the CSV and the admin view", async () => {
  const monthNano = seen.monthNano!;
  await member.goto("/spend");
  await expect(member.getByTestId("spend-by-key")).toBeVisible();
  const rows = await keyRowsOf(member);
  // No API calls yet: one row, the chat, holding every generation (titles included).
  expect([...rows.keys()]).toEqual(["chat"]);
  const chatRow = rows.get("chat")!;
  expect(chatRow).toMatchObject({ source: "chat", nano: monthNano, generations: seen.csvRows });
  expect(chatRow.name).toContain("Chat");
  await expect(member.getByTestId("spend-key-row-chat")).toContainText("100.0%");
  await expect(member.getByTestId("spend-source-chat")).toHaveAttribute("data-nano", monthNano.toString());
  await expect(member.getByTestId("spend-source-api")).toHaveAttribute("data-nano", "0");

  // The JSON API groups the same way, with the split beside it.
  const api = (await (await member.request.get("/api/spend?groupBy=key")).json()) as {
    groupBy: string;
    rows: { id: string; costNano: string; generations: number }[];
    bySource: { chat: { costNano: string }; api: { costNano: string } };
  };
  expect(api.groupBy).toBe("key");
  expect(api.rows.map((r) => [r.id, r.costNano, r.generations])).toEqual([["chat", monthNano.toString(), seen.csvRows]]);
  expect(api.bySource.chat.costNano).toBe(monthNano.toString());
  expect(api.bySource.api.costNano).toBe("0");

  // The CSV: every line is chat, with no key.
  const today = new Date().toISOString().slice(0, 10);
  const lines = (await (await member.request.get(`/api/spend/export.csv?from=${today}&to=${today}`)).text()).trim().split("\r\n");
  const header = lines[0]!.split(",");
  const body = lines.slice(1).map((l) => l.split(","));
  expect(body).toHaveLength(seen.csvRows!);
  expect(body.every((r) => r[header.indexOf("source")] === "chat" && r[header.indexOf("key")] === "")).toBe(true);

  // The admin's by-key view across all users: the member's chat is in everyone's Chat row.
  const adminApi = (await (await admin.request.get("/api/admin/spend?groupBy=key")).json()) as { rows: { id: string; costNano: string }[] };
  expect(adminApi.rows.find((r) => r.id === "chat")?.costNano).toBe(monthNano.toString());
  await admin.goto("/admin");
  const adminRows = await keyRowsOf(admin, "admin-spend-by-key");
  expect(adminRows.get("chat")?.nano).toBe(monthNano);
});

test("a user over budget sees the refusal in the chat, with spend, limit and reset date", async () => {
  const users = (await (await admin.request.get("/api/admin/users")).json()) as { users: { id: string; email: string }[] };
  memberId = users.users.find((u) => u.email === memberUser.email)!.id;
  const patched = await admin.request.patch(`/api/admin/users/${memberId}`, { data: { monthlyBudgetNano: "1" } });
  expect(patched.status()).toBe(200);

  await openNewChat(member);
  await composerInput(member).fill("Am I over budget? [[sb:text tokens=5]]");
  await composerInput(member).press("Enter");
  const error = member.getByTestId("chat-error");
  await expect(error).toBeVisible();
  await expect(error).toHaveAttribute("data-code", "budget_exceeded:spend");
  await expect(member.getByTestId("chat-error-message")).toContainText("monthly limit");
  await expect(member.getByTestId("chat-error-message")).toContainText("resets on");

  // The API says the same, with the figures.
  const refused = await member.request.post("/api/chat", { data: chatBody(newId(), "again [[sb:text tokens=5]]") });
  expect(refused.status()).toBe(402);
  const details = ((await refused.json()) as { error: { code: string; details: Record<string, string> } }).error;
  expect(details.code).toBe("budget_exceeded:spend");
  expect(details.details.limitNano).toBe("1");
  expect(BigInt(details.details.spentNano)).toBe(seen.monthNano);

  // A personal limit can only lower the admin's budget.
  const raise = await member.request.patch("/api/spend/limit", { data: { limitNano: "1000" } });
  expect(raise.status()).toBe(400);
  await admin.request.patch(`/api/admin/users/${memberId}`, { data: { monthlyBudgetNano: null } });
});

test("a non-admin gets 403 from the admin API and the admin page says only administrators", async () => {
  for (const [method, url] of [
    ["GET", "/api/admin/users"],
    ["GET", "/api/admin/spend"],
    ["PATCH", `/api/admin/users/${memberId}`],
    ["PUT", "/api/admin/settings"],
  ] as const) {
    const response = await member.request.fetch(url, { method, data: method === "GET" ? undefined : { disabled: false } });
    expect(response.status(), `${method} ${url}`).toBe(403);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("forbidden:admin");
  }
  await member.goto("/admin");
  await expect(member.getByTestId("admin-forbidden")).toContainText("Only administrators");
  await member.getByTestId("user-menu").click();
  await expect(member.getByTestId("admin-link")).toHaveCount(0);
  await member.keyboard.press("Escape");

  // The admin sees the member's spend, and the Administration link.
  await admin.goto("/admin");
  const row = admin.locator(`[data-testid="admin-user-row"][data-email="${memberUser.email}"]`);
  await expect(row.getByTestId("admin-user-month")).toHaveAttribute("data-nano", seen.monthNano!.toString());
  await admin.getByTestId("user-menu").click();
  await expect(admin.getByTestId("admin-link")).toBeVisible();
  await admin.keyboard.press("Escape");
});

test("disabling an account signs it out at once", async () => {
  const response = await admin.request.patch(`/api/admin/users/${memberId}`, { data: { disabled: true } });
  expect(response.status()).toBe(200);
  expect((await member.request.get("/api/spend/summary")).status()).toBe(401);
  await admin.request.patch(`/api/admin/users/${memberId}`, { data: { disabled: false } });
});

test("the figures on the page are the database's", async () => {
  await app.stop();
  const [row] = await queryDatabase<{ total: string; n: number; pending: number }>(
    `SELECT COALESCE(SUM("costNano"), 0)::text AS total, COUNT(*)::int AS n, COUNT(*) FILTER (WHERE "costNano" IS NULL)::int AS pending
     FROM "Usage" WHERE "userId" = $1`,
    [memberId],
  );
  expect(row!.pending).toBe(0);
  expect(BigInt(row!.total)).toBe(seen.allNano);
  expect(BigInt(row!.total)).toBe(seen.csvNano);
  expect(row!.n).toBe(seen.csvRows);
  // …and the upstream's own record of what those generations cost.
  const ids = await queryDatabase<{ generationId: string }>(`SELECT "generationId" FROM "Usage" WHERE "userId" = $1`, [memberId]);
  const generations = (await (await fetch(`${process.env.SB_E2E_UPSTREAM_URL}/__generations`)).json()) as { id: string; cost_nano: string }[];
  const truth = new Map(generations.map((g) => [g.id, BigInt(g.cost_nano)]));
  expect(ids.reduce((s, r) => s + truth.get(r.generationId)!, 0n)).toBe(seen.allNano);
});
