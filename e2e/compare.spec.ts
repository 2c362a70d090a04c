// Compare and alternatives: one prompt to three models streaming side by side (against the local
// OpenRouter, each model at its own token rate), stop one, read the summary, keep one and
// continue; regenerate twice and switch between the answers. What went upstream is read from the
// local OpenRouter's request log.
import { expect, test, type Locator, type Page } from "@playwright/test";
import { completionsMentioning, marker, openNewChat, reloadChat, send, sendAndWait, waitIdle } from "./fixtures/chat";
import { signUp } from "./fixtures/users";

const MINI = "openai/gpt-4o-mini";
const GEMINI = "google/gemini-2.5-flash";
const HAIKU = "anthropic/claude-haiku-4.5";

test.beforeEach(async ({ page }) => {
  test.setTimeout(150_000);
  await signUp(page);
});

async function pickModel(page: Page, trigger: Locator, search: string, id: string): Promise<void> {
  await trigger.click();
  const box = page.getByTestId("model-search");
  await box.fill(search);
  await expect(page.getByTestId("model-option").first()).toHaveAttribute("data-model-id", id);
  await box.press("Enter");
  await expect(box).toBeHidden();
}

function column(page: Page, model: string): Locator {
  return page.locator(`[data-testid="compare-column"][data-model="${model}"]`);
}

/** The text of each column right now, read in one go (no auto-waiting between them). */
async function columnTexts(page: Page): Promise<Record<string, { text: number; streaming: boolean }>> {
  return page.evaluate(() => {
    const out: Record<string, { text: number; streaming: boolean }> = {};
    for (const el of document.querySelectorAll<HTMLElement>('[data-testid="compare-column"]')) {
      const text = Array.from(el.querySelectorAll('[data-testid="message-text"]'))
        .map((t) => t.textContent ?? "")
        .join("");
      out[el.dataset.model ?? ""] = { text: text.length, streaming: el.dataset.streaming === "true" };
    }
    return out;
  });
}

const usd = (text: string | null) => Number((text ?? "").replace(/[^0-9.]/g, ""));

/** Shows the turn's previous or next answer and waits until the server has saved the switch. */
async function switchAnswer(page: Page, direction: "previous" | "next") {
  const saved = page.waitForResponse((r) => r.url().endsWith("/alternatives") && r.request().method() === "POST");
  await page.getByTestId(`alternative-${direction}`).click();
  expect((await saved).status()).toBe(200);
}

