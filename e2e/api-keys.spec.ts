// Personal API keys and model aliases as people see them, on a Switchboard of its own (fresh data
// folder, so the first account is the admin): a user creates a key and sees its value once, then
// only its prefix, and revokes it; another user sees none of it and gets 404 for its id; the
// admin turns API access off and on and revokes another user's key; the admin's alias appears in
// a user's model picker, and an alias with a "/" or an unknown model is refused with nothing saved.
import { expect, test, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { startApp, type RunningApp } from "@/tests/helpers/app";
import { E2E_OPENROUTER_KEY } from "./fixtures/constants";
import { openNewChat } from "./fixtures/chat";
import { createE2eDatabase, type E2eDatabaseHandle } from "./fixtures/database";
import { newUser, type TestUser } from "./fixtures/users";

test.describe.configure({ mode: "serial" });

type KeyView = { id: string; name: string; prefix: string; revokedAt: string | null; allowedModels: string[]; keepLog: boolean };

let app: RunningApp;
let database: E2eDatabaseHandle;
const contexts: BrowserContext[] = [];
let admin: Page;
let owner: Page;
let ownerUser: TestUser;
let other: Page;
/** What the owner's first key was, as shown once. */
const first: { key?: string; id?: string; prefix?: string } = {};
/** The owner's second key (kept alive for the other user's and the admin's tests). */
let secondId = "";

async function signUp(browser: Browser, prefix: string): Promise<{ page: Page; user: TestUser }> {
  const user = newUser(prefix);
  const context = await browser.newContext({ baseURL: app.url });
  contexts.push(context);
  const page = await context.newPage();
  const created = await page.request.post("/api/auth/register", { data: user });
  expect(created.status()).toBe(201);
  await page.goto("/sign-in");
  await page.getByTestId("sign-in-email").fill(user.email);
  await page.getByTestId("sign-in-password").fill(user.password);
  await page.getByTestId("sign-in-submit").click();
  await expect(page.getByTestId("app-shell")).toBeVisible({ timeout: 30_000 });
  return { page, user };
}

async function keysOf(page: Page): Promise<KeyView[]> {
  const response = await page.request.get("/api/account/keys");
  expect(response.status()).toBe(200);
  return ((await response.json()) as { keys: KeyView[] }).keys;
}

async function openAccount(page: Page): Promise<void> {
  await page.goto("/account");
  await expect(page.getByTestId("api-keys-card")).toBeVisible();
}

/** Creates a key through the account page's form and returns what the one-time dialog showed. */
async function createKeyInUi(
  page: Page,
  options: { name: string; cap?: string; model?: string; keepLog?: boolean; expires?: string },
): Promise<string> {
  await page.getByTestId("create-key-name").fill(options.name);
  if (options.expires) await page.getByTestId("create-key-expires").fill(options.expires);
  if (options.cap) await page.getByTestId("create-key-cap").fill(options.cap);
  if (options.model) {
    await page.getByTestId("key-allow-list-search").fill(options.model);
    await page.locator(`[data-testid="key-allow-list-option"][data-value="${options.model}"]`).click();
    await expect(page.locator(`[data-testid="key-allow-list-item"][data-value="${options.model}"]`)).toBeVisible();
  }
  if (options.keepLog) await page.getByTestId("create-key-keep-log").check();
  await page.getByTestId("create-key-submit").click();
  const dialog = page.getByTestId("new-key-dialog");
  await expect(dialog).toBeVisible();
  return (await page.getByTestId("new-key-value").textContent())!.trim();
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
      SWITCHBOARD_DEMO: "",
    },
  });
  admin = (await signUp(browser, "keysadmin")).page;
  const signedUp = await signUp(browser, "keyowner");
  owner = signedUp.page;
  ownerUser = signedUp.user;
  other = (await signUp(browser, "keyother")).page;
});

test.afterAll(async () => {
  for (const context of contexts) await context.close();
  await app?.stop();
  await database?.drop().catch(() => undefined);
});

