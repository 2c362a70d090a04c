// The chat journey: streaming, stop, regenerate, edit, resume, models, tools, reasoning,
// safe Markdown and errors — against the local OpenRouter, steered by `[[sb:...]]` directives
// in the last user message (see local-openrouter/directive.ts and plan.ts).
import { expect, test, type Locator, type Page } from "@playwright/test";
import {
  assistantMessages,
  completionsMentioning,
  composerInput,
  lastAnswerText,
  lastAssistant,
  marker,
  openNewChat,
  reloadChat,
  send,
  sendAndWait,
  userMessages,
  waitIdle,
  wordCount,
  recordDialogs,
} from "./fixtures/chat";
import { signUp } from "./fixtures/users";

const DEFAULT_MODEL = "openai/gpt-4o-mini";

function liveError(page: Page): Locator {
  return page.locator('[data-testid="chat-error"][data-live="true"]');
}

test.beforeEach(async ({ page }) => {
  // Streams run in real time (rate=…); leave room for a busy machine.
  test.setTimeout(120_000);
  await signUp(page);
});

test("an answer streams in incrementally, shows its footer, and the URL moves to /c/{id} without a reload", async ({ page }) => {
  await openNewChat(page);
  const id = await page.getByTestId("chat").getAttribute("data-conversation-id");
  expect(id).toBeTruthy();
  // A reload would lose this mark; the sidebar's event is counted on it too.
  await page.evaluate(() => {
    const root = document.documentElement;
    root.dataset.sbNoReload = "1";
    root.dataset.sbEvents = "0";
    window.addEventListener("switchboard:conversations-changed", () => {
      root.dataset.sbEvents = String(Number(root.dataset.sbEvents) + 1);
    });
  });

  // Record every state of the answer's text in the page itself (no polling round trips).
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { __sbSeen: string[] }).__sbSeen = seen;
    const list = document.querySelector('[data-testid="message-list"]');
    if (!list) throw new Error("no message list");
    new MutationObserver(() => {
      const answers = document.querySelectorAll('[data-testid="message-assistant"]');
      const answer = answers[answers.length - 1];
      if (!answer) return;
      const text = Array.from(answer.querySelectorAll('[data-testid="message-text"]'))
        .map((el) => el.textContent ?? "")
        .join("\n");
      if (text && seen[seen.length - 1] !== text) seen.push(text);
    }).observe(list, { subtree: true, childList: true, characterData: true });
  });

  await send(page, "Tell me something [[sb:text tokens=60 rate=20]]");
  await expect(assistantMessages(page)).toHaveCount(1);
  await waitIdle(page);
  const seen = await page.evaluate(() => (window as unknown as { __sbSeen: string[] }).__sbSeen);
  const finalText = await lastAnswerText(page);
  expect(seen[seen.length - 1]).toBe(finalText);
  const intermediate = seen.filter((t) => t !== finalText);
  expect(intermediate.length).toBeGreaterThanOrEqual(2);
  // Each state grew from the previous one.
  for (let i = 1; i < seen.length; i++) expect(seen[i].length).toBeGreaterThanOrEqual(seen[i - 1].length);

  const answer = lastAssistant(page);
  const footer = answer.getByTestId("message-footer");
  await expect(footer.getByTestId("footer-model")).toContainText(DEFAULT_MODEL);
  await expect(footer.getByTestId("footer-provider")).not.toBeEmpty();
  await expect(footer.getByTestId("footer-tokens")).toHaveText(/\d+ in · \d+ out/);
  await expect(footer.getByTestId("footer-cost")).toHaveText(/^(\$\d|pending)/);
  await expect(footer.getByTestId("copy-answer")).toBeVisible();
  await expect(footer.getByTestId("regenerate")).toBeVisible();

  await expect(page).toHaveURL(new RegExp(`/c/${id}$`));
  expect(await page.evaluate(() => document.documentElement.dataset.sbNoReload)).toBe("1");
  expect(Number(await page.evaluate(() => document.documentElement.dataset.sbEvents))).toBeGreaterThanOrEqual(1);
  await expect(page.getByTestId("conversation-cost")).toHaveText(/^\$\d/);
});

