// Tools from MCP servers, as people use them: an admin adds the official "everything" server on
// the admin page; a user turns one of its tools on in the composer's tools menu and gets an
// answer that used it (rendered, and still there after a reload); the server stops mid-
// conversation and the call fails with a clear message while the next message still works; a
// second user sees neither the first user's own server nor its credentials (UI and API, 404).
import { expect, test, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { startApp, type RunningApp } from "@/tests/helpers/app";
import { startEverythingServer, type RunningServer } from "@/tests/mcp/servers";
import { reloadChat, sendAndWait, waitIdle } from "./fixtures/chat";
import { E2E_OPENROUTER_KEY } from "./fixtures/constants";
import { createE2eDatabase, type E2eDatabaseHandle } from "./fixtures/database";
import { newUser, type TestUser } from "./fixtures/users";

test.describe.configure({ mode: "serial" });

let app: RunningApp;
let database: E2eDatabaseHandle;
let everything: RunningServer;
const contexts: BrowserContext[] = [];
let admin: Page;
let user: Page;
const TOKEN = "personal-mcp-token-0123456789abcdef";

async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ baseURL: app.url });
  contexts.push(context);
  return context.newPage();
}

async function register(page: Page, who: TestUser): Promise<void> {
  await page.goto("/register");
  await page.getByTestId("register-name").fill(who.name);
  await page.getByTestId("register-email").fill(who.email);
  await page.getByTestId("register-password").fill(who.password);
  await page.getByTestId("register-submit").click();
  await expect(page.getByTestId("app-shell")).toBeVisible({ timeout: 30_000 });
}

async function openNewChat(page: Page): Promise<void> {
  await page.goto("/");
  await expect(page.getByTestId("chat")).toHaveAttribute("data-hydrated", "true");
}

test.beforeAll(async ({ browser }) => {
  test.setTimeout(240_000); // a server of its own: start-up and the first compiles of each page
  const upstream = process.env.SB_E2E_UPSTREAM_URL;
  if (!upstream) throw new Error("SB_E2E_UPSTREAM_URL is not set (e2e/global-setup.ts starts the local OpenRouter)");
  everything = await startEverythingServer();
  database = await createE2eDatabase();
  app = await startApp({
    env: {
      DATABASE_URL: database.url,
      OPENROUTER_API_KEY: E2E_OPENROUTER_KEY,
      OPENROUTER_BASE_URL: `${upstream}/api/v1`,
      SWITCHBOARD_MCP_USER_SERVERS: "on",
      SWITCHBOARD_MCP_TIMEOUT_MS: "3000",
    },
  });
  admin = await newPage(browser);
  user = await newPage(browser);
  // The first account is the admin.
  await register(admin, newUser("admin"));
  await register(user, newUser("mcp-user"));
});

test.afterAll(async () => {
  for (const context of contexts) await context.close();
  await app?.stop();
  await everything?.stop();
  await database?.drop().catch(() => undefined);
});

test("an admin adds a server on the admin page and sees its tools", async () => {
  await admin.goto("/admin");
  const card = admin.getByTestId("admin-mcp-servers");
  await card.getByTestId("admin-mcp-name").fill("everything");
  await card.getByTestId("admin-mcp-url").fill(everything.url);
  await card.getByTestId("admin-mcp-availability").selectOption("opt-in");
  await card.getByTestId("admin-mcp-submit").click();
  const server = card.locator('[data-testid="admin-mcp-server"][data-server="everything"]');
  await expect(server).toBeVisible();
  await server.getByTestId("admin-mcp-refresh").click();
  await expect(server).toHaveAttribute("data-status", "ok");
  await expect(server.getByTestId("admin-mcp-tools-count")).toContainText("tools");
});

