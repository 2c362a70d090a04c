// Starting a turn through the chat route, against the local OpenRouter over HTTP: the work
// that runs alongside a new conversation's first answer. Real database; only the session is
// stood in for (tests/helpers/routes).
import { generateId } from "ai";
import { beforeAll, expect, it, vi } from "vitest";
import { postChatMessage, readUIChunks, sessionMock, signInAs, waitUntilIdle } from "@/tests/helpers/routes";
import { useLocalOpenRouter } from "@/tests/helpers/upstream";
import { makeUser } from "@/tests/helpers/users";
import type { LocalOpenRouter } from "@/local-openrouter";
import { fallbackTitle } from "./title";

vi.mock("@/lib/auth", () => sessionMock());

let upstream: LocalOpenRouter;
beforeAll(async () => {
  upstream = await useLocalOpenRouter();
});

async function waitIdle(conversationId: string) {
  expect(await waitUntilIdle(conversationId)).toBe(true);
}

it("a new conversation's title is generated while its first answer streams, and arrives in that stream", async () => {
  const user = await makeUser("title-stream");
  signInAs(user);
  const id = generateId();
  const marker = `m${generateId()}`;
  // The answer takes about 3 s; the title request asks for at most 40 tokens (about 0.4 s).
  const text = `Tell me about lighthouses ${marker} [[sb:text tokens=300 rate=100]]`;
  const response = await postChatMessage(id, text);
  expect(response.status).toBe(200);
  const chunks = await readUIChunks(response);
  await waitIdle(id);

  const titleAt = chunks.findIndex((c) => c.type === "data-title");
  const finishAt = chunks.findIndex((c) => c.type === "finish");
  const firstTextAt = chunks.findIndex((c) => c.type === "text-delta");
  expect(titleAt).toBeGreaterThan(firstTextAt);
  expect(titleAt).toBeLessThan(finishAt);
  // Text arrived after the title too: it was sent while the answer was still streaming.
  expect(chunks.slice(titleAt).some((c) => c.type === "text-delta")).toBe(true);
  const streamed = (chunks[titleAt] as { data: { title: string } }).data.title;
  expect(streamed.length).toBeGreaterThan(0);

  const { getDb } = await import("@/lib/db");
  const db = await getDb();
  const saved = await db.conversation.findUniqueOrThrow({ where: { id } });
  expect(saved.title).toBe(streamed);
  // The title's request went out once, after the answer's (it starts at the answer's first token).
  const requests = upstream.log.filter((e) => e.path.startsWith("/api/v1/chat/completions") && JSON.stringify(e.body).includes(marker));
  expect(requests.map((e) => (e.body as { stream?: boolean }).stream === true)).toEqual([true, false]);
  const usage = await db.usage.findMany({ where: { userId: user.id }, orderBy: { createdAt: "asc" } });
  expect(usage.map((u) => u.kind).sort()).toEqual(["chat", "title"]);
});

it("an answer that fails before any output still gets the conversation a title", async () => {
  const user = await makeUser("title-fail");
  signInAs(user);
  const id = generateId();
  const text = "Broken from the start [[sb:error status=502 after=0]]";
  const response = await postChatMessage(id, text);
  const chunks = response.status === 200 ? await readUIChunks(response) : [];
  await waitIdle(id);
  expect(chunks.some((c) => c.type === "text-delta")).toBe(false);
  const { getDb } = await import("@/lib/db");
  const db = await getDb();
  // The title was asked for and failed the same way, so its fallback (the first words, cleaned)
  // replaces the provisional title the turn was written with.
  await vi.waitFor(async () => expect((await db.conversation.findUniqueOrThrow({ where: { id } })).title).toBe(fallbackTitle(text)), {
    timeout: 10_000,
  });
  expect((await db.usage.findMany({ where: { userId: user.id, kind: "title" } })).length).toBeGreaterThan(0);
});