test("a user creates a key, sees its value once with the base URL, then only its prefix, and revokes it", async () => {
  await openAccount(owner);
  await expect(owner.getByTestId("api-keys-empty")).toBeVisible();
  await expect(owner.getByTestId("api-access-off")).toHaveCount(0);

  // A mistake is said in words, and nothing is created.
  await owner.getByTestId("create-key-submit").click();
  await expect(owner.getByTestId("create-key-error")).toContainText("name");
  await owner.getByTestId("create-key-name").fill("laptop");
  await owner.getByTestId("create-key-cap").fill("five dollars");
  await owner.getByTestId("create-key-submit").click();
  await expect(owner.getByTestId("create-key-error")).toContainText("amount in dollars");
  expect(await keysOf(owner)).toEqual([]);
  await owner.getByTestId("create-key-cap").fill("");

  const key = await createKeyInUi(owner, { name: "laptop", cap: "5", model: "openai/gpt-4o-mini", keepLog: true });
  expect(key).toMatch(/^sbk_[A-Za-z0-9_-]{43}$/);
  await expect(owner.getByTestId("new-key-once")).toContainText("won't see it again");
  await expect(owner.getByTestId("new-key-base-url")).toHaveText(`${app.url}/api/v1`);
  await expect(owner.getByRole("button", { name: "Copy the API key" })).toBeVisible();
  await owner.getByTestId("new-key-done").click();
  await expect(owner.getByTestId("new-key-dialog")).toHaveCount(0);

  // From now on only the prefix: in the list, after a reload, and from the API.
  const row = owner.getByTestId("api-key-row");
  await expect(row).toHaveCount(1);
  await expect(row.getByTestId("api-key-prefix")).toHaveText(`${key.slice(0, 12)}…`);
  await expect(row.getByTestId("api-key-status")).toHaveText("active");
  await expect(row.getByTestId("api-key-last-used")).toHaveText("never");
  await expect(row.getByTestId("api-key-models")).toHaveText("openai/gpt-4o-mini");
  await expect(row.getByTestId("api-key-cap")).toHaveText("$5.00");
  expect(await owner.content()).not.toContain(key);
  await owner.reload();
  await expect(owner.getByTestId("api-key-row")).toHaveCount(1);
  expect(await owner.content()).not.toContain(key);
  const listed = await owner.request.get("/api/account/keys");
  expect(await listed.text()).not.toContain(key);
  const [view] = (JSON.parse(await listed.text()) as { keys: KeyView[] }).keys;
  expect(view).toMatchObject({ name: "laptop", prefix: key.slice(0, 12), revokedAt: null, allowedModels: ["openai/gpt-4o-mini"], keepLog: true });
  first.key = key;
  first.id = view!.id;
  first.prefix = view!.prefix;

  // The log of a "keep a log" key: empty until the key is used.
  await owner.getByTestId("api-key-log").click();
  await expect(owner.getByTestId("key-log-dialog")).toBeVisible();
  await expect(owner.getByTestId("key-log-empty")).toBeVisible();
  await owner.keyboard.press("Escape");

  // The value shown once works at the API (the browser's cookies are not what authenticates it).
  const call = await owner.request.post("/api/v1/chat/completions", {
    headers: { authorization: `Bearer ${key}` },
    data: {
      model: "openai/gpt-4o-mini",
      messages: [{ role: "user", content: 'a logged question [[sb:say text="a logged answer"]]' }],
      max_tokens: 20,
    },
  });
  expect(call.status(), await call.text()).toBe(200);
  // Its last use is written beside the call, not before its answer: the page shows it on a reload soon after.
  await expect(async () => {
    await owner.reload();
    await expect(owner.getByTestId("api-key-row").getByTestId("api-key-last-used")).not.toHaveText("never", { timeout: 1_000 });
  }).toPass({ timeout: 10_000 });
  await owner.getByTestId("api-key-log").click();
  const entry = owner.getByTestId("key-log-entry");
  await expect(entry).toHaveCount(1);
  await expect(entry.getByTestId("key-log-request")).toContainText("a logged question");
  await expect(entry).toContainText("a logged answer");
  const exported = await owner.request.get(`/api/account/keys/${first.id}/logs/export`);
  expect(exported.status()).toBe(200);
  expect(exported.headers()["content-disposition"]).toContain("attachment");
  const file = JSON.parse(await exported.text()) as { apiKey: unknown; logs: unknown[] };
  expect(file).toMatchObject({ apiKey: { id: first.id, name: "laptop", prefix: first.prefix } });
  expect(file.logs).toHaveLength(1);
  expect(JSON.stringify(file)).not.toContain(key);
  await owner.keyboard.press("Escape");
  await expect(owner.getByTestId("key-log-dialog")).toHaveCount(0);

  // Revoke, after a confirmation.
  await owner.getByTestId("api-key-revoke").click();
  await expect(owner.getByTestId("revoke-key-dialog")).toContainText("laptop");
  await owner.getByTestId("revoke-key-confirm").click();
  await expect(owner.getByTestId("revoke-key-dialog")).toHaveCount(0);
  await expect(owner.getByTestId("api-key-row").getByTestId("api-key-status")).toHaveText("revoked");
  await expect(owner.getByTestId("api-key-revoke")).toHaveCount(0);
  expect((await keysOf(owner))[0]!.revokedAt).not.toBeNull();

  // A second key, alive, for the other user's and the admin's turns: it expires at the end of the chosen day, UTC.
  const day = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  await createKeyInUi(owner, { name: "ci evals", expires: day });
  await owner.getByTestId("new-key-done").click();
  const second = (await keysOf(owner)).find((k) => k.name === "ci evals") as KeyView & { expiresAt: string };
  expect(second.expiresAt).toBe(`${day}T23:59:59.999Z`);
  await expect(owner.locator(`[data-testid="api-key-row"][data-key-id="${second.id}"]`).getByTestId("api-key-expires")).toContainText("23:59 UTC");
  secondId = second.id;
});