test("a user turns a tool on and gets an answer that used it, still there after a reload", async () => {
  await openNewChat(user);
  await user.getByTestId("tools-menu-button").click();
  const menu = user.getByTestId("tools-menu");
  const group = menu.locator('[data-testid="tools-menu-group"][data-server="everything"]');
  await expect(group).toContainText("Echoes back the input string");
  const echo = group.locator('[data-testid="tools-menu-switch"][data-tool="everything__echo"]');
  await expect(echo).toHaveAttribute("aria-checked", "false");
  await echo.click();
  await expect(echo).toHaveAttribute("aria-checked", "true");
  // This choice becomes the user's default: a new conversation starts with it.
  await menu.getByTestId("tools-menu-save-default").click();
  await user.keyboard.press("Escape");
  await openNewChat(user);
  await user.getByTestId("tools-menu-button").click();
  await expect(menu.getByTestId("tools-menu-defaults")).toHaveText("Your defaults");
  await expect(echo).toHaveAttribute("aria-checked", "true");
  await user.keyboard.press("Escape");

  const answer = await sendAndWait(user, `Echo please [[sb:tool name=everything__echo args='{"message":"hello from the browser"}']]`);
  const card = answer.locator('[data-testid="tool-card"][data-tool-name="everything__echo"]');
  await expect(card).toHaveAttribute("data-state", "output-available");
  await card.getByTestId("tool-toggle").click();
  await expect(card.getByTestId("tool-output")).toContainText("Echo: hello from the browser");
  await expect(card.getByTestId("tool-duration")).toHaveText(/^\d+ ms$|^\d+\.\d s$/);
  await expect(answer.getByTestId("message-text").last()).toContainText("everything__echo returned");

  await reloadChat(user);
  const saved = user.locator('[data-testid="tool-card"][data-tool-name="everything__echo"]').first();
  await expect(saved).toHaveAttribute("data-state", "output-available");
  await saved.getByTestId("tool-toggle").click();
  await expect(saved.getByTestId("tool-output")).toContainText("Echo: hello from the browser");
});

test("the server stops mid-conversation: the call fails with a clear message, and the next message still works", async () => {
  await everything.stop();
  try {
    const answer = await sendAndWait(user, `Again [[sb:tool name=everything__echo args='{"message":"anyone?"}']]`);
    const card = answer.locator('[data-testid="tool-card"][data-tool-name="everything__echo"]');
    await expect(card).toHaveAttribute("data-state", "output-error");
    await expect(card.getByTestId("tool-error")).toContainText('MCP server "everything"');
    await expect(card.getByTestId("tool-error")).toContainText("could not be reached");
    await expect(answer.getByTestId("message-text").last()).toContainText("everything__echo returned");
  } finally {
    await everything.start();
  }
  const next = await sendAndWait(user, `Back? [[sb:tool name=everything__echo args='{"message":"it is back"}']]`);
  const card = next.locator('[data-testid="tool-card"][data-tool-name="everything__echo"]');
  await expect(card).toHaveAttribute("data-state", "output-available");
  await card.getByTestId("tool-toggle").click();
  await expect(card.getByTestId("tool-output")).toContainText("Echo: it is back");
});

