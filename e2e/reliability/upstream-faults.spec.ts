// The upstream failing in every way OpenRouter can, scripted in the local OpenRouter: each pre-stream
// error status, an error in the middle of the stream, a dropped connection, a stall past the timeout,
// a slow first token, a malformed SSE chunk. For each: the user sees a clear message (the stream's
// error chunk; the chat UI's error card), the user's message is saved, the partial answer is saved
// with its status, and the spend is settled to the true cost — the upstream's own /generation
// records, compared row by row.
import { E2E_OPENROUTER_KEY } from "../fixtures/constants";
import { openNewChat, send, waitIdle } from "../fixtures/chat";
import { newId, streamError, streamedText, uniqueMarker, type Client } from "../security/support";
import { expect, expectSettledToTrueCost, savedConversation, STALL_TIMEOUT_MS, test } from "./support";

let client: Client;

test.beforeAll(async ({ reliabilityApp }) => {
  test.setTimeout(120_000);
  client = await reliabilityApp.user("faults");
});

type Fault = {
  name: string;
  directive: string;
  /** The error code the user must see; null when the answer must complete; "either" when both are fine. */
  code: RegExp | null | "either";
  retryAfter?: number;
  /** Whether some text must have been streamed (and saved) before the failure. */
  partial?: boolean;
};

const faults: Fault[] = [
  { name: "400 bad request", directive: "[[sb:error status=400]]", code: /^bad_request:upstream$/ },
  { name: "401 key rejected", directive: "[[sb:error status=401]]", code: /^upstream:auth$/ },
  { name: "402 out of credits", directive: "[[sb:error status=402]]", code: /^upstream:credits$/ },
  { name: "403 moderation", directive: "[[sb:error status=403 reason=violence]]", code: /^forbidden:moderation$/ },
  { name: "408 timeout", directive: "[[sb:error status=408]]", code: /^timeout:upstream$/ },
  { name: "429 rate limited, Retry-After", directive: "[[sb:error status=429 retry=7]]", code: /^rate_limited:upstream$/, retryAfter: 7 },
  { name: "502 provider error", directive: "[[sb:error status=502]]", code: /^upstream:provider$/ },
  { name: "503 no provider", directive: "[[sb:error status=503]]", code: /^unavailable:upstream$/ },
  {
    name: "an error in the middle of the stream",
    directive: "[[sb:midstream-error after=8 rate=100]]",
    code: /^(upstream|unavailable):[a-z_]+$/,
    partial: true,
  },
  { name: "a dropped connection", directive: "[[sb:drop after=8 rate=100]]", code: /^(upstream|unavailable|timeout):[a-z_]+$/, partial: true },
  { name: "a stall past the timeout", directive: "[[sb:stall after=6 rate=100]]", code: /^timeout:upstream$/, partial: true },
  // Skipping the bad chunk or stopping with a clear error are both acceptable; silence is not.
  { name: "a malformed chunk, then the stream goes on", directive: "[[sb:malformed after=6 rate=100]]", code: "either", partial: true },
  {
    name: "a malformed chunk, then the connection closes",
    directive: "[[sb:malformed after=6 rate=100 then=close]]",
    code: /^[a-z_]+:[a-z_]+$/,
    partial: true,
  },
  { name: "a slow first token within the timeout", directive: `[[sb:slow-first ms=${STALL_TIMEOUT_MS - 800} every=400]]`, code: null },
  // Keep-alive comments are activity: OpenRouter sends them while a model thinks (every stream in
  // tests/fixtures/openrouter-recorded/ starts with some), so a first token after the timeout is fine.
  {
    name: "a first token after keep-alives longer than the timeout",
    directive: `[[sb:slow-first ms=${STALL_TIMEOUT_MS + 3000} every=500]]`,
    code: null,
  },
];