test("three models answer side by side; one is stopped; the summary marks the cheapest and the fastest; the kept answer is the only one sent next; the alternatives switch after a reload", async ({
  page,
}) => {
  // Three streams of half a minute, a stop, a reload: more than the default on a loaded machine.
  test.setTimeout(180_000);
  await openNewChat(page);
  await page.getByTestId("compare-toggle").click();
  const chooser = page.getByTestId("compare-models");
  await expect(chooser.getByTestId("compare-model-chip")).toHaveCount(1);
  await pickModel(page, chooser.getByTestId("model-picker"), "gemini 2.5 flash", GEMINI);
  await pickModel(page, chooser.getByTestId("model-picker"), "claude haiku 4.5", HAIKU);
  await expect(chooser.getByTestId("compare-model-chip")).toHaveCount(3);

  const m = marker("cmp");
  // Long enough that the two columns left running are still streaming after the stop, however
  // slow the machine (Gemini needs 18 s, the mini 24 s: a stop that took long to show once outlived
  // an 8-second Gemini).
  await send(page, `${m} [[sb:text tokens=360 rates="${MINI}:15,${GEMINI}:20,${HAIKU}:10"]]`);
  await expect(page.getByTestId("compare-column")).toHaveCount(3);
  // All three show text while all three are still streaming: they answer at the same time.
  await expect.poll(async () => Object.values(await columnTexts(page)).filter((c) => c.text > 0 && c.streaming).length, { timeout: 20_000 }).toBe(3);

  // Stop the slowest; the other two go on streaming.
  await column(page, HAIKU).getByTestId("compare-stop").click();
  // The server saves the partial answer before the column ends (a few seconds on a busy machine).
  await expect(column(page, HAIKU)).toHaveAttribute("data-streaming", "false", { timeout: 20_000 });
  const atStop = await columnTexts(page);
  await expect.poll(async () => (await columnTexts(page))[MINI]!.text, { timeout: 20_000 }).toBeGreaterThan(atStop[MINI]!.text);
  await expect.poll(async () => (await columnTexts(page))[GEMINI]!.text, { timeout: 20_000 }).toBeGreaterThan(atStop[GEMINI]!.text);
  await waitIdle(page, 45_000);
  await expect(page.getByTestId("compare-column").filter({ has: page.locator('[data-streaming="true"]') })).toHaveCount(0);

  // Each finished column's footer: tokens, cost, time to first token, speed and total time.
  for (const model of [MINI, GEMINI]) {
    const footer = column(page, model).getByTestId("message-footer");
    await expect(footer.getByTestId("footer-tokens")).toHaveText(/\d+ in · \d+ out/);
    await expect(footer.getByTestId("footer-cost")).toHaveText(/^\$\d/);
    await expect(footer.getByTestId("footer-ttft")).toBeVisible();
    await expect(footer.getByTestId("footer-tps")).toBeVisible();
    await expect(footer.getByTestId("footer-duration")).toHaveText(/total$/);
  }

  // The summary: the cheapest has the lowest cost and the fastest the highest speed of the finished answers.
  const summary = page.getByTestId("compare-summary");
  const row = (model: string) => summary.locator(`[data-testid="compare-summary-row"][data-model="${model}"]`);
  await expect(row(MINI)).toHaveAttribute("data-cheapest", "true");
  await expect(row(GEMINI)).toHaveAttribute("data-fastest", "true");
  await expect(row(HAIKU)).toHaveAttribute("data-cheapest", "false");
  expect(usd(await row(MINI).getByTestId("summary-cost").textContent())).toBeLessThan(
    usd(await row(GEMINI).getByTestId("summary-cost").textContent()),
  );
  expect(Number(await row(GEMINI).getByTestId("summary-tps").textContent())).toBeGreaterThan(
    Number(await row(MINI).getByTestId("summary-tps").textContent()),
  );

  // After a reload the stopped column keeps its partial answer, marked stopped, and its cost once settled.
  const stoppedText = (await columnTexts(page))[HAIKU]!.text;
  expect(stoppedText).toBeGreaterThan(0);
  await expect
    .poll(
      async () => {
        await reloadChat(page);
        await expect(column(page, HAIKU)).toBeVisible();
        return (await row(HAIKU).getByTestId("summary-cost").textContent()) ?? "";
      },
      { timeout: 45_000, intervals: [500, 1000, 2000] },
    )
    .toMatch(/^\$/);
  expect((await columnTexts(page))[HAIKU]!.text).toBe(stoppedText);
  await expect(column(page, HAIKU).getByTestId("stopped-badge")).toBeVisible();

  // Keep the second answer: it becomes the conversation's answer and its model the conversation's.
  const keptText = await column(page, GEMINI).getByTestId("message-content").innerText();
  await column(page, GEMINI).getByTestId("compare-keep").click();
  await expect(page.getByTestId("compare-turn")).toHaveCount(0);
  await expect(page.getByTestId("alternative-index")).toHaveText("2 / 3");
  await expect(page.getByTestId("model-picker").first()).toHaveAttribute("data-model-id", GEMINI);

  const m2 = marker("next");
  await sendAndWait(page, `${m2} [[sb:text tokens=4]]`);
  const next = (await completionsMentioning(m2)).filter((r) => r.body.stream === true);
  expect(next).toHaveLength(1);
  expect(next[0]!.model).toBe(GEMINI);
  const history = (next[0]!.body.messages as { role: string; content: unknown }[]).filter((x) => x.role === "assistant");
  expect(history).toHaveLength(1);
  expect(String(history[0]!.content).replace(/\s+/g, " ").trim()).toBe(keptText.replace(/\s+/g, " ").trim());

  // After a reload the turn still switches between its three answers, and the choice is saved.
  await reloadChat(page);
  const index = page.getByTestId("alternative-index");
  await expect(index).toHaveText("2 / 3");
  await switchAnswer(page, "previous");
  await expect(index).toHaveText("1 / 3");
  await expect(page.getByTestId("message-assistant").first().getByTestId("footer-model")).toContainText(MINI);
  await page.reload();
  await expect(page.getByTestId("alternative-index")).toHaveText("1 / 3");
});