test("a tool that needs approval asks (still asking after a reload); approved, it runs; another is denied and the model is told", async () => {
  // The admin asks for approval before get-sum runs; toggle-simulated-logging asks because its server says it is not read-only.
  await admin.goto("/admin");
  const server = admin.getByTestId("admin-mcp-servers").locator('[data-testid="admin-mcp-server"][data-server="everything"]');
  await server.getByTestId("admin-mcp-tools-count").click();
  const sum = server.locator('[data-testid="admin-mcp-tool"][data-tool="get-sum"]');
  await sum.getByTestId("admin-mcp-tool-approval").click(); // saved, then the list shows it
  await expect(sum.getByTestId("admin-mcp-tool-approval")).toBeChecked();

  await openNewChat(user);
  await user.getByTestId("tools-menu-button").click();
  const group = user.getByTestId("tools-menu").locator('[data-testid="tools-menu-group"][data-server="everything"]');
  for (const tool of ["everything__get-sum", "everything__toggle-simulated-logging"]) {
    await group.locator(`[data-testid="tools-menu-switch"][data-tool="${tool}"]`).click();
    await expect(group.locator(`[data-testid="tools-menu-switch"][data-tool="${tool}"]`)).toHaveAttribute("aria-checked", "true");
  }
  await user.keyboard.press("Escape");

  const asked = await sendAndWait(user, `Add [[sb:tool name=everything__get-sum args='{"a":20,"b":22}']]`);
  const card = asked.locator('[data-testid="tool-card"][data-tool-name="everything__get-sum"]');
  await expect(card).toHaveAttribute("data-state", "approval-requested");
  await expect(card.getByTestId("tool-approval-reason")).toContainText("An administrator asks for approval");
  await expect(card.getByTestId("tool-input")).toContainText('"a": 20');

  // The request is saved with the answer: a reload still asks.
  await reloadChat(user);
  const saved = user.locator('[data-testid="tool-card"][data-tool-name="everything__get-sum"]').last();
  await expect(saved).toHaveAttribute("data-state", "approval-requested");
  await saved.getByTestId("tool-approve").click();
  await expect(saved).toHaveAttribute("data-state", "output-available", { timeout: 30_000 });
  await waitIdle(user);
  await saved.getByTestId("tool-toggle").click();
  await expect(saved.getByTestId("tool-output")).toContainText("42");
  const answer = user.getByTestId("message-assistant").last();
  await expect(answer.getByTestId("message-text").last()).toContainText("everything__get-sum returned");
  // One answer, whose footer sums both of its runs.
  await expect(user.getByTestId("message-assistant")).toHaveCount(1);

  const toggled = await sendAndWait(user, `Toggle logging [[sb:tool name=everything__toggle-simulated-logging args='{}']]`);
  const toggle = toggled.locator('[data-testid="tool-card"][data-tool-name="everything__toggle-simulated-logging"]');
  await expect(toggle).toHaveAttribute("data-state", "approval-requested");
  await expect(toggle.getByTestId("tool-approval-reason")).toContainText("does not say this tool only reads");
  await toggle.getByTestId("tool-deny").click();
  await expect(toggle).toHaveAttribute("data-state", "output-denied", { timeout: 30_000 });
  await waitIdle(user);
  await expect(toggle.getByTestId("tool-error")).toContainText("Denied");
  // The model was told: its next generation read the refusal.
  await expect(toggled.getByTestId("message-text").last()).toContainText("denied");

  // After a reload the answered calls stay answered.
  await reloadChat(user);
  await expect(user.locator('[data-testid="tool-card"][data-tool-name="everything__toggle-simulated-logging"]').last()).toHaveAttribute(
    "data-state",
    "output-denied",
  );
  await expect(user.getByTestId("tool-approve")).toHaveCount(0);

  // "Always allow in this chat": approved now, and the next call of that tool runs without asking.
  const again = await sendAndWait(user, `Once more [[sb:tool name=everything__get-sum args='{"a":1,"b":1}']]`);
  const once = again.locator('[data-testid="tool-card"][data-tool-name="everything__get-sum"]');
  await once.getByTestId("tool-always-allow").click();
  await expect(once).toHaveAttribute("data-state", "output-available", { timeout: 30_000 });
  await waitIdle(user);
  const trusted = await sendAndWait(user, `And again [[sb:tool name=everything__get-sum args='{"a":2,"b":2}']]`);
  await expect(trusted.locator('[data-testid="tool-card"][data-tool-name="everything__get-sum"]')).toHaveAttribute("data-state", "output-available");
  await reloadChat(user);
  await expect(user.getByTestId("tool-approve")).toHaveCount(0);
});

test("a second user sees neither the first user's own server nor its credentials (UI and API, 404)", async ({ browser }) => {
  // The user adds a server of their own on the account page; its token is never shown again.
  await user.goto("/account");
  const own = user.getByTestId("own-mcp-servers");
  await own.getByTestId("admin-mcp-name").fill("my-private");
  await own.getByTestId("admin-mcp-url").fill("http://93.184.215.14/mcp");
  await own.getByTestId("admin-mcp-token").fill(TOKEN);
  await own.getByTestId("admin-mcp-submit").click();
  await expect(own.locator('[data-testid="admin-mcp-server"][data-server="my-private"]')).toContainText("credentials set");
  expect(await user.content()).not.toContain(TOKEN);
  const mine = (await (await user.request.get("/api/mcp/servers")).json()) as { servers: { id: string; name: string; hasCredentials: boolean }[] };
  const server = mine.servers.find((s) => s.name === "my-private")!;
  expect(server.hasCredentials).toBe(true);
  expect(JSON.stringify(mine)).not.toContain(TOKEN);

  const other = await newPage(browser);
  await register(other, newUser("other"));
  const listed = await other.request.get("/api/mcp/servers");
  expect(listed.status()).toBe(200);
  const text = await listed.text();
  expect(text).not.toContain(server.id);
  expect(text).not.toContain(TOKEN);
  expect((await other.request.patch(`/api/mcp/servers/${server.id}`, { data: { name: "mine-now" } })).status()).toBe(404);
  expect((await other.request.delete(`/api/mcp/servers/${server.id}`)).status()).toBe(404);
  expect((await other.request.post(`/api/mcp/servers/${server.id}/refresh`)).status()).toBe(404);
  const tools = await other.request.get("/api/mcp/tools");
  expect(await tools.text()).not.toContain("my-private");

  await openNewChat(other);
  await other.getByTestId("tools-menu-button").click();
  await expect(other.getByTestId("tools-menu").locator('[data-testid="tools-menu-group"][data-server="everything"]')).toBeVisible();
  await expect(other.getByTestId("tools-menu")).not.toContainText("my-private");
  const html = await other.content();
  expect(html).not.toContain(TOKEN);
});