for (const fault of faults) {
  test(`${fault.name}: a clear message, the message and the partial answer saved, the true cost settled`, async () => {
    const conversationId = newId();
    // A first, ordinary exchange: the fault then hits a conversation with history (and not its title).
    const warmup = await client.chat(conversationId, 'Hello [[sb:say text="Hi there."]]');
    expect(warmup.status).toBe(200);

    const marker = uniqueMarker("FAULT");
    const started = Date.now();
    const reply = await client.chat(conversationId, `Question ${marker} ${fault.directive}`);
    expect(reply.status, reply.text.slice(0, 300)).toBe(200);
    const error = streamError(reply.chunks);
    const streamed = streamedText(reply.chunks);
    const code = fault.code === "either" ? (error ? /^[a-z_]+:[a-z_]+$/ : null) : fault.code;

    if (code) {
      expect(error, `an error chunk in: ${reply.text.slice(-400)}`).toBeTruthy();
      expect(error!.code).toMatch(code);
      expect(error!.message.length, "a sentence, not a bare code").toBeGreaterThan(15);
      expect(error!.message).not.toMatch(/^\s*[{[]/);
      expect(error!.message).not.toContain(E2E_OPENROUTER_KEY);
      if (fault.retryAfter) expect(error!.retryAfter).toBe(fault.retryAfter);
    } else {
      expect(error, `no error: ${JSON.stringify(error)}`).toBeUndefined();
    }
    if (/stall past/.test(fault.name)) {
      expect(Date.now() - started, "stopped by the stall timeout, not left hanging").toBeLessThan(STALL_TIMEOUT_MS + 15_000);
    }
    if (fault.partial) expect(streamed.length, "text arrived before the failure").toBeGreaterThan(0);

    const saved = await savedConversation(client, conversationId);
    expect(saved.messages.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant"]);
    const [, , question, answer] = saved.messages;
    expect(question.text, "the user's message is saved").toContain(marker);
    expect(question.status).toBe("complete");
    const savedText = answer.parts
      .filter((p) => p.type === "text")
      .map((p) => p.text ?? "")
      .join("");
    if (code) {
      expect(answer.status, "the failed answer is saved as failed").toBe("error");
      expect(answer.error?.code).toBe(error!.code);
      expect(answer.metadata?.status).toBe("error");
      // Exactly what the user saw streaming is what was kept.
      expect(savedText).toBe(streamed);
    } else {
      expect(answer.status).toBe("complete");
      expect(savedText.length).toBeGreaterThan(0);
      expect(savedText).toBe(streamed);
    }

    await expectSettledToTrueCost(client, conversationId, marker);
  });
}

test("in the chat UI: a rate limit, a broken stream and a stall each show a clear error card; a reload keeps what was saved", async ({
  browser,
  recorder,
  reliabilityApp,
}) => {
  test.setTimeout(180_000);
  const context = await browser.newContext({ baseURL: reliabilityApp.url, storageState: await client.ctx.storageState() });
  recorder.watch(context);
  const page = await context.newPage();
  await openNewChat(page);
  const cases = [
    { directive: "[[sb:error status=429 retry=30]]", code: /^rate_limited:upstream$/, retryAfter: true },
    { directive: "[[sb:midstream-error after=10 rate=60]]", code: /^(upstream|unavailable):/, partial: true },
    { directive: "[[sb:stall after=6 rate=60]]", code: /^timeout:upstream$/, partial: true },
  ];
  const live = page.locator('[data-testid="chat-error"][data-live="true"]');
  for (const [index, c] of cases.entries()) {
    const marker = uniqueMarker("UI");
    await send(page, `Case ${index} ${marker} ${c.directive}`);
    await expect(live).toBeVisible({ timeout: 30_000 });
    await expect(live.getByTestId("chat-error-code")).toHaveText(c.code);
    const message = (await live.getByTestId("chat-error-message").textContent()) ?? "";
    expect(message.trim().length, "a readable sentence").toBeGreaterThan(15);
    expect(message).not.toContain("{");
    if (c.retryAfter) await expect(live.getByTestId("chat-error-retry-after")).toBeVisible();
    await waitIdle(page);
    const answer = page.getByTestId("message-assistant").last();
    if (c.partial) await expect(answer.getByTestId("message-text")).not.toBeEmpty();

    // After a reload the question and the failed answer (with its error) are still there.
    const shownText = c.partial ? ((await answer.getByTestId("message-text").textContent()) ?? "") : "";
    await page.reload();
    await expect(page.getByTestId("message-user").last()).toContainText(marker);
    const reloaded = page.getByTestId("message-assistant").last();
    await expect(reloaded.getByTestId("chat-error")).toBeVisible();
    if (c.partial) await expect(reloaded.getByTestId("message-text")).toHaveText(shownText);
  }
  await context.close();
});