test("the composer: Send is disabled when empty, Shift+Enter adds a line, IME Enter is ignored, the draft survives a reload", async ({ page }) => {
  await openNewChat(page);
  await expect(page.getByTestId("send")).toBeDisabled();
  await sendAndWait(page, 'Hello [[sb:say text="hi"]]');
  await expect(page).toHaveURL(/\/c\//);
  const id = await page.getByTestId("chat").getAttribute("data-conversation-id");

  const input = composerInput(page);
  await expect(input).toBeFocused();
  await input.fill("line one");
  await input.press("Shift+Enter");
  await input.pressSequentially("line two");
  await expect(input).toHaveValue("line one\nline two");
  // The spend feature's estimate of what sending this would cost.
  await expect(page.getByTestId("cost-preview")).toHaveText(/\$\d/, { timeout: 15_000 });

  // Enter while an IME is composing must not send.
  await input.evaluate((el) => el.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", code: "Enter", isComposing: true, bubbles: true })));
  await expect(input).toHaveValue("line one\nline two");
  await expect(userMessages(page)).toHaveCount(1);

  // The draft is kept per conversation.
  expect(await page.evaluate((key) => localStorage.getItem(key), `switchboard:draft:${id}`)).toBe("line one\nline two");
  await page.reload();
  await expect(composerInput(page)).toHaveValue("line one\nline two");

  // Enter sends, clears the draft, and keeps the focus in the box.
  await composerInput(page).press("Enter");
  await expect(userMessages(page)).toHaveCount(2);
  await expect(userMessages(page).last()).toContainText("line two");
  await expect(composerInput(page)).toHaveValue("");
  await expect(composerInput(page)).toBeFocused();
  expect(await page.evaluate((key) => localStorage.getItem(key), `switchboard:draft:${id}`)).toBeNull();
  await waitIdle(page);
});

test("stopping keeps the partial answer, marked Stopped, with a cost, after a reload", async ({ page }) => {
  await openNewChat(page);
  const m = marker("stop");
  await send(page, `Write at length ${m} [[sb:text tokens=600 rate=20]]`);
  await expect(assistantMessages(page)).toHaveCount(1);
  await expect.poll(async () => wordCount(await lastAnswerText(page)), { timeout: 15_000 }).toBeGreaterThan(5);
  await page.getByTestId("stop").click();
  await waitIdle(page);
  await expect(page.getByTestId("send")).toBeVisible();
  await expect(lastAssistant(page).getByTestId("stopped-badge")).toBeVisible();
  const stoppedText = await lastAnswerText(page);
  expect(wordCount(stoppedText)).toBeGreaterThan(0);

  // The upstream request was ended (the server stops on the explicit request, not on a disconnect).
  await expect.poll(async () => (await completionsMentioning(m)).some((r) => r.entry.closedByClient === true), { timeout: 10_000 }).toBe(true);

  await page.reload();
  await expect(page).toHaveURL(/\/c\//);
  const answer = lastAssistant(page);
  await expect(answer.getByTestId("stopped-badge")).toBeVisible({ timeout: 15_000 });
  await expect(answer).toHaveAttribute("data-status", "partial");
  const savedText = await lastAnswerText(page);
  expect(wordCount(savedText)).toBeGreaterThan(0);
  expect(wordCount(savedText)).toBeLessThan(400);
  expect(savedText.replace(/\s+/g, " ")).toContain(stoppedText.replace(/\s+/g, " ").trim().slice(0, 40));

  // The partial answer has a cost (after settlement, if it was still pending).
  await expect
    .poll(
      async () => {
        await page.reload();
        return (await lastAssistant(page).getByTestId("footer-cost").textContent())?.trim();
      },
      { timeout: 30_000, intervals: [1000], message: "the stopped answer's cost, once settled, shows in its footer" },
    )
    .toMatch(/^\$\d/);
});

test("regenerate replaces the last answer", async ({ page }) => {
  await openNewChat(page);
  const first = await sendAndWait(page, "Say something [[sb:text tokens=15]]");
  const firstId = await first.getAttribute("data-message-id");
  expect(firstId).toBeTruthy();
  await first.getByTestId("regenerate").click();
  await expect(page.locator(`[data-testid="message-assistant"][data-message-id="${firstId}"]`)).toHaveCount(0);
  await expect(assistantMessages(page)).toHaveCount(1);
  await waitIdle(page);
  const second = lastAssistant(page);
  await expect(second).toHaveAttribute("data-streaming", "false");
  const secondId = await second.getAttribute("data-message-id");
  expect(secondId).not.toBe(firstId);
  await expect(second.getByTestId("message-footer")).toBeVisible();

  await page.reload();
  await expect(userMessages(page)).toHaveCount(1);
  await expect(assistantMessages(page)).toHaveCount(1);
  await expect(lastAssistant(page)).toHaveAttribute("data-message-id", secondId!);
});

test("editing an earlier message resends it and drops what came after", async ({ page }) => {
  await openNewChat(page);
  await sendAndWait(page, 'First question [[sb:say text="answer one"]]');
  await sendAndWait(page, 'Second question [[sb:say text="answer two"]]');
  await expect(assistantMessages(page)).toHaveCount(2);

  const firstUser = userMessages(page).first();
  await firstUser.hover();
  await firstUser.getByTestId("edit-message").click();
  const editor = firstUser.getByTestId("edit-input");
  await expect(editor).toHaveValue('First question [[sb:say text="answer one"]]');
  await editor.fill('Edited question [[sb:say text="answer three"]]');
  await firstUser.getByTestId("edit-save").click();

  await expect(userMessages(page)).toHaveCount(1);
  await expect(userMessages(page).first()).toContainText("Edited question");
  await expect(assistantMessages(page)).toHaveCount(1);
  await waitIdle(page);
  await expect(lastAssistant(page).getByTestId("message-content")).toContainText("answer three");
  await expect(page.getByTestId("message-list").getByText("answer two")).toHaveCount(0);

  await page.reload();
  await expect(userMessages(page)).toHaveCount(1);
  await expect(userMessages(page).first()).toContainText("Edited question");
  await expect(assistantMessages(page)).toHaveCount(1);
  await expect(lastAssistant(page).getByTestId("message-content")).toContainText("answer three");
});

test("reloading mid-answer resumes the stream", async ({ page }) => {
  await openNewChat(page);
  await send(page, "A long one [[sb:text tokens=400 rate=20]]");
  await expect(assistantMessages(page)).toHaveCount(1);
  await expect.poll(async () => wordCount(await lastAnswerText(page)), { timeout: 15_000 }).toBeGreaterThan(5);
  await expect(page).toHaveURL(/\/c\//);
  const before = wordCount(await lastAnswerText(page));

  await page.reload();
  // Still generating after the reload: Stop is offered and the text keeps growing.
  await expect(page.getByTestId("stop")).toBeVisible({ timeout: 15_000 });
  await expect.poll(async () => wordCount(await lastAnswerText(page)), { timeout: 20_000 }).toBeGreaterThan(before);
  await waitIdle(page, 60_000);
  await expect(assistantMessages(page)).toHaveCount(1);
  const answer = lastAssistant(page);
  await expect(answer).toHaveAttribute("data-streaming", "false");
  await expect(answer.getByTestId("stopped-badge")).toHaveCount(0);
  await expect(answer.getByTestId("footer-tokens")).toContainText("400 out");
});

test("switching model mid-conversation applies to the next message", async ({ page }) => {
  await openNewChat(page);
  const m1 = marker("one");
  const m2 = marker("two");
  const first = await sendAndWait(page, `First ${m1} [[sb:say text="from the first model"]]`);
  await expect(first.getByTestId("footer-model")).toContainText(DEFAULT_MODEL);

  await page.getByTestId("model-picker").click();
  const search = page.getByTestId("model-search");
  await expect(search).toBeFocused();
  await search.fill("claude haiku 4.5");
  await expect(page.getByTestId("model-option").first()).toHaveAttribute("data-model-id", "anthropic/claude-haiku-4.5");
  await search.press("Enter");
  await expect(page.getByTestId("model-search")).toBeHidden();
  const picker = page.getByTestId("model-picker");
  await expect(picker).toHaveAttribute("data-model-id", "anthropic/claude-haiku-4.5");
  await expect(picker).toContainText("Claude Haiku 4.5");

  const second = await sendAndWait(page, `Second ${m2} [[sb:say text="from the second model"]]`);
  await expect(second.getByTestId("footer-model")).toContainText(/haiku/i);
  await expect(first.getByTestId("footer-model")).toContainText(DEFAULT_MODEL);

  const firstRequests = await completionsMentioning(m1);
  const secondRequests = await completionsMentioning(m2);
  expect(firstRequests.map((r) => r.model)).toContain(DEFAULT_MODEL);
  expect(secondRequests.map((r) => r.model)).toContain("anthropic/claude-haiku-4.5");

  // The conversation remembers its model.
  await page.reload();
  await expect(page.getByTestId("model-picker")).toHaveAttribute("data-model-id", "anthropic/claude-haiku-4.5");
});

test("the model picker is keyboard-driven, shows capabilities and prices, and pins favourites", async ({ page }) => {
  await openNewChat(page);
  const trigger = page.getByTestId("model-picker");
  await expect(trigger).toHaveAttribute("data-model-id", DEFAULT_MODEL);
  await trigger.focus();
  await page.keyboard.press("Enter");
  const search = page.getByTestId("model-search");
  await expect(search).toBeFocused();
  await expect(search).toHaveAttribute("role", "combobox");
  await expect(page.getByRole("listbox")).toBeVisible();

  // Filter by text, move with the arrows. The catalog (generated from a recorded listing) has other authors'
  // DeepSeek derivatives too (tngtech/deepseek-r1t-chimera:free): every option names DeepSeek, grouped by author.
  await search.fill("deepseek");
  const options = page.getByTestId("model-option");
  await expect(options.first()).toBeVisible();
  for (const text of await options.evaluateAll((els) => els.map((el) => `${el.getAttribute("data-model-id")} ${el.textContent}`.toLowerCase()))) {
    expect(text).toContain("deepseek");
  }
  await expect(options.first()).toHaveAttribute("data-model-id", /^deepseek\//);
  const firstActive = await search.getAttribute("aria-activedescendant");
  await search.press("ArrowDown");
  await expect(search).not.toHaveAttribute("aria-activedescendant", firstActive ?? "");
  await expect(page.locator('[data-testid="model-option"][aria-selected="true"]')).toHaveCount(1);

  // A row shows provider, context and prices, and capability badges.
  const r1 = page.locator('[data-testid="model-option"][data-model-id="deepseek/deepseek-r1"]');
  await expect(r1.getByTestId("model-provider")).toHaveText("deepseek");
  await expect(r1.getByTestId("model-context")).toContainText("context");
  await expect(r1.getByTestId("model-price")).toContainText("per 1M tokens");
  await expect(r1.getByTestId("badge-reasoning")).toBeVisible();

  // Escape clears the search first, then closes.
  await search.press("Escape");
  await expect(search).toHaveValue("");
  await search.press("Escape");
  await expect(search).toBeHidden();
  await expect(trigger).toHaveAttribute("data-model-id", DEFAULT_MODEL);

  // Star a model: it is pinned under Favourites, and stays there after a reload.
  await trigger.click();
  await page.getByTestId("model-search").fill("gemini 2.5 pro");
  const gemini = page.locator('[data-testid="model-option"][data-model-id="google/gemini-2.5-pro"]');
  await gemini.getByTestId("favorite-toggle").click();
  await expect(gemini.getByTestId("favorite-toggle")).toHaveAttribute("aria-pressed", "true");
  await page.getByTestId("model-search").fill("");
  await expect(page.getByTestId("model-section-favorites").locator('[data-model-id="google/gemini-2.5-pro"]')).toBeVisible();
  await page.keyboard.press("Escape");

  await reloadChat(page);
  await page.getByTestId("model-picker").click();
  const favourites = page.getByTestId("model-section-favorites");
  await expect(favourites.locator('[data-model-id="google/gemini-2.5-pro"]')).toBeVisible();
  await expect(page.getByTestId("model-option").first()).toHaveAttribute("data-model-id", "google/gemini-2.5-pro");
});

test("the reasoning-effort control goes with the next message, and used models show under Recently used", async ({ page }) => {
  await openNewChat(page);
  // A model that does not reason has no effort control.
  await expect(page.getByTestId("reasoning-effort")).toHaveCount(0);
  await page.getByTestId("model-picker").click();
  await page.getByTestId("model-search").fill("deepseek r1");
  await page.locator('[data-testid="model-option"][data-model-id="deepseek/deepseek-r1"]').click();
  await expect(page.getByTestId("model-picker")).toHaveAttribute("data-model-id", "deepseek/deepseek-r1");
  const effort = page.getByTestId("reasoning-effort");
  await expect(effort).toBeVisible();
  await effort.selectOption("high");

  const m = marker("effort");
  await sendAndWait(page, `Think hard ${m} [[sb:say text="thought"]]`);
  const request = (await completionsMentioning(m)).find((r) => r.model === "deepseek/deepseek-r1");
  expect(request, "a completion request to the reasoning model").toBeTruthy();
  expect(JSON.stringify(request!.body)).toMatch(/"effort":"high"|"reasoning_effort":"high"/);

  // The conversation keeps its effort; the model is now under Recently used in a new chat.
  await reloadChat(page);
  await expect(page.getByTestId("reasoning-effort")).toHaveValue("high");
  await openNewChat(page);
  await page.getByTestId("model-picker").click();
  await expect(page.getByTestId("model-section-recent").locator('[data-model-id="deepseek/deepseek-r1"]')).toBeVisible();
  await page.keyboard.press("Escape");
});

test("conversation settings are sent with the next message", async ({ page }) => {
  await openNewChat(page);
  const m = marker("settings");
  await page.getByTestId("chat-settings-button").click();
  const dialog = page.getByTestId("chat-settings");
  await expect(dialog).toBeVisible();
  await dialog.getByTestId("settings-system-prompt").fill(`You are terse. ${m}`);
  await dialog.getByTestId("settings-temperature").fill("0.3");
  await dialog.getByTestId("settings-max-tokens").fill("500");
  await dialog.getByTestId("settings-save").click();
  await expect(dialog).toBeHidden();

  await sendAndWait(page, `Hello ${m} [[sb:say text="ok"]]`);
  const requests = await completionsMentioning(m);
  const request = requests.find((r) => JSON.stringify(r.body.messages ?? []).includes(`You are terse. ${m}`));
  expect(request, "a completion request carrying the system prompt").toBeTruthy();
  expect(request!.body.temperature).toBe(0.3);
  expect(request!.body.max_tokens ?? request!.body.max_completion_tokens).toBe(500);

  // Saved with the conversation.
  await reloadChat(page);
  await page.getByTestId("chat-settings-button").click();
  await expect(page.getByTestId("settings-temperature")).toHaveValue("0.3");
});

test("a tool call renders with its arguments and result, and survives a reload", async ({ page }) => {
  await openNewChat(page);
  const answer = await sendAndWait(page, `What is 2+3*4? [[sb:tool name=calculator args='{"expression":"2+3*4"}']]`);

  const check = async (container: Locator) => {
    const card = container.getByTestId("tool-card");
    await expect(card).toHaveCount(1);
    await expect(card).toHaveAttribute("data-state", "output-available");
    await expect(card).toHaveAttribute("data-tool-name", "calculator");
    await expect(card.getByTestId("tool-state")).toHaveText("Done");
    if ((await card.getByTestId("tool-input").count()) === 0) await card.getByTestId("tool-toggle").click();
    await expect(card.getByTestId("tool-input")).toContainText('"expression": "2+3*4"');
    await expect(card.getByTestId("tool-output")).toContainText("14");
  };
  await check(answer);
  // The model answered after the tool's result.
  await expect(answer.getByTestId("message-content")).toContainText("calculator returned");

  await page.reload();
  await check(lastAssistant(page));
});

test("a failing tool renders as failed and the answer continues", async ({ page }) => {
  await openNewChat(page);
  const answer = await sendAndWait(page, `Compute this [[sb:tool name=calculator args='{"expression":"2+*"}']]`);
  const card = answer.getByTestId("tool-card");
  await expect(card).toHaveAttribute("data-state", "output-error");
  await expect(card.getByTestId("tool-state")).toHaveText("Failed");
  await expect(card.getByTestId("tool-error")).not.toBeEmpty();
  await expect(answer.getByTestId("message-text").last()).toContainText("tools told me");
  await expect(liveError(page)).toHaveCount(0);

  await page.reload();
  await expect(lastAssistant(page).getByTestId("tool-card")).toHaveAttribute("data-state", "output-error");
});

test("an empty answer and a filtered one each say why they ended, with Retry, and still do after a reload", async ({ page }) => {
  await openNewChat(page);
  await send(page, `Say nothing [[sb:say text=""]]`);
  await waitIdle(page);
  const empty = page.locator('[data-testid="chat-error"][data-code="upstream:empty_answer"]');
  await expect(empty.getByTestId("chat-error-message")).toContainText("returned nothing");
  await expect(empty.getByTestId("chat-error-retry")).toBeVisible();

  await send(page, "Write on [[sb:text tokens=6 finish=content_filter]]");
  await waitIdle(page);
  const filtered = page.locator('[data-testid="chat-error"][data-code="upstream:content_filter"]');
  await expect(filtered.getByTestId("chat-error-message")).toContainText("content filter");
  // What the model wrote before the filter stopped it is kept.
  await expect(lastAssistant(page).getByTestId("message-text")).not.toBeEmpty();

  await reloadChat(page);
  await expect(page.locator('[data-testid="chat-error"][data-code="upstream:content_filter"]')).toBeVisible();
  await expect(page.locator('[data-testid="chat-error"][data-code="upstream:empty_answer"]')).toBeVisible();
});

test("reasoning shows as a Thinking block, open while it streams, closed when done", async ({ page }) => {
  await openNewChat(page);
  // Record the block's states in the page (open/closed while streaming or not).
  await page.evaluate(() => {
    const states: string[] = [];
    (window as unknown as { __sbReasoning: string[] }).__sbReasoning = states;
    const list = document.querySelector('[data-testid="message-list"]');
    if (!list) throw new Error("no message list");
    new MutationObserver(() => {
      const blocks = document.querySelectorAll('[data-testid="reasoning"]');
      const block = blocks[blocks.length - 1];
      if (!block) return;
      const text = block.querySelector('[data-testid="reasoning-text"]')?.textContent ?? "";
      const state = `${block.getAttribute("data-streaming")}:${block.getAttribute("data-state")}:${text.length > 0}`;
      if (states[states.length - 1] !== state) states.push(state);
    }).observe(list, { subtree: true, childList: true, characterData: true, attributes: true });
  });

  await send(page, "Think first [[sb:reasoning tokens=60 answer=12 rate=20]]");
  const reasoning = lastAssistant(page).getByTestId("reasoning");
  await expect(reasoning).toBeVisible({ timeout: 15_000 });
  await waitIdle(page);
  const states = await page.evaluate(() => (window as unknown as { __sbReasoning: string[] }).__sbReasoning);
  // While streaming it was open and showed its text; once done it closed by itself.
  expect(states).toContain("true:open:true");
  expect(states[states.length - 1]).toMatch(/^false:closed:/);
  await expect(reasoning).toHaveAttribute("data-state", "closed");
  await expect(lastAssistant(page).getByTestId("message-text")).not.toBeEmpty();
  await reasoning.getByTestId("reasoning-toggle").click();
  await expect(reasoning).toHaveAttribute("data-state", "open");
  await expect(reasoning.getByTestId("reasoning-text")).not.toBeEmpty();

  await reloadChat(page);
  const saved = lastAssistant(page).getByTestId("reasoning");
  await expect(saved).toHaveAttribute("data-state", "closed");
  await saved.getByTestId("reasoning-toggle").click();
  await expect(saved.getByTestId("reasoning-text")).not.toBeEmpty();
});

test("Markdown renders (tables, code with copy) and hostile HTML and links stay inert", async ({ page }) => {
  const dialogs = recordDialogs(page);
  await openNewChat(page);
  const hostile = [
    "<script>alert(1)</script>",
    "An image: <img src=x onerror=alert(1)> inline.",
    "A [bad link](javascript:alert(1)), a [data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) and a [good one](https://example.com/a).",
  ].join("\n\n");
  const answer = await sendAndWait(page, `[[sb:say text=${JSON.stringify(hostile)}]]`);
  const content = answer.getByTestId("message-content");
  // Raw HTML shows as text, never as markup.
  await expect(content).toContainText("<script>alert(1)</script>");
  await expect(content).toContainText("<img src=x onerror=alert(1)>");
  await page.waitForTimeout(500);
  expect(dialogs).toEqual([]);
  // Unsafe links keep their words but lose the link.
  await expect(content.getByTestId("blocked-link")).toHaveText(["bad link", "data link"]);

  const list = page.getByTestId("message-list");
  expect(await list.locator("script").count()).toBe(0);
  expect(await content.locator("img").count()).toBe(0);
  expect(await list.locator("[onerror]").count()).toBe(0);
  expect(await page.locator('a[href^="javascript:" i]').count()).toBe(0);
  const hrefs = await content.locator("a").evaluateAll((els) => els.map((el) => el.getAttribute("href")));
  for (const href of hrefs) expect(href ?? "").toMatch(/^(https?:|mailto:|#)/);
  const safe = content.locator('a[href="https://example.com/a"]');
  await expect(safe).toHaveAttribute("target", "_blank");
  await expect(safe).toHaveAttribute("rel", /noopener/);
  await expect(safe).toHaveAttribute("rel", /noreferrer/);

  // Saved answers are rendered by the server after a reload: just as inert.
  await page.reload();
  const saved = lastAssistant(page).getByTestId("message-content");
  await expect(saved).toContainText("<script>alert(1)</script>");
  await expect(saved).toContainText("<img src=x onerror=alert(1)>");
  await expect(saved.getByTestId("blocked-link")).toHaveText(["bad link", "data link"]);
  expect(await page.getByTestId("message-list").locator("script, [onerror]").count()).toBe(0);
  expect(await saved.locator("img").count()).toBe(0);
  expect(await page.locator('a[href^="javascript:" i], a[href^="data:" i]').count()).toBe(0);
  await expect(saved.locator('a[href="https://example.com/a"]')).toHaveAttribute("rel", /noopener/);
  await page.waitForTimeout(500);
  expect(dialogs).toEqual([]);

  // GFM and code blocks.
  const markdown = "| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n\n```js\nconst x = 1;\n```";
  const second = await sendAndWait(page, `[[sb:say text=${JSON.stringify(markdown)}]]`);
  await expect(second.locator("table td").first()).toHaveText("1");
  await expect(second.locator('input[type="checkbox"]')).toBeChecked();
  await expect(second.getByTestId("code-language")).toHaveText("js");
  await expect(second.getByTestId("copy-code")).toBeVisible();
  await expect(second.locator("pre code")).toContainText("const x = 1;");

  // The same, rendered by the server after a reload, highlighted.
  await page.reload();
  const savedCode = lastAssistant(page);
  await expect(savedCode.locator("table td").first()).toHaveText("1");
  await expect(savedCode.locator('input[type="checkbox"]')).toBeChecked();
  await expect(savedCode.getByTestId("code-language")).toHaveText("js");
  await expect(savedCode.locator("pre code.hljs")).toContainText("const x = 1;");
  await expect(savedCode.locator("pre code span[class^='hljs-']").first()).toBeVisible();
});

test("upstream 402, 429 and 503 each show their own clear message, and the next message works", async ({ page }) => {
  await openNewChat(page);
  const shown = new Map<string, string>();
  const cases = [
    { status: 402, directive: "[[sb:error status=402]]" },
    { status: 429, directive: "[[sb:error status=429 retry=7]]" },
    { status: 503, directive: "[[sb:error status=503]]" },
  ];
  for (const c of cases) {
    await send(page, `Please answer ${marker()} ${c.directive}`);
    const card = liveError(page);
    await expect(card).toBeVisible({ timeout: 20_000 });
    const message = (await card.getByTestId("chat-error-message").textContent())?.trim() ?? "";
    expect(message.length, `a message for ${c.status}`).toBeGreaterThan(5);
    await expect(card.getByTestId("chat-error-code")).toHaveText(/^[a-z_]+:\S+$/);
    await expect(card.getByTestId("chat-error-retry")).toBeVisible();
    if (c.status === 429) await expect(card.getByTestId("chat-error-retry-after")).toBeVisible();
    shown.set(String(c.status), message);
    await waitIdle(page);

    // The conversation is still usable.
    const ok = await sendAndWait(page, `And now ${marker()} [[sb:say text="recovered"]]`);
    await expect(ok.getByTestId("message-content")).toContainText("recovered");
    await expect(liveError(page)).toHaveCount(0);
  }
  expect(new Set(shown.values()).size, JSON.stringify(Object.fromEntries(shown))).toBe(3);
});

test("a failure in the middle of the stream keeps the partial answer, shows the error, and survives a reload", async ({ page }) => {
  await openNewChat(page);
  await send(page, 'Start then break [[sb:midstream-error after=8 rate=20 message="Provider disconnected unexpectedly"]]');
  const card = liveError(page);
  await expect(card).toBeVisible({ timeout: 20_000 });
  await expect(card.getByTestId("chat-error-message")).not.toBeEmpty();
  expect(wordCount(await lastAnswerText(page))).toBeGreaterThan(0);
  await waitIdle(page);

  await page.reload();
  await expect(lastAssistant(page).getByTestId("chat-error")).toBeVisible();

  const ok = await sendAndWait(page, 'Again [[sb:say text="fine now"]]');
  await expect(ok.getByTestId("message-content")).toContainText("fine now");
  await expect(liveError(page)).toHaveCount(0);
});

test("Retry on a failed answer asks again and succeeds", async ({ page }) => {
  await openNewChat(page);
  // Fails once, then the same request succeeds.
  await send(page, `Flaky ${marker()} [[sb:error status=503 times=1]]`);
  const card = liveError(page);
  await expect(card).toBeVisible({ timeout: 20_000 });
  await waitIdle(page);
  await card.getByTestId("chat-error-retry").click();
  await waitIdle(page);
  await expect(liveError(page)).toHaveCount(0);
  await expect(userMessages(page)).toHaveCount(1);
  const answer = lastAssistant(page);
  await expect(answer.getByTestId("message-text")).not.toBeEmpty();
  await expect(answer.getByTestId("message-footer")).toBeVisible();
});

test("the list sticks to the bottom while streaming, unless the user scrolls up", async ({ page }) => {
  await openNewChat(page);
  await send(page, "Very long [[sb:text tokens=1500 rate=250]]");
  const list = page.getByTestId("message-list");
  await expect(assistantMessages(page)).toHaveCount(1);
  // Following the stream.
  await expect.poll(() => list.evaluate((el) => el.scrollHeight > el.clientHeight + 200), { timeout: 15_000 }).toBe(true);
  expect(await list.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight)).toBeLessThan(80);

  // Scrolled up: stays put while text keeps arriving, and offers a way back.
  await list.hover();
  await page.mouse.wheel(0, -2000);
  await expect(page.getByTestId("scroll-to-bottom")).toBeVisible();
  const top = await list.evaluate((el) => el.scrollTop);
  await page.waitForTimeout(500);
  expect(Math.abs((await list.evaluate((el) => el.scrollTop)) - top)).toBeLessThan(5);

  await page.getByTestId("scroll-to-bottom").click();
  await expect(page.getByTestId("scroll-to-bottom")).toBeHidden();
  expect(await list.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight)).toBeLessThan(80);
  await waitIdle(page);
});

test("a long conversation opens at its end and pages in earlier messages when scrolled up", async ({ page }) => {
  // 150 saved messages, through the account import.
  const total = 150;
  const messages = Array.from({ length: total }, (_, i) =>
    i % 2 === 0
      ? { role: "user", parts: [{ type: "text", text: `Question ${i}` }] }
      : { role: "assistant", parts: [{ type: "text", text: `Answer **${i}** with \`code ${i}\`` }], model: DEFAULT_MODEL },
  );
  const imported = await page.request.post("/api/account/import", {
    data: {
      format: "switchboard-export",
      version: 1,
      conversations: [{ title: `Long ${marker()}`, model: DEFAULT_MODEL, messages }],
    },
  });
  expect(imported.status()).toBe(201);
  const { conversations } = (await imported.json()) as { conversations: { id: string }[] };
  await page.goto(`/c/${conversations[0].id}`);

  // Only the latest page comes with the page, rendered as Markdown by the server.
  const rows = page.getByTestId("message-row");
  await expect(lastAssistant(page).getByTestId("message-text")).toContainText("Answer 149");
  await expect(lastAssistant(page).locator("strong")).toHaveText("149");
  await expect(rows).toHaveCount(60);
  const more = page.getByTestId("load-earlier");
  await expect(more).toHaveAttribute("data-count", "90");

  // Scrolling to the top brings the previous page (100 more); the button pages the rest.
  await page.getByTestId("message-list").evaluate((el) => (el.scrollTop = 0));
  await expect.poll(() => rows.count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(140);
  if ((await more.count()) > 0) await more.click();
  await expect(rows).toHaveCount(total);
  await expect(more).toHaveCount(0);
  await expect(userMessages(page).first()).toContainText("Question 0");
  await expect(assistantMessages(page).first().locator("strong")).toHaveText("1");

  // The conversation goes on as usual.
  const answer = await sendAndWait(page, 'Still here? [[sb:say text="yes"]]');
  await expect(answer.getByTestId("message-content")).toContainText("yes");
  await page.reload();
  await expect(rows).toHaveCount(60);
  await expect(page.getByTestId("load-earlier")).toHaveAttribute("data-count", "92");
});

test("New chat right after a conversation was created in place starts a fresh chat", async ({ page }) => {
  await openNewChat(page);
  await sendAndWait(page, 'Say it [[sb:say text="first"]]');
  const first = page.url();
  expect(first).toMatch(/\/c\//);
  await page.getByTestId("new-chat-link").click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId("message-assistant")).toHaveCount(0);
  await expect(page.getByTestId("chat")).not.toHaveAttribute("data-conversation-id", first.split("/c/")[1]!);
  // The earlier conversation is kept.
  await expect(page.getByTestId("sidebar").locator(`a[href="/c/${first.split("/c/")[1]}"]`)).toBeVisible();
});