test("regenerating twice keeps three answers, each switchable and each in the export", async ({ page }) => {
  await openNewChat(page);
  const m = marker("regen");
  // The local model's default answer names the model, so each model's answer reads differently.
  const first = await sendAndWait(page, `${m} tell me something`);
  const texts = [await first.getByTestId("message-content").innerText()];
  for (const [search, id] of [
    ["claude haiku 4.5", HAIKU],
    ["gemini 2.5 flash", GEMINI],
  ] as const) {
    await pickModel(page, page.getByTestId("model-picker"), search, id);
    await page.getByTestId("message-assistant").last().getByTestId("regenerate").click();
    await waitIdle(page);
    await expect(page.getByTestId("message-assistant").last().getByTestId("footer-model")).toContainText(id);
    texts.push(await page.getByTestId("message-assistant").last().getByTestId("message-content").innerText());
  }
  expect(new Set(texts).size).toBe(3);
  const index = page.getByTestId("alternative-index");
  await expect(index).toHaveText("3 / 3");
  for (const expected of [2, 1]) {
    await switchAnswer(page, "previous");
    await expect(index).toHaveText(`${expected} / 3`);
    await expect(page.getByTestId("message-assistant").last().getByTestId("message-content")).toHaveText(texts[expected - 1]!);
  }
  await switchAnswer(page, "next");
  await expect(index).toHaveText("2 / 3");

  const conversationId = await page.getByTestId("chat").getAttribute("data-conversation-id");
  const response = await page.request.get(`/api/conversations/${conversationId}/export?format=json`);
  expect(response.ok()).toBe(true);
  const exported = (await response.json()) as {
    conversations: { messages: { position: number; variant: number; shown: boolean; text: string }[] }[];
  };
  const answers = exported.conversations[0]!.messages.filter((x) => x.position === 1);
  expect(answers.map((a) => a.variant)).toEqual([0, 1, 2]);
  expect(answers.map((a) => a.shown)).toEqual([false, true, false]);
  expect(answers.map((a) => a.text.replace(/\s+/g, " ").trim())).toEqual(texts.map((t) => t.replace(/\s+/g, " ").trim()));
});

test("the composer's Stop stops every compared column, and each shows itself stopped at once and after a reload", async ({ page }) => {
  await openNewChat(page);
  await page.getByTestId("compare-toggle").click();
  await pickModel(page, page.getByTestId("compare-models").getByTestId("model-picker"), "gemini 2.5 flash", GEMINI);
  await send(page, `${marker("stopall")} [[sb:text tokens=400 rate=20]]`);
  await expect.poll(async () => Object.values(await columnTexts(page)).filter((c) => c.text > 0 && c.streaming).length, { timeout: 20_000 }).toBe(2);
  await page.getByTestId("stop").click();
  for (const model of [MINI, GEMINI]) {
    await expect(column(page, model)).toHaveAttribute("data-streaming", "false");
    await expect(column(page, model).getByTestId("stopped-badge")).toBeVisible();
  }
  const atStop = await columnTexts(page);
  await page.reload();
  for (const model of [MINI, GEMINI]) {
    await expect(column(page, model).getByTestId("stopped-badge")).toBeVisible();
    expect((await columnTexts(page))[model]!.text).toBe(atStop[model]!.text);
  }
});
