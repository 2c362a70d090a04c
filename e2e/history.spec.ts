// The history journey: the sidebar (groups, rename, pin, delete with undo, infinite scroll),
// search that opens a conversation at the matching message, exports and imports, and privacy
// between users. History is created quickly by importing a crafted export through the API.
import { readFile } from "node:fs/promises";
import { expect, test, type APIRequestContext, type Locator, type Page } from "@playwright/test";
import { marker } from "./fixtures/chat";
import { register } from "./fixtures/users";

const DAY = 86_400_000;

type SeedMessage = {
  role: "user" | "assistant";
  text: string;
  at?: Date;
  /** An alternative answer: its turn, its number among the turn's answers, whether it is the shown one. */
  place?: { position: number; variant: number; shown: boolean };
};
type SeedConversation = { title: string; lastMessageAt?: Date; pinned?: boolean; messages: SeedMessage[] };

function exportFile(conversations: SeedConversation[]) {
  return {
    format: "switchboard-export",
    version: 1,
    exportedAt: new Date().toISOString(),
    conversations: conversations.map((c) => {
      const last = c.lastMessageAt ?? new Date();
      return {
        title: c.title,
        model: "openai/gpt-4o-mini",
        pinned: c.pinned ?? false,
        createdAt: new Date(last.getTime() - c.messages.length * 60_000).toISOString(),
        lastMessageAt: last.toISOString(),
        messages: c.messages.map((m, i) => ({
          role: m.role,
          parts: [{ type: "text", text: m.text }],
          model: m.role === "assistant" ? "openai/gpt-4o-mini" : null,
          status: "complete",
          createdAt: (m.at ?? new Date(last.getTime() - (c.messages.length - i) * 60_000)).toISOString(),
          ...(m.role === "assistant" ? { metadata: { costNano: "12345", promptTokens: 10, completionTokens: 20 } } : {}),
          ...(m.place ?? {}),
        })),
      };
    }),
  };
}

async function importHistory(request: APIRequestContext, conversations: SeedConversation[]) {
  const response = await request.post("/api/account/import", { data: exportFile(conversations) });
  expect(response.status()).toBe(201);
  return (await response.json()) as { conversations: { id: string; title: string }[] };
}

const exchange = (q: string, a: string): SeedMessage[] => [
  { role: "user", text: q },
  { role: "assistant", text: a },
];

function item(page: Page, id: string): Locator {
  return page.locator(`[data-testid="conversation-item"][data-conversation-id="${id}"]`);
}

function titles(page: Page): Promise<string[]> {
  return page.getByTestId("conversation-item").getByTestId("conversation-title").allTextContents();
}

/** A mark on the document that a full reload would wipe. */
async function markNoReload(page: Page) {
  await page.evaluate(() => {
    document.documentElement.dataset.sbNoReload = "1";
  });
}
async function expectNoReload(page: Page) {
  expect(await page.evaluate(() => document.documentElement.dataset.sbNoReload)).toBe("1");
}