test("another user sees none of the owner's keys and gets 404 for their ids", async () => {
  await openAccount(other);
  await expect(other.getByTestId("api-keys-empty")).toBeVisible();
  const html = await other.content();
  expect(html).not.toContain(first.prefix!);
  expect(html).not.toContain("ci evals");
  expect(await keysOf(other)).toEqual([]);

  for (const id of [first.id!, secondId]) {
    expect((await other.request.delete(`/api/account/keys/${id}`)).status()).toBe(404);
    expect((await other.request.get(`/api/account/keys/${id}/logs`)).status()).toBe(404);
    expect((await other.request.get(`/api/account/keys/${id}/logs/export`)).status()).toBe(404);
  }
  // Nothing changed for the owner.
  const keys = await keysOf(owner);
  expect(keys.find((k) => k.id === secondId)!.revokedAt).toBeNull();
  // And the admin routes are closed to them.
  expect((await other.request.get("/api/admin/keys")).status()).toBe(403);
  expect((await other.request.put("/api/admin/api-access", { data: { enabled: false } })).status()).toBe(403);
  expect((await other.request.delete(`/api/admin/keys/${secondId}`)).status()).toBe(403);
});

test("the admin turns API access off and on without revoking keys, and revokes another user's key", async () => {
  await admin.goto("/admin");
  const toggle = admin.getByTestId("admin-api-access");
  await expect(toggle).toHaveAttribute("aria-checked", "true");
  await toggle.click();
  await expect(admin.getByTestId("admin-api-access-state")).toHaveText("off");
  expect(await (await admin.request.get("/api/admin/api-access")).json()).toEqual({ enabled: false });

  await openAccount(owner);
  await expect(owner.getByTestId("api-access-off")).toContainText("turned off");
  expect((await keysOf(owner)).find((k) => k.id === secondId)!.revokedAt).toBeNull();

  await toggle.click();
  await expect(admin.getByTestId("admin-api-access-state")).toHaveText("on");
  expect(await (await admin.request.get("/api/admin/api-access")).json()).toEqual({ enabled: true });
  await openAccount(owner);
  await expect(owner.getByTestId("api-access-off")).toHaveCount(0);

  // Every key, with its owner; the owner's live one revoked from here.
  await admin.reload();
  const row = admin.locator(`[data-testid="admin-api-key-row"][data-key-id="${secondId}"]`);
  await expect(row).toHaveAttribute("data-email", ownerUser.email);
  await expect(row.getByTestId("admin-api-key-status")).toHaveText("active");
  await expect(admin.locator(`[data-testid="admin-api-key-row"][data-key-id="${first.id}"]`).getByTestId("admin-api-key-status")).toHaveText(
    "revoked",
  );
  await row.getByTestId("admin-api-key-revoke").click();
  await expect(admin.getByTestId("revoke-key-dialog")).toContainText(ownerUser.email);
  await admin.getByTestId("revoke-key-confirm").click();
  await expect(row.getByTestId("admin-api-key-status")).toHaveText("revoked");
  expect((await keysOf(owner)).find((k) => k.id === secondId)!.revokedAt).not.toBeNull();
  await openAccount(owner);
  await expect(owner.locator(`[data-testid="api-key-row"][data-key-id="${secondId}"]`)).toHaveAttribute("data-status", "revoked");
});

