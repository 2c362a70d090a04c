// The conversation's total cost is one figure: the chat page's reader and GET /api/conversations/:id
// give the same total, equal to the sum of the conversation's Usage costs — its answers, the
// regenerated ones, compared columns and its generated title — as the spend page counts it.
// Conversations are made through the real chat route against the local OpenRouter over HTTP;
// only the session is stood in for (tests/helpers/routes).
import { generateId } from "ai";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/lib/auth";
import type { CompareStarted, ConversationView } from "@/lib/chat/types";
import { getDb } from "@/lib/db";
import { APP, jsonRequest, postChatMessage, readUIChunks, sessionMock, signInAs, waitUntilIdle } from "@/tests/helpers/routes";
import { useLocalOpenRouter } from "@/tests/helpers/upstream";
import { makeUser } from "@/tests/helpers/users";
import { loadConversationView } from "./view";

vi.mock("@/lib/auth", () => sessionMock());

const MODELS = ["openai/gpt-4o-mini", "anthropic/claude-haiku-4.5", "google/gemini-2.5-flash"];

let user: SessionUser;

beforeAll(async () => {
  await useLocalOpenRouter();
});

beforeEach(async () => {
  user = await makeUser("view");
  signInAs(user);
});

const params = (id: string) => ({ params: Promise.resolve({ id }) });

async function waitIdle(conversationId: string) {
  expect(await waitUntilIdle(conversationId)).toBe(true);
}

async function regenerate(id: string, model: string) {
  const { POST } = await import("@/app/api/chat/route");
  const response = await POST(jsonRequest("/api/chat", { id, trigger: "regenerate-message", model }), undefined);
  expect(response.status).toBe(200);
  await readUIChunks(response);
  await waitIdle(id);
}

/** A comparison: the same message answered by each model, every column read to its end. */
async function compare(id: string, text: string) {
  const response = await postChatMessage(id, text, { models: MODELS });
  expect(response.status).toBe(201);
  const started = (await response.json()) as CompareStarted;
  const { GET } = await import("@/app/api/chat/[id]/stream/route");
  for (const column of started.columns) {
    const stream = await GET(new Request(`${APP}/api/chat/${id}/stream?message=${column.messageId}`), params(id));
    expect(stream.status).toBe(200);
    await readUIChunks(stream);
  }
  await waitIdle(id);
}

async function apiView(id: string): Promise<ConversationView> {
  const { GET } = await import("@/app/api/conversations/[id]/route");
  const response = await GET(new Request(`${APP}/api/conversations/${id}`), params(id));
  expect(response.status).toBe(200);
  return ((await response.json()) as { conversation: ConversationView }).conversation;
}

/** Waits until the conversation has a title generation and every generation's cost is known. */
async function settled(id: string) {
  const db = await getDb();
  await vi.waitFor(
    async () => {
      const rows = await db.usage.findMany({ where: { userId: user.id, conversationId: id }, select: { kind: true, costNano: true } });
      expect(rows.some((r) => r.kind === "title")).toBe(true);
      expect(rows.filter((r) => r.costNano === null)).toEqual([]);
    },
    { timeout: 15_000, interval: 100 },
  );
}

async function usageOf(id: string) {
  const db = await getDb();
  return db.usage.findMany({ where: { userId: user.id, conversationId: id }, select: { kind: true, costNano: true, messageId: true } });
}

describe("a conversation's total cost", () => {
  it("is the same on the chat page and in the API, the sum of all its generations, title included, as the spend page counts it", async () => {
    // One conversation: a first answer (and its generated title), two regenerated answers, then a comparison.
    const long = generateId();
    const first = await postChatMessage(long, "What do lighthouses do? [[sb:text tokens=20]]");
    expect(first.status).toBe(200);
    await readUIChunks(first);
    await waitIdle(long);
    await regenerate(long, MODELS[1]!);
    await regenerate(long, MODELS[2]!);
    await compare(long, "And which is the tallest? [[sb:text tokens=15]]");
    // Another that starts as a comparison (its title is generated alongside the first column).
    const compared = generateId();
    await compare(compared, "Compare these answers [[sb:text tokens=10]]");

    for (const id of [long, compared]) {
      await settled(id);
      const usage = await usageOf(id);
      const sum = usage.reduce((n, u) => n + (u.costNano ?? 0n), 0n);
      const title = usage.filter((u) => u.kind === "title").reduce((n, u) => n + (u.costNano ?? 0n), 0n);
      expect(title).toBeGreaterThan(0n);

      const page = await loadConversationView(user.id, id);
      const api = await apiView(id);
      expect(page?.totalCostNano).toBe(sum.toString());
      expect(api.totalCostNano).toBe(sum.toString());
      // The page's first window (the latest messages only) carries the same total.
      expect((await loadConversationView(user.id, id, 1))?.totalCostNano).toBe(sum.toString());

      // What the reader shows: answers with several alternatives, each with its own Usage row.
      const answers = Object.values(api.alternatives ?? {}).flat();
      expect(answers.length).toBeGreaterThanOrEqual(3);
      for (const answer of answers) expect(usage.some((u) => u.messageId === answer.id && u.kind === "chat")).toBe(true);
      expect(page?.alternatives).toEqual(api.alternatives);
      expect(page?.messages).toEqual(api.messages);

      // The spend page's row for the conversation is the same figure.
      const { topConversations } = await import("@/lib/spend/aggregates");
      const row = (await topConversations({ userId: user.id }, undefined, 100)).find((r) => r.conversationId === id);
      expect(row?.costNano).toBe(sum);
    }
  });
});