test("rename, pin and delete with undo are reflected at once, without a reload, and persist", async ({ page }) => {
  await register(page);
  const tag = marker("t");
  const { conversations } = await importHistory(page.request, [
    { title: `Alpha ${tag}`, lastMessageAt: new Date(Date.now() - 60_000), messages: exchange("a?", "a.") },
    { title: `Beta ${tag}`, lastMessageAt: new Date(Date.now() - 3 * DAY), messages: exchange("b?", "b.") },
    { title: `Gamma ${tag}`, lastMessageAt: new Date(Date.now() - 400 * DAY), messages: exchange("c?", "c.") },
  ]);
  const [alpha, beta, gamma] = conversations.map((c) => c.id);
  await page.goto("/");
  await expect(page.getByTestId("conversation-item")).toHaveCount(3);
  expect(await titles(page)).toEqual([`Alpha ${tag}`, `Beta ${tag}`, `Gamma ${tag}`]);
  const groups = page.getByTestId("conversation-group");
  await expect(groups).toHaveCount(3);
  await expect(groups.nth(0)).toHaveText("Today");
  await expect(groups.nth(1)).toHaveText("Previous 7 days");
  await expect(groups.nth(2)).toHaveText(/^[A-Z][a-z]+ \d{4}$/);
  await markNoReload(page);

  // Rename inline.
  await item(page, beta).hover();
  await item(page, beta).getByTestId("conversation-rename").click();
  const input = item(page, beta).getByTestId("conversation-rename-input");
  await expect(input).toBeFocused();
  await input.fill(`Renamed ${tag}`);
  await input.press("Enter");
  await expect(item(page, beta).getByTestId("conversation-title")).toHaveText(`Renamed ${tag}`);

  // Pin the oldest: it moves to the top, under "Pinned".
  await item(page, gamma).hover();
  await item(page, gamma).getByTestId("conversation-pin").click();
  await expect.poll(() => titles(page)).toEqual([`Gamma ${tag}`, `Alpha ${tag}`, `Renamed ${tag}`]);
  await expect(groups.first()).toHaveText("Pinned");
  await expect(item(page, gamma)).toHaveAttribute("data-pinned", "true");

  // Delete, then undo from the toast.
  await item(page, alpha).hover();
  await item(page, alpha).getByTestId("conversation-delete").click();
  await expect(item(page, alpha)).toHaveCount(0);
  await page.getByTestId("toast-action").click();
  await expect(item(page, alpha)).toHaveCount(1);
  await expectNoReload(page);

  // All of it was saved.
  await page.reload();
  await expect.poll(() => titles(page)).toEqual([`Gamma ${tag}`, `Alpha ${tag}`, `Renamed ${tag}`]);

  // Unpin, and delete for good (no undo).
  await item(page, gamma).hover();
  await item(page, gamma).getByTestId("conversation-pin").click();
  await expect.poll(() => titles(page)).toEqual([`Alpha ${tag}`, `Renamed ${tag}`, `Gamma ${tag}`]);
  await item(page, beta).hover();
  await item(page, beta).getByTestId("conversation-delete").click();
  await expect(item(page, beta)).toHaveCount(0);
  // maxRetries: a kept-alive connection the server closes just as it is reused resets (seen once); a GET may be sent again.
  await expect.poll(async () => (await page.request.get(`/api/conversations/${beta}`, { maxRetries: 2 })).status()).toBe(404);
  await page.reload();
  await expect.poll(() => titles(page)).toEqual([`Alpha ${tag}`, `Gamma ${tag}`]);
});

test("the open conversation is highlighted, and deleting it goes back to a new chat", async ({ page }) => {
  await register(page);
  const { conversations } = await importHistory(page.request, [
    { title: "One", messages: exchange("one?", "one.") },
    { title: "Two", lastMessageAt: new Date(Date.now() - 60_000), messages: exchange("two?", "two.") },
  ]);
  const [one, two] = conversations.map((c) => c.id);
  await page.goto(`/c/${one}`);
  await expect(item(page, one)).toHaveAttribute("data-active", "true");
  await expect(item(page, two)).toHaveAttribute("data-active", "false");
  await item(page, two).getByTestId("conversation-title").click();
  await expect(page).toHaveURL(new RegExp(`/c/${two}$`));
  await expect(item(page, two)).toHaveAttribute("data-active", "true");
  await item(page, two).hover();
  await item(page, two).getByTestId("conversation-delete").click();
  await expect(page).toHaveURL(/\/$/);
});

test("the list loads more as it scrolls, rendering only what is visible", async ({ page }) => {
  await register(page);
  const now = Date.now();
  await importHistory(
    page.request,
    Array.from({ length: 130 }, (_, i) => ({
      title: `Chat ${String(i).padStart(3, "0")}`,
      lastMessageAt: new Date(now - i * 3_600_000),
      messages: exchange(`q${i}`, `a${i}`),
    })),
  );
  await page.goto("/");
  const list = page.getByTestId("conversation-list");
  await expect(list).toHaveAttribute("data-count", "50");
  // Far fewer rows in the DOM than loaded.
  expect(await page.getByTestId("conversation-item").count()).toBeLessThan(50);
  for (let i = 0; i < 10 && (await list.getAttribute("data-count")) !== "130"; i++) {
    await list.evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await page.waitForTimeout(300);
  }
  await expect(list).toHaveAttribute("data-count", "130");
  await list.evaluate((el) => el.scrollTo(0, el.scrollHeight));
  await expect(page.getByText("Chat 129")).toBeVisible();
  expect(await page.getByTestId("conversation-item").count()).toBeLessThan(60);
});

