import { generateId } from "ai";
import { beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/auth";
import type { ConversationSettings } from "@/lib/chat/types";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { LocalOpenRouter, RequestLogEntry } from "@/local-openrouter";
import { closingDetail, thinkingSignature } from "@/local-openrouter/reasoning";
import { answerTurn, textTurn } from "@/tests/helpers/answer-turn";
import { useLocalOpenRouter } from "@/tests/helpers/upstream";
import { makeUser } from "@/tests/helpers/users";

// Reasoning details go back to the upstream unchanged: across the steps of a tool loop and across
// turns (stored with the answer). The local OpenRouter refuses, as the real providers do, a thinking
// block whose signature does not match its text, encrypted reasoning that is not what it gave out,
// and a tool loop continued without its thinking (local-openrouter/reasoning.ts).

let upstream: LocalOpenRouter;
beforeAll(async () => {
  upstream = await useLocalOpenRouter();
});

type Detail = Record<string, unknown>;
type SentMessage = { role: string; content?: unknown; reasoning_details?: Detail[]; tool_calls?: unknown[] };
type Part = { type: string; text?: string; providerMetadata?: { openrouter?: { reasoning_details?: Detail[] } } };

async function ask(user: SessionUser, id: string, model: string, text: string, settings: ConversationSettings) {
  const logFrom = upstream.log.length;
  const { chunks, answer } = await answerTurn(user, textTurn(text, { model, id, settings }));
  const requests = upstream.log.slice(logFrom).filter((e) => e.path.endsWith("/chat/completions"));
  return { answer, parts: answer.parts as Part[], requests, chunks };
}

const sent = (entry: RequestLogEntry) => (entry.body as { messages: SentMessage[] }).messages;
const reasoningOf = (parts: Part[]) => parts.filter((p) => p.type === "reasoning");

async function tamper(messageId: string, change: (details: Detail[]) => void) {
  const { getDb } = await import("@/lib/db");
  const db = await getDb();
  const row = await db.message.findUniqueOrThrow({ where: { id: messageId } });
  const parts = structuredClone(row.parts) as Part[];
  for (const p of reasoningOf(parts)) change(p.providerMetadata!.openrouter!.reasoning_details!);
  await db.message.update({ where: { id: messageId }, data: { parts: parts as unknown as Prisma.InputJsonValue } });
}

describe("reasoning details round-trip", () => {
  it("Anthropic: the signed thinking block of the last turn is sent back as given; an altered one is refused", async () => {
    const user = await makeUser();
    const id = generateId();
    const settings: ConversationSettings = { reasoningEffort: "low" };
    const first = await ask(user, id, "anthropic/claude-sonnet-4.5", "Why is the sky blue?", settings);
    expect(first.answer.status).toBe("complete");
    const [thinking] = reasoningOf(first.parts);
    expect(thinking.text).toBeTruthy();

    const second = await ask(user, id, "anthropic/claude-sonnet-4.5", "And at sunset?", settings);
    expect(second.requests.map((r) => r.status)).toEqual([200]);
    expect(second.answer.status).toBe("complete");
    const assistant = sent(second.requests[0]).find((m) => m.role === "assistant")!;
    // The provider merges the opening detail, the text deltas and the signature-only detail into one block.
    expect(assistant.reasoning_details).toEqual([
      { type: "reasoning.text", text: thinking.text, signature: thinkingSignature(thinking.text!), format: "anthropic-claude-v1", index: 0 },
    ]);

    // One character of the stored thinking changed: the provider's signature check fails the next turn.
    await tamper(first.answer.id, (details) => {
      details[0].text = `${String(details[0].text)}.`;
    });
    const third = await ask(user, id, "anthropic/claude-sonnet-4.5", "Thanks!", settings);
    expect(third.requests.map((r) => r.status)).toEqual([400]);
    expect(third.answer.status).toBe("error");
    expect(await refusalOf(third.requests[0])).toContain("messages.1.content.0: Invalid `signature` in `thinking` block");
  });

  it("OpenAI: the summary and the encrypted reasoning go back unchanged on the next turn; altered data is refused", async () => {
    const user = await makeUser();
    const id = generateId();
    const settings: ConversationSettings = { reasoningEffort: "low" };
    const first = await ask(user, id, "openai/o4-mini", "Plan a picnic.", settings);
    expect(first.answer.status).toBe("complete");
    const [summary] = reasoningOf(first.parts);
    expect(summary.text).toBeTruthy();

    const second = await ask(user, id, "openai/o4-mini", "For four people.", settings);
    expect(second.requests.map((r) => r.status)).toEqual([200]);
    const assistant = sent(second.requests[0]).find((m) => m.role === "assistant")!;
    expect(assistant.reasoning_details).toEqual([
      { type: "reasoning.summary", summary: summary.text, format: "openai-responses-v1", index: 0 },
      closingDetail("openai-responses-v1", summary.text!),
    ]);

    await tamper(first.answer.id, (details) => {
      const encrypted = details.find((d) => d.type === "reasoning.encrypted")!;
      encrypted.data = `${String(encrypted.data).slice(0, -2)}AA`;
    });
    const third = await ask(user, id, "openai/o4-mini", "Outdoors.", settings);
    expect(third.requests.map((r) => r.status)).toEqual([400]);
    expect(await refusalOf(third.requests[0])).toContain("invalid_encrypted_content");
  });

  it("xAI grok-4 streams its reasoning only encrypted: the details are kept with the answer and sent back unchanged", async () => {
    const user = await makeUser();
    const id = generateId();
    const first = await ask(user, id, "x-ai/grok-4", "Tell me a fact.", {});
    expect(first.answer.status).toBe("complete");
    // No reasoning text came, so the kept reasoning part is empty (not shown); it holds the encrypted detail.
    const kept = reasoningOf(first.parts);
    expect(kept.map((p) => p.text)).toEqual([""]);
    const details = kept[0].providerMetadata!.openrouter!.reasoning_details!;
    expect(details.map((d) => d.type)).toEqual(["reasoning.encrypted"]);

    const second = await ask(user, id, "x-ai/grok-4", "Another one.", {});
    expect(second.requests.map((r) => r.status)).toEqual([200]);
    expect(sent(second.requests[0]).find((m) => m.role === "assistant")!.reasoning_details).toEqual(details);

    await tamper(first.answer.id, (list) => {
      const data = String(list[0].data);
      list[0].data = `${data.slice(0, 10)}${data[10] === "Q" ? "R" : "Q"}${data.slice(11)}`;
    });
    const third = await ask(user, id, "x-ai/grok-4", "Thanks.", {});
    expect(third.requests.map((r) => r.status)).toEqual([400]);
  });

  it("a tool loop with thinking on: each step's signed thinking goes back with its tool call, every request is accepted", async () => {
    const user = await makeUser();
    const id = generateId();
    const settings: ConversationSettings = { reasoningEffort: "low" };
    const loop = await ask(
      user,
      id,
      "anthropic/claude-sonnet-4.5",
      `Compute twice [[sb:tool name=calculator args='{"expression":"2+3"}' steps=2]]`,
      settings,
    );
    // Two tool steps and the final answer; the continuations would be refused without their thinking.
    expect(loop.requests.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(loop.answer.status).toBe("complete");
    const thoughts = reasoningOf(loop.parts).map((p) => p.text!);
    expect(thoughts).toHaveLength(3);
    const last = sent(loop.requests[2]).filter((m) => m.role === "assistant");
    expect(last.map((m) => m.reasoning_details)).toEqual(
      thoughts
        .slice(0, 2)
        .map((t) => [{ type: "reasoning.text", text: t, signature: thinkingSignature(t), format: "anthropic-claude-v1", index: 0 }]),
    );

    // The whole loop, stored, goes back on the next turn, and is accepted again.
    const next = await ask(user, id, "anthropic/claude-sonnet-4.5", "Once more, in words.", settings);
    expect(next.requests.map((r) => r.status)).toEqual([200]);
    expect(sent(next.requests[0]).filter((m) => m.role === "assistant" && m.reasoning_details?.length).length).toBe(3);
  });
});

/** The `metadata.raw` of the upstream's refusal, read back from /generation's record of it. */
async function refusalOf(entry: RequestLogEntry): Promise<string> {
  const record = upstream.generations.get(entry.generationId!);
  expect(record?.data.finish_reason).toBe("error");
  // The response body is not logged; the logged request, sent again, gets the same refusal.
  const response = await fetch(`${upstream.baseURL}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: entry.headers.authorization },
    body: JSON.stringify({ ...(entry.body as object), stream: false }),
  });
  expect(response.status).toBe(400);
  const body = (await response.json()) as { error: { message: string; metadata: { raw: string } } };
  expect(body.error.message).toBe("Provider returned error");
  return body.error.metadata.raw;
}
