import { generateId, type UIMessageChunk } from "ai";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/lib/auth";
import type { ChatRequest } from "@/lib/chat/types";
import type { LocalOpenRouter } from "@/local-openrouter";
import { useLocalOpenRouter } from "@/tests/helpers/upstream";
import { makeUser } from "@/tests/helpers/users";

// The chat pipeline end to end below the HTTP route: real database, real provider, the
// local OpenRouter over HTTP.

let upstream: LocalOpenRouter;
beforeAll(async () => {
  upstream = await useLocalOpenRouter();
});

async function send(user: SessionUser, request: Omit<ChatRequest, "trigger"> & { trigger?: ChatRequest["trigger"] }) {
  const { planTurn, commitTurn } = await import("./turn");
  const { startAnswer } = await import("./answer");
  const { attachStream } = await import("./streams");
  const { requireModel } = await import("@/lib/openrouter/catalog");
  const body: ChatRequest = { trigger: "submit-message", ...request };
  const model = await requireModel(body.model);
  const plan = await planTurn(user, body);
  const assistantMessageId = generateId();
  const turn = await commitTurn(user, plan, { model: model.id, answers: [{ id: assistantMessageId, model: model.id }] });
  await startAnswer({
    user,
    conversationId: turn.conversation.id,
    model,
    settings: plan.settings,
    history: plan.history,
    assistantMessageId,
    reservationId: null,
  });
  return { turn: { ...turn, assistantMessageId }, stream: attachStream(turn.conversation.id, user.id)! };
}

async function drain(stream: ReadableStream<UIMessageChunk>): Promise<UIMessageChunk[]> {
  const chunks: UIMessageChunk[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return chunks;
    chunks.push(value);
  }
}

async function waitForSaved(conversationId: string, userId: string) {
  const { isStreaming } = await import("./streams");
  const { listMessages } = await import("@/lib/db/messages");
  for (let i = 0; i < 200 && isStreaming(conversationId); i++) await new Promise((r) => setTimeout(r, 25));
  await new Promise((r) => setTimeout(r, 50));
  return listMessages(userId, conversationId);
}

const text = (t: string) => ({ id: generateId(), role: "user" as const, parts: [{ type: "text" as const, text: t }] });