test("search finds a word from the middle of an old answer and opens the conversation at that message", async ({ page }) => {
  await register(page);
  const word = marker("zq");
  const filler = (n: number) => Array.from({ length: n }, (_, i) => `Sentence number ${i} says nothing much.`).join(" ");
  const old = new Date(Date.now() - 200 * DAY);
  const messages: SeedMessage[] = [];
  for (let i = 0; i < 12; i++) {
    messages.push({ role: "user", text: `Question ${i}?` });
    messages.push({
      role: "assistant",
      text: i === 2 ? `${filler(30)} The secret word is ${word} and nothing else. ${filler(30)}` : filler(25),
    });
  }
  const { conversations } = await importHistory(page.request, [
    { title: "Old notes", lastMessageAt: old, messages },
    { title: "Recent chat", messages: exchange("hello", "hi there") },
  ]);
  const oldId = conversations[0].id;

  await page.goto("/");
  await page.getByTestId("history-search").fill(word);
  const result = page.getByTestId("search-result");
  await expect(result).toHaveCount(1);
  await expect(result).toHaveAttribute("data-conversation-id", oldId);
  await expect(result.locator("mark")).toHaveText(word);
  await expect(result).toContainText(`The secret word is ${word}`);
  const messageId = await result.getAttribute("data-result-message-id");
  expect(messageId).toBeTruthy();

  await result.click();
  await expect(page).toHaveURL(new RegExp(`/c/${oldId}\\?m=${messageId}$`));
  const target = page.locator(`[data-message-id="${messageId}"]`);
  await expect(target).toBeInViewport();
  await expect(target).toContainText(word);

  // A word nobody wrote finds nothing (and says so).
  await page.goto("/");
  await page.getByTestId("history-search").fill("zz" + word);
  await expect(page.getByTestId("search-empty")).toBeVisible();
});

test("a search hit in an answer that is not the shown one of its turn opens the conversation with that answer shown", async ({ page }) => {
  await register(page);
  const word = marker("alt");
  const { conversations } = await importHistory(page.request, [
    {
      title: "Two answers",
      messages: [
        { role: "user", text: "Which one?", place: { position: 0, variant: 0, shown: true } },
        { role: "assistant", text: `The first answer holds ${word}.`, place: { position: 1, variant: 0, shown: false } },
        { role: "assistant", text: "The second answer is the shown one.", place: { position: 1, variant: 1, shown: true } },
      ],
    },
  ]);
  await page.goto("/");
  await page.getByTestId("history-search").fill(word);
  const result = page.getByTestId("search-result");
  await expect(result).toHaveCount(1);
  const messageId = await result.getAttribute("data-result-message-id");
  const switched = page.waitForResponse((r) => r.url().endsWith(`/api/conversations/${conversations[0].id}/alternatives`));
  await result.click();
  await expect(page).toHaveURL(new RegExp(`/c/${conversations[0].id}\\?m=${messageId}$`));
  const target = page.locator(`[data-message-id="${messageId}"]`);
  await expect(target).toBeInViewport();
  await expect(target).toContainText(word);
  await expect(page.getByTestId("alternative-index")).toHaveText("1 / 2");
  // The switch is saved, as the switcher's is.
  expect((await switched).status()).toBe(200);
  await page.goto(`/c/${conversations[0].id}`);
  await expect(page.getByTestId("alternative-index")).toHaveText("1 / 2");
});

test("a conversation exports as Markdown and JSON, the account as JSON, and an import restores them", async ({ page, browser }) => {
  await register(page);
  const tag = marker("x");
  const { conversations } = await importHistory(page.request, [
    { title: `Export me ${tag}`, messages: exchange("What is 6*7?", `It is 42, ${tag}.`) },
    { title: `Second ${tag}`, lastMessageAt: new Date(Date.now() - DAY), messages: exchange("Hi", "Hello") },
  ]);
  const id = conversations[0].id;
  await page.goto("/");

  const download = async (testId: string) => {
    await item(page, id).hover();
    await item(page, id).getByTestId("conversation-more").click();
    const [file] = await Promise.all([page.waitForEvent("download"), page.getByTestId(testId).click()]);
    return { name: file.suggestedFilename(), text: await readFile((await file.path())!, "utf8") };
  };
  const md = await download("conversation-export-md");
  expect(md.name).toBe(`export-me-${tag}.md`);
  expect(md.text).toContain(`# Export me ${tag}`);
  expect(md.text).toContain("What is 6*7?");
  expect(md.text).toContain(`It is 42, ${tag}.`);

  const json = await download("conversation-export-json");
  expect(json.name).toBe(`export-me-${tag}.json`);
  const parsed = JSON.parse(json.text) as { format: string; conversations: { id: string; messages: unknown[] }[] };
  expect(parsed.format).toBe("switchboard-export");
  expect(parsed.conversations[0]).toMatchObject({ id });
  expect(parsed.conversations[0].messages).toHaveLength(2);

  await page.goto("/account");
  const [all] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-all").click()]);
  const accountFile = (await all.path())!;
  const account = JSON.parse(await readFile(accountFile, "utf8")) as { conversations: { title: string }[] };
  expect(account.conversations.map((c) => c.title).sort()).toEqual([`Export me ${tag}`, `Second ${tag}`]);

  // Another account imports the file from its account page: the conversations come back.
  const context = await browser.newContext();
  const other = await context.newPage();
  await register(other);
  await other.goto("/account");
  await other.getByTestId("import-file").setInputFiles(accountFile);
  await expect(other.getByTestId("import-status")).toHaveText("Imported 2 conversations (4 messages).");
  await expect(other.getByTestId("conversation-item")).toHaveCount(2);
  expect(await titles(other)).toEqual([`Export me ${tag}`, `Second ${tag}`]);
  await other.getByTestId("conversation-item").first().getByTestId("conversation-title").click();
  await expect(other.getByText(`It is 42, ${tag}.`)).toBeVisible();
  // Copies, with ids of their own.
  await expect(other).not.toHaveURL(new RegExp(id));
  await context.close();
});

