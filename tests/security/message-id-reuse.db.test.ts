// Message ids are chosen by the browser. Sending one that is another user's message must look like
// any unknown id (404) — a 409 "already sent" would confirm that the id exists — and write nothing;
// reusing one's own id stays a 409. Through POST /api/chat with the real database and the local
// OpenRouter; only the session is stood in for. Runs on PGlite and, with TEST_DATABASE_URL, PostgreSQL.
import { generateId } from "ai";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/lib/auth";
import { getDb } from "@/lib/db";
import { jsonRequest, readUIChunks, sessionMock, signInAs, waitUntilIdle } from "@/tests/helpers/routes";
import { useLocalOpenRouter } from "@/tests/helpers/upstream";
import { makeUser } from "@/tests/helpers/users";

vi.mock("@/lib/auth", () => sessionMock());

let owner: SessionUser;
let other: SessionUser;
/** The owner's question, in the owner's conversation. */
let ownersMessageId: string;
let ownersConversationId: string;
/** A conversation of the other user's, with an exchange in it. */
let othersConversationId: string;

async function send(conversationId: string, messageId: string, text: string): Promise<Response> {
  const { POST } = await import("@/app/api/chat/route");
  const message = { id: messageId, role: "user", parts: [{ type: "text", text }] };
  return POST(jsonRequest("/api/chat", { id: conversationId, trigger: "submit-message", model: "openai/gpt-4o-mini", message }), undefined);
}

async function exchange(user: SessionUser, conversationId: string, messageId: string): Promise<void> {
  signInAs(user);
  const response = await send(conversationId, messageId, 'hello [[sb:say text="hi"]]');
  expect(response.status, await response.clone().text()).toBe(200);
  await readUIChunks(response);
  expect(await waitUntilIdle(conversationId)).toBe(true);
}

async function rowsOf(userId: string): Promise<{ conversations: number; messages: number }> {
  const db = await getDb();
  return {
    conversations: await db.conversation.count({ where: { userId } }),
    messages: await db.message.count({ where: { conversation: { userId } } }),
  };
}

async function errorOf(response: Response): Promise<{ status: number; code: string }> {
  const body = (await response.json()) as { error: { code: string } };
  return { status: response.status, code: body.error.code };
}

beforeAll(async () => {
  await useLocalOpenRouter();
  owner = await makeUser("id-owner");
  other = await makeUser("id-other");
  ownersConversationId = generateId();
  ownersMessageId = generateId();
  await exchange(owner, ownersConversationId, ownersMessageId);
  othersConversationId = generateId();
  await exchange(other, othersConversationId, generateId());
});

describe("reusing a message id", () => {
  it("another user's id is not found — in a new conversation and in one of one's own — and nothing is written", async () => {
    signInAs(other);
    const before = await rowsOf(other.id);
    const ownerBefore = await rowsOf(owner.id);
    const inNew = await send(generateId(), ownersMessageId, "probing an id");
    expect(await errorOf(inNew)).toEqual({ status: 404, code: "not_found:message" });
    const inOwn = await send(othersConversationId, ownersMessageId, "probing an id");
    expect(await errorOf(inOwn)).toEqual({ status: 404, code: "not_found:message" });
    expect(await rowsOf(other.id)).toEqual(before);
    expect(await rowsOf(owner.id)).toEqual(ownerBefore);
    const db = await getDb();
    const message = await db.message.findUnique({ where: { id: ownersMessageId }, select: { conversationId: true } });
    expect(message?.conversationId).toBe(ownersConversationId);
  });

  it("one's own id, sent again, is still a conflict", async () => {
    signInAs(owner);
    const before = await rowsOf(owner.id);
    expect(await errorOf(await send(generateId(), ownersMessageId, "again, elsewhere"))).toEqual({ status: 409, code: "conflict:message" });
    expect(await errorOf(await send(ownersConversationId, ownersMessageId, "again, here"))).toEqual({ status: 409, code: "conflict:message" });
    expect(await rowsOf(owner.id)).toEqual(before);
  });
});