describe("chat pipeline", () => {
  it("saves the user message and the answer, with a usage row at the upstream's exact cost", async () => {
    const user = await makeUser();
    const id = generateId();
    const { stream } = await send(user, { id, model: "openai/gpt-4o-mini", message: text("Hello there [[sb:text tokens=30]]") });
    const chunks = await drain(stream);
    // Deltas that reach the server together are merged (lib/openrouter/coalesce.ts): count text, not deltas.
    const streamed = chunks.flatMap((c) => (c.type === "text-delta" ? [c.delta] : [])).join("");
    expect(streamed.split(/\s+/).filter(Boolean).length).toBeGreaterThanOrEqual(20);
    const messages = await waitForSaved(id, user.id);
    expect(messages.map((m) => [m.role, m.status])).toEqual([
      ["user", "complete"],
      ["assistant", "complete"],
    ]);
    expect((messages[1].parts as { type: string; text?: string }[]).find((p) => p.type === "text")?.text).toBe(streamed);
    const { getDb } = await import("@/lib/db");
    const usage = await (await getDb()).usage.findMany({ where: { userId: user.id } });
    expect(usage).toHaveLength(1);
    const record = upstream.generations.get(usage[0].generationId!);
    expect(record).toBeDefined();
    expect(usage[0].costNano).toBe(record!.costNano);
    expect(usage[0].messageId).toBe(messages[1].id);
    const meta = messages[1].metadata as { costNano: string; status: string };
    expect(meta.costNano).toBe(usage[0].costNano!.toString());
  });

  it("names the generation in a usage row while the answer streams, also before a slow first token", async () => {
    const user = await makeUser();
    const id = generateId();
    // Headers at once, the first token 1.5 s later, then 40 tokens at 20 a second.
    const { stream } = await send(user, { id, model: "openai/gpt-4o-mini", message: text("Slowly [[sb:text tokens=40 rate=20 first=1500]]") });
    let firstTextAt: number | null = null;
    const drained = drain(
      stream.pipeThrough(
        new TransformStream<UIMessageChunk, UIMessageChunk>({
          transform(chunk, controller) {
            if (chunk.type === "text-delta" && firstTextAt === null) firstTextAt = Date.now();
            controller.enqueue(chunk);
          },
        }),
      ),
    );
    const { getDb } = await import("@/lib/db");
    const db = await getDb();
    const rowsOfUser = () => db.usage.findMany({ where: { userId: user.id } });
    // Written soon after the upstream's headers, without waiting for the first token.
    await vi.waitFor(async () => expect(await rowsOfUser()).toHaveLength(1), { timeout: 1_000, interval: 20 });
    expect(firstTextAt).toBeNull();
    const [row] = await rowsOfUser();
    expect(upstream.log.some((e) => e.generationId === row.generationId)).toBe(true);
    expect(row.costNano).toBeNull();
    // While tokens flow the row is there, unsettled; when the answer ends it carries the exact cost.
    await vi.waitFor(() => expect(firstTextAt).not.toBeNull(), { timeout: 5_000 });
    expect((await rowsOfUser()).map((r) => [r.generationId, r.costNano])).toEqual([[row.generationId, null]]);
    await drained;
    await waitForSaved(id, user.id);
    const [settled] = await rowsOfUser();
    expect(settled.costNano).toBe(upstream.generations.get(row.generationId!)!.costNano);
  });

  it("runs a tool loop, records one usage row per generation and sums their cost", async () => {
    const user = await makeUser();
    const id = generateId();
    const { stream } = await send(user, {
      id,
      model: "openai/gpt-4o-mini",
      message: text(`What is 2+3*4? [[sb:tool name=calculator args='{"expression":"2+3*4"}']]`),
    });
    const chunks = await drain(stream);
    expect(chunks.some((c) => c.type === "tool-output-available")).toBe(true);
    const messages = await waitForSaved(id, user.id);
    const parts = messages[1].parts as { type: string; output?: { result: string } }[];
    expect(parts.find((p) => p.type === "tool-calculator")?.output?.result).toBe("14");
    const { getDb } = await import("@/lib/db");
    const usage = await (await getDb()).usage.findMany({ where: { userId: user.id } });
    expect(usage.length).toBe(2);
    const total = usage.reduce((sum, u) => sum + (u.costNano ?? 0n), 0n);
    expect((messages[1].metadata as { costNano: string }).costNano).toBe(total.toString());
  });

  it("stopping keeps the partial answer and leaves its cost to settlement", async () => {
    const user = await makeUser();
    const id = generateId();
    const { stream } = await send(user, { id, model: "openai/gpt-4o-mini", message: text("Go on [[sb:text tokens=400 rate=100]]") });
    const reader = stream.getReader();
    let deltas = 0;
    while (deltas < 5) {
      const { value } = await reader.read();
      if (value?.type === "text-delta") deltas++;
    }
    const { stopStream } = await import("./streams");
    expect(stopStream(id, user.id)).toBe(true);
    const messages = await waitForSaved(id, user.id);
    expect(messages[1].status).toBe("partial");
    const parts = messages[1].parts as { type: string; text?: string }[];
    expect(parts.find((p) => p.type === "text")?.text?.length).toBeGreaterThan(0);
    const { getDb } = await import("@/lib/db");
    const [usage] = await (await getDb()).usage.findMany({ where: { userId: user.id } });
    expect(usage.costNano).toBeNull();
    expect(usage.nextSettleAt).not.toBeNull();
    // The stop closed the upstream connection: the upstream bills only what it sent.
    await vi.waitFor(() => expect(upstream.log.find((e) => e.generationId === usage.generationId)?.closedByClient).toBe(true));
  });

  it("a mid-stream error saves the answer with status error and the reason", async () => {
    const user = await makeUser();
    const id = generateId();
    const { stream } = await send(user, { id, model: "openai/gpt-4o-mini", message: text("Hi [[sb:midstream-error after=5]]") });
    const chunks = await drain(stream);
    const error = chunks.find((c) => c.type === "error");
    expect(error).toBeDefined();
    expect(JSON.parse((error as { errorText: string }).errorText).code).toBe("upstream:stream");
    const messages = await waitForSaved(id, user.id);
    expect(messages[1].status).toBe("error");
  });

  it("each pre-stream upstream error becomes its own typed error", async () => {
    const user = await makeUser();
    const expected: Record<number, string> = {
      402: "upstream:credits",
      429: "rate_limited:upstream",
      503: "unavailable:upstream",
      403: "forbidden:moderation",
      502: "upstream:provider",
      401: "upstream:auth",
      408: "timeout:upstream",
      400: "bad_request:upstream",
    };
    for (const [status, code] of Object.entries(expected)) {
      const id = generateId();
      const { stream } = await send(user, { id, model: "openai/gpt-4o-mini", message: text(`x [[sb:error status=${status} retry=7]]`) });
      const chunks = await drain(stream);
      const error = chunks.find((c) => c.type === "error") as { errorText: string } | undefined;
      expect(error, `status ${status}`).toBeDefined();
      const parsed = JSON.parse(error!.errorText) as { code: string; retryAfter?: number };
      expect(parsed.code, `status ${status}`).toBe(code);
      if (status === "429") expect(parsed.retryAfter).toBe(7);
      await waitForSaved(id, user.id);
    }
  });

  it("edit and resend replaces the edited message and what follows; regenerate replaces the answer", async () => {
    const user = await makeUser();
    const id = generateId();
    const first = text("first [[sb:say text=one]]");
    await drain((await send(user, { id, model: "openai/gpt-4o-mini", message: first })).stream);
    await waitForSaved(id, user.id);
    await drain((await send(user, { id, model: "openai/gpt-4o-mini", message: text("second [[sb:say text=two]]") })).stream);
    let messages = await waitForSaved(id, user.id);
    expect(messages).toHaveLength(4);

    await drain(
      (
        await send(user, {
          id,
          model: "openai/gpt-4o-mini",
          messageId: first.id,
          message: { ...first, parts: [{ type: "text", text: "edited [[sb:say text=three]]" }] },
        })
      ).stream,
    );
    messages = await waitForSaved(id, user.id);
    const texts = messages.map((m) => (m.parts as { type: string; text?: string }[]).find((p) => p.type === "text")?.text);
    expect(texts).toEqual(["edited [[sb:say text=three]]", "three"]);

    await drain((await send(user, { id, model: "openai/gpt-4o-mini", trigger: "regenerate-message" })).stream);
    messages = await waitForSaved(id, user.id);
    expect(messages).toHaveLength(2);
    expect(messages[1].role).toBe("assistant");

    // The upstream saw only the database's history: the edited message, not the old ones.
    const last = upstream.log.filter((e) => e.path.startsWith("/api/v1/chat/completions")).at(-1)!;
    const sent = JSON.stringify((last.body as { messages: unknown[] }).messages);
    expect(sent).toContain("edited");
    expect(sent).not.toContain("second");
  });

  it("another user's conversation is not found, and nothing is written", async () => {
    const owner = await makeUser();
    const other = await makeUser();
    const id = generateId();
    await drain((await send(owner, { id, model: "openai/gpt-4o-mini", message: text("mine") })).stream);
    await waitForSaved(id, owner.id);
    const error = await send(other, { id, model: "openai/gpt-4o-mini", message: text("let me in") }).catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe("not_found:conversation");
    const { listMessages } = await import("@/lib/db/messages");
    expect(await listMessages(owner.id, id)).toHaveLength(2);
  });
});

