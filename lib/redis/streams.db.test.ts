import { randomBytes } from "node:crypto";
import type { UIMessageChunk } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findRedisServer, startTestRedis, type TestRedis } from "@/tests/instances/redis-server";

// The Redis side of answers in flight, in one process: what the owner mirrors, another
// instance replays and follows, and the sweeper saves when the owner is gone. The two-instance
// version of each is in tests/instances.
const found = findRedisServer();
if (!("bin" in found)) console.warn(`[redis streams] skipped: ${found.reason}`);

const id = () => `t${randomBytes(8).toString("hex")}`;
const text = (delta: string, n: number): UIMessageChunk => ({ type: "text-delta", id: "t1", delta: `${delta}${n} ` });

async function readAll(stream: ReadableStream<UIMessageChunk>): Promise<UIMessageChunk[]> {
  const out: UIMessageChunk[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return out;
    out.push(value);
  }
}

describe.skipIf(!("bin" in found))("answers in flight through Redis", () => {
  let server: TestRedis;
  beforeAll(async () => {
    server = await startTestRedis();
    process.env.REDIS_URL = server.url;
    const { getRedis } = await import("./client");
    const redis = getRedis()!;
    while (redis.status !== "ready") await new Promise((r) => setTimeout(r, 20));
  });
  afterAll(async () => {
    const { closeRedis } = await import("./client");
    await closeRedis();
    delete process.env.REDIS_URL;
    await server?.stop();
  });

  it("replays a finished answer to its owner only, in order, up to its end", async () => {
    const { SharedStreamWriter, attachRemote } = await import("./streams");
    const conversationId = id();
    const writer = (await SharedStreamWriter.open({ conversationId, userId: "u1", runId: "r1", messageId: "m1", model: "x/y" }))!;
    expect(writer).not.toBeNull();
    const sent: UIMessageChunk[] = [
      { type: "start" },
      { type: "text-start", id: "t1" },
      ...Array.from({ length: 50 }, (_, i) => text("w", i)),
      { type: "text-end", id: "t1" },
      { type: "finish" },
    ];
    for (const chunk of sent) writer.push(chunk);
    await writer.end();
    expect(await attachRemote(conversationId, "someone-else")).toBeNull();
    expect(await readAll((await attachRemote(conversationId, "u1"))!)).toEqual(sent);
  });

  it("follows an answer live from a reader attached mid-way", async () => {
    const { SharedStreamWriter, attachRemote } = await import("./streams");
    const conversationId = id();
    const writer = (await SharedStreamWriter.open({ conversationId, userId: "u1", runId: "r2", messageId: "m2", model: "x/y" }))!;
    writer.push({ type: "start" });
    writer.push(text("a", 0));
    const reading = readAll((await attachRemote(conversationId, "u1"))!);
    for (let i = 1; i < 20; i++) {
      writer.push(text("a", i));
      await new Promise((r) => setTimeout(r, 5));
    }
    await writer.end();
    const got = await reading;
    expect(got).toEqual([{ type: "start" }, ...Array.from({ length: 20 }, (_, i) => text("a", i))]);
  });

  it("a stop request reaches the listener of the instance running the answer", async () => {
    const { SharedStreamWriter, listenForStops, requestRemoteStop } = await import("./streams");
    const conversationId = id();
    const writer = (await SharedStreamWriter.open({ conversationId, userId: "u1", runId: "r3", messageId: "m3", model: "x/y" }))!;
    const stops: string[] = [];
    listenForStops((c, run) => stops.push(`${c}/${run}`));
    await new Promise((r) => setTimeout(r, 100)); // the subscription is queued until connected
    expect(await requestRemoteStop(conversationId, "intruder")).toBe(false);
    expect(await requestRemoteStop(conversationId, "u1")).toBe(true);
    while (stops.length === 0) await new Promise((r) => setTimeout(r, 10));
    expect(stops).toEqual([`${conversationId}/r3`]);
    await writer.end();
    expect(await requestRemoteStop(conversationId, "u1")).toBe(false); // done: nothing to stop
  });

  it("the chat page sees an answer written on another instance as streaming, and refuses a second turn", async () => {
    const { makeUser } = await import("@/tests/helpers/users");
    const { createConversation } = await import("@/lib/db/conversations");
    const { loadConversationView } = await import("@/lib/history/view");
    const { assertNotStreamingElsewhere } = await import("@/lib/chat/streams");
    const { SharedStreamWriter } = await import("./streams");
    const user = await makeUser("elsewhere");
    const conversationId = id();
    await createConversation(user.id, { id: conversationId, model: "openai/gpt-4o-mini" });
    expect((await loadConversationView(user.id, conversationId))?.streaming).toBe(false);
    // Only in Redis, as when another instance writes it.
    const writer = (await SharedStreamWriter.open({ conversationId, userId: user.id, runId: "r5", messageId: "m5", model: "x/y" }))!;
    expect((await loadConversationView(user.id, conversationId))?.streaming).toBe(true);
    await expect(assertNotStreamingElsewhere(conversationId, user.id)).rejects.toMatchObject({ code: "conflict:chat" });
    await expect(assertNotStreamingElsewhere(conversationId, "someone-else")).resolves.toBeUndefined();
    await writer.end();
    expect((await loadConversationView(user.id, conversationId))?.streaming).toBe(false);
    await expect(assertNotStreamingElsewhere(conversationId, user.id)).resolves.toBeUndefined();
  });

  it("an answer whose owner stopped beating is saved as interrupted, with the text it got to", async () => {
    const { makeUser } = await import("@/tests/helpers/users");
    const { createConversation } = await import("@/lib/db/conversations");
    const { insertMessage } = await import("@/lib/db/messages");
    const { getDb } = await import("@/lib/db");
    const { SharedStreamWriter, attachRemote, ORPHAN_AFTER_MS } = await import("./streams");
    const { sweepOrphans } = await import("@/lib/chat/orphans");
    const { code: INTERRUPTED_CODE } = (await import("@/lib/chat/finish")).INTERRUPTED_ANSWER;
    const user = await makeUser("orphan");
    const conversationId = id();
    await createConversation(user.id, { id: conversationId, model: "openai/gpt-4o-mini" });
    const messageId = id();
    await insertMessage({
      id: messageId,
      conversationId,
      position: 0,
      role: "assistant",
      parts: [],
      status: "streaming",
      metadata: { status: "streaming" },
    });
    const writer = (await SharedStreamWriter.open({ conversationId, userId: user.id, runId: "r4", messageId, model: "openai/gpt-4o-mini" }))!;
    for (const chunk of [{ type: "start" }, { type: "text-start", id: "t1" }, text("x", 1), text("x", 2), text("x", 3)] as UIMessageChunk[])
      writer.push(chunk);
    await new Promise((r) => setTimeout(r, 50)); // flushed; the owner now "dies" (never ends)
    const follower = readAll((await attachRemote(conversationId, user.id))!);

    expect(await sweepOrphans(Date.now())).toBe(0); // still beating
    expect(await sweepOrphans(Date.now() + ORPHAN_AFTER_MS + 5_000)).toBe(1);
    expect(await sweepOrphans(Date.now() + ORPHAN_AFTER_MS + 5_000)).toBe(0); // once
    const row = await (await getDb()).message.findUniqueOrThrow({ where: { id: messageId } });
    expect(row.text).toBe("x1 x2 x3 ");
    expect(row.status).toBe("partial");
    expect(row.metadata).toMatchObject({ status: "partial", error: { code: INTERRUPTED_CODE } });
    // The follower on "another instance" ends instead of waiting for ever.
    expect((await follower).filter((c) => c.type === "text-delta")).toHaveLength(3);
  });
});