test("another user gets 404 for someone else's conversation, in the UI and the API", async ({ page, browser }) => {
  await register(page);
  const word = marker("priv");
  const { conversations } = await importHistory(page.request, [
    { title: `Private ${word}`, messages: exchange("secret?", `The secret is ${word}.`) },
  ]);
  const id = conversations[0].id;

  const context = await browser.newContext();
  const other = await context.newPage();
  await register(other);
  const response = await other.goto(`/c/${id}`);
  expect(response?.status()).toBe(404);
  await expect(other.getByText(word)).toHaveCount(0);

  const api = other.request;
  expect((await api.get(`/api/conversations/${id}`)).status()).toBe(404);
  expect((await api.patch(`/api/conversations/${id}`, { data: { title: "mine now" } })).status()).toBe(404);
  expect((await api.delete(`/api/conversations/${id}`)).status()).toBe(404);
  expect((await api.post(`/api/conversations/${id}/restore`)).status()).toBe(404);
  expect((await api.get(`/api/conversations/${id}/export?format=md`)).status()).toBe(404);
  expect((await api.get(`/api/conversations/${id}/export?format=json`)).status()).toBe(404);
  const search = (await (await api.get(`/api/conversations?q=${word}`)).json()) as { results: unknown[] };
  expect(search.results).toEqual([]);
  const list = (await (await api.get("/api/conversations")).json()) as { items: unknown[] };
  expect(list.items).toEqual([]);
  const all = (await (await api.get("/api/account/export")).json()) as { conversations: unknown[] };
  expect(all.conversations).toEqual([]);

  // The owner still has it, untouched.
  expect((await page.request.get(`/api/conversations/${id}`)).status()).toBe(200);
  await context.close();
});

test("the API refuses bad input and cross-site writes", async ({ page }) => {
  await register(page);
  const { conversations } = await importHistory(page.request, [{ title: "Mine", messages: exchange("q", "a") }]);
  const id = conversations[0].id;
  const api = page.request;
  expect((await api.get("/api/conversations?limit=0")).status()).toBe(400);
  expect((await api.get("/api/conversations?limit=101")).status()).toBe(400);
  expect((await api.get("/api/conversations?cursor=garbage")).status()).toBe(400);
  expect((await api.get(`/api/conversations/${id}/export?format=pdf`)).status()).toBe(400);
  expect((await api.patch(`/api/conversations/${id}`, { data: { title: "" } })).status()).toBe(400);
  expect((await api.patch(`/api/conversations/${id}`, { data: { model: "no/such-model" } })).status()).toBe(400);
  expect((await api.patch(`/api/conversations/${id}`, { data: { nonsense: 1 } })).status()).toBe(400);
  const crossSite = await api.patch(`/api/conversations/${id}`, {
    data: { title: "csrf" },
    headers: { origin: "https://evil.example" },
  });
  expect(crossSite.status()).toBe(403);
  expect((await api.post("/api/account/import", { data: { format: "nope" } })).status()).toBe(400);
  const view = (await (await api.get(`/api/conversations/${id}`)).json()) as { conversation: { title: string } };
  expect(view.conversation.title).toBe("Mine");
});