describe("chat pipeline: a stalled upstream", () => {
  it("is stopped after the timeout and saved as an error that says so", async () => {
    const { getEnv } = await import("@/lib/env");
    const env = getEnv();
    const saved = env.SWITCHBOARD_UPSTREAM_TIMEOUT_MS;
    env.SWITCHBOARD_UPSTREAM_TIMEOUT_MS = 1500;
    try {
      const user = await makeUser();
      const id = generateId();
      const { stream } = await send(user, { id, model: "openai/gpt-4o-mini", message: text("Hi [[sb:stall after=3]]") });
      const chunks = await drain(stream);
      const error = chunks.find((c) => c.type === "error") as { errorText: string } | undefined;
      expect(JSON.parse(error!.errorText).code).toBe("timeout:upstream");
      const messages = await waitForSaved(id, user.id);
      expect(messages[1].status).toBe("error");
      expect((messages[1].parts as { type: string; text?: string }[]).find((p) => p.type === "text")?.text?.length).toBeGreaterThan(0);
    } finally {
      env.SWITCHBOARD_UPSTREAM_TIMEOUT_MS = saved;
    }
  });
});

describe("chat pipeline: keep-alive comments before the first token", () => {
  // OpenRouter sends `: OPENROUTER PROCESSING` while a model thinks (every stream in
  // tests/fixtures/openrouter-recorded/ starts with some): bytes, so not a stall.
  async function withTimeouts<T>(timeoutMs: number, keepAliveTimeoutMs: number, run: () => Promise<T>): Promise<T> {
    const { getEnv } = await import("@/lib/env");
    const env = getEnv();
    const saved = [env.SWITCHBOARD_UPSTREAM_TIMEOUT_MS, env.SWITCHBOARD_UPSTREAM_KEEPALIVE_TIMEOUT_MS] as const;
    env.SWITCHBOARD_UPSTREAM_TIMEOUT_MS = timeoutMs;
    env.SWITCHBOARD_UPSTREAM_KEEPALIVE_TIMEOUT_MS = keepAliveTimeoutMs;
    try {
      return await run();
    } finally {
      [env.SWITCHBOARD_UPSTREAM_TIMEOUT_MS, env.SWITCHBOARD_UPSTREAM_KEEPALIVE_TIMEOUT_MS] = saved;
    }
  }

  it("keep the answer alive past the timeout: it completes, saved complete at the upstream's exact cost", async () => {
    await withTimeouts(1500, 60_000, async () => {
      const user = await makeUser();
      const id = generateId();
      const started = Date.now();
      const { stream } = await send(user, {
        id,
        model: "openai/gpt-4o-mini",
        message: text('Think first [[sb:slow-first ms=3500 every=300 text="Thought it through."]]'),
      });
      const chunks = await drain(stream);
      expect(Date.now() - started).toBeGreaterThanOrEqual(3500);
      expect(chunks.find((c) => c.type === "error")).toBeUndefined();
      const messages = await waitForSaved(id, user.id);
      expect(messages[1].status).toBe("complete");
      expect((messages[1].parts as { type: string; text?: string }[]).find((p) => p.type === "text")?.text).toBe("Thought it through.");
      const { getDb } = await import("@/lib/db");
      await vi.waitFor(
        async () => {
          const usage = await (await getDb()).usage.findMany({ where: { userId: user.id } });
          expect(usage).toHaveLength(1);
          expect(usage[0].costNano).not.toBeNull();
          expect(usage[0].costNano).toBe(upstream.generations.get(usage[0].generationId!)!.costNano);
        },
        { timeout: 5_000, interval: 50 },
      );
    });
  });

  it("alone for longer than the keep-alive ceiling: the answer is stopped with a message that the model kept thinking", async () => {
    await withTimeouts(1500, 3000, async () => {
      const user = await makeUser();
      const id = generateId();
      const started = Date.now();
      const { stream } = await send(user, { id, model: "openai/gpt-4o-mini", message: text("Think forever [[sb:slow-first ms=60000 every=300]]") });
      const chunks = await drain(stream);
      const elapsed = Date.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(3000);
      expect(elapsed).toBeLessThan(20_000);
      const error = chunks.find((c) => c.type === "error") as { errorText: string } | undefined;
      const failure = JSON.parse(error!.errorText) as { code: string; message: string };
      expect(failure.code).toBe("timeout:upstream");
      expect(failure.message).toMatch(/kept thinking for 3 s/);
      const messages = await waitForSaved(id, user.id);
      expect(messages[1].status).toBe("error");
    });
  });
});