test("the admin adds an alias and a user picks it in the chat's model picker", async () => {
  await admin.goto("/admin");
  await expect(admin.getByTestId("admin-aliases-empty")).toBeVisible();
  const form = admin.getByTestId("alias-add-form");
  await form.getByTestId("alias-name").fill("team-fast");
  await form.getByTestId("alias-model").fill("google/gemini-2.5-flash");
  await form.getByTestId("alias-fallbacks").fill("openai/gpt-4o-mini");
  await form.getByTestId("alias-provider").fill('{"sort": "latency", "data_collection": "deny"}');
  await form.getByTestId("alias-description").fill("Quick answers for everyday questions");
  await form.getByTestId("alias-submit").click();
  const row = admin.locator('[data-testid="admin-alias-row"][data-alias="team-fast"]');
  await expect(row).toBeVisible();
  await expect(row.getByTestId("admin-alias-model")).toHaveText("google/gemini-2.5-flash");
  expect(await (await admin.request.get("/api/admin/aliases")).json()).toEqual({
    aliases: [
      {
        name: "team-fast",
        model: "google/gemini-2.5-flash",
        fallbacks: ["openai/gpt-4o-mini"],
        provider: { sort: "latency", data_collection: "deny" },
        description: "Quick answers for everyday questions",
      },
    ],
  });

  await openNewChat(owner);
  await owner.getByTestId("model-picker").click();
  const aliases = owner.getByTestId("model-section-aliases");
  await expect(aliases).toContainText("Team aliases");
  const option = aliases.locator('[data-testid="model-alias-option"][data-alias="team-fast"]');
  await expect(option.getByTestId("model-alias-description")).toHaveText("Quick answers for everyday questions");
  await expect(option.getByTestId("model-alias-target")).toContainText("Gemini 2.5 Flash");
  // Searching finds it by its name too.
  await owner.getByTestId("model-search").fill("team-fast");
  await expect(owner.getByTestId("model-alias-option")).toHaveCount(1);
  await owner.getByTestId("model-alias-option").click();
  await expect(owner.getByTestId("model-picker")).toHaveAttribute("data-model-id", "google/gemini-2.5-flash");

  // The allow-list of a new key offers it too.
  await openAccount(owner);
  await owner.getByTestId("key-allow-list-search").fill("team");
  await expect(owner.locator('[data-testid="key-allow-list-option"][data-value="team-fast"]')).toBeVisible();
});

test("an alias with a slash or an unknown model is refused with a message, and nothing is saved", async () => {
  await admin.goto("/admin");
  const form = admin.getByTestId("alias-add-form");
  await form.getByTestId("alias-name").fill("team/fast");
  await form.getByTestId("alias-model").fill("openai/gpt-4o-mini");
  await form.getByTestId("alias-submit").click();
  await expect(form.getByTestId("alias-form-error")).toContainText('cannot contain "/"');

  await form.getByTestId("alias-name").fill("ghost");
  await form.getByTestId("alias-model").fill("nobody/no-such-model");
  await form.getByTestId("alias-submit").click();
  await expect(form.getByTestId("alias-form-error")).toContainText('Unknown model "nobody/no-such-model"');

  // The API refuses the same, whatever the form would have caught.
  const slash = await admin.request.post("/api/admin/aliases", { data: { name: "openai/gpt-4o-mini", model: "openai/gpt-4o" } });
  expect(slash.status()).toBe(400);
  const unknown = await admin.request.post("/api/admin/aliases", { data: { name: "ghost", model: "nobody/no-such-model" } });
  expect(unknown.status()).toBe(400);
  expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe("bad_request:alias");
  const badFallback = await admin.request.put("/api/admin/aliases/team-fast", {
    data: { model: "openai/gpt-4o", fallbacks: ["nobody/no-such-model"] },
  });
  expect(badFallback.status()).toBe(400);

  const names = ((await (await admin.request.get("/api/admin/aliases")).json()) as { aliases: { name: string; model: string }[] }).aliases;
  expect(names).toEqual([expect.objectContaining({ name: "team-fast", model: "google/gemini-2.5-flash" })]);
  await admin.reload();
  await expect(admin.getByTestId("admin-alias-row")).toHaveCount(1);

  // Edited in its dialog (a bad model refused there too), then deleted after a confirmation.
  const row = admin.locator('[data-testid="admin-alias-row"][data-alias="team-fast"]');
  await row.getByTestId("admin-alias-edit").click();
  const edit = admin.getByTestId("alias-edit-form");
  await expect(edit.getByTestId("alias-name")).toBeDisabled();
  await edit.getByTestId("alias-model").fill("nobody/no-such-model");
  await edit.getByTestId("alias-submit").click();
  await expect(edit.getByTestId("alias-form-error")).toContainText("Unknown model");
  await edit.getByTestId("alias-model").fill("openai/gpt-4o-mini");
  await edit.getByTestId("alias-fallbacks").fill("");
  await edit.getByTestId("alias-submit").click();
  await expect(admin.getByTestId("alias-edit-dialog")).toHaveCount(0);
  await expect(row.getByTestId("admin-alias-model")).toHaveText("openai/gpt-4o-mini");
  await row.getByTestId("admin-alias-delete").click();
  await admin.getByTestId("alias-delete-confirm").click();
  await expect(admin.getByTestId("admin-aliases-empty")).toBeVisible();
  expect(await (await admin.request.get("/api/admin/aliases")).json()).toEqual({ aliases: [] });
});
