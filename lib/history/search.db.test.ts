import { beforeAll, describe, expect, it } from "vitest";
import { deleteConversation, patchConversation } from "./conversation";
import { getDb } from "@/lib/db";
import { COMMON_HITS, RECENT_WINDOW, searchConversations } from "./search";
import { makeConversation, makeUser } from "@/tests/helpers/history-data";
import type { HighlightedText } from "./types";

const DAY = 86_400_000;

function marked(h: HighlightedText): string[] {
  return h.highlights.map(([s, e]) => h.text.slice(s, e));
}

const filler = (n: number, seed: string) =>
  Array.from({ length: n }, (_, i) => `${seed}${i % 7 === 0 ? "." : ""} lorem ipsum dolor sit amet`).join(" ");

// Opening the database (a fresh copy per file) belongs to the hook's longer timeout, not a test's.
beforeAll(async () => {
  await getDb();
});

describe("search", () => {
  it("finds a word from the middle of an old answer, with a snippet around it, and respects ownership", async () => {
    const owner = await makeUser("owner");
    const other = await makeUser("other");
    const answer = `${filler(60, "alpha")} The mitochondria is the powerhouse of the cell. ${filler(60, "omega")}`;
    const old = await makeConversation(owner.id, {
      title: "Biology homework",
      lastMessageAt: new Date(Date.now() - 200 * DAY),
      messages: [
        { role: "user", text: "Explain cells to me", createdAt: new Date(Date.now() - 200 * DAY) },
        { role: "assistant", text: answer, createdAt: new Date(Date.now() - 200 * DAY) },
        { role: "user", text: "thanks" },
      ],
    });
    await makeConversation(owner.id, { title: "Unrelated", messages: [{ role: "user", text: "nothing to see" }] });
    // The same word in someone else's conversation must never show.
    await makeConversation(other.id, { title: "Mitochondria secrets", messages: [{ role: "user", text: "mitochondria" }] });

    const { results } = await searchConversations(owner.id, "mitochondria");
    expect(results).toHaveLength(1);
    const [hit] = results;
    expect(hit.conversationId).toBe(old.id);
    expect(hit.messageId).toBe(old.messageIds[1]);
    expect(hit.role).toBe("assistant");
    expect(hit.snippet).not.toBeNull();
    expect(marked(hit.snippet!)).toEqual(["mitochondria"]);
    expect(hit.snippet!.text).toContain("The mitochondria is the powerhouse");
    expect(hit.snippet!.text.startsWith("…")).toBe(true);
    expect(hit.snippet!.text.endsWith("…")).toBe(true);
    expect(hit.snippet!.text.length).toBeLessThan(260);

    // Case-insensitive, a prefix of the last word while typing, and several words.
    expect((await searchConversations(owner.id, "MITOCHONDRIA")).results.map((r) => r.conversationId)).toEqual([old.id]);
    expect((await searchConversations(owner.id, "mitochon")).results.map((r) => r.conversationId)).toEqual([old.id]);
    expect((await searchConversations(owner.id, "powerhouse cell")).results.map((r) => r.conversationId)).toEqual([old.id]);
    expect((await searchConversations(owner.id, "powerhouse -cell")).results).toHaveLength(0);
    expect((await searchConversations(owner.id, '"powerhouse of the cell"')).results).toHaveLength(1);
    expect((await searchConversations(other.id, "powerhouse")).results).toHaveLength(0);

    // A deleted conversation is not found; restored… see list tests. Deleting hides it at once.
    await deleteConversation(owner.id, old.id);
    expect((await searchConversations(owner.id, "mitochondria")).results).toHaveLength(0);
  });

  it("searches titles, ranks by relevance then recency, and marks hits without HTML", async () => {
    const user = await makeUser();
    const older = await makeConversation(user.id, {
      title: "Savanna",
      lastMessageAt: new Date(Date.now() - 5 * DAY),
      messages: [{ role: "user", text: "a zebra has stripes", createdAt: new Date(Date.now() - 5 * DAY) }],
    });
    const newer = await makeConversation(user.id, {
      title: "Animals",
      lastMessageAt: new Date(Date.now() - 1 * DAY),
      messages: [{ role: "user", text: "a zebra has stripes", createdAt: new Date(Date.now() - 1 * DAY) }],
    });
    const titleOnly = await makeConversation(user.id, { title: "Striped zebra", messages: [] });
    const results = (await searchConversations(user.id, "zebra")).results;
    expect(results.map((r) => r.conversationId).sort()).toEqual([older.id, newer.id, titleOnly.id].sort());
    const titleHit = results.find((r) => r.conversationId === titleOnly.id)!;
    expect(titleHit.messageId).toBeNull();
    expect(titleHit.snippet).toBeNull();
    expect(marked(titleHit.title)).toEqual(["zebra"]);
    // Equal relevance: the more recent first.
    const withMessages = results.filter((r) => r.messageId !== null).map((r) => r.conversationId);
    expect(withMessages).toEqual([newer.id, older.id]);

    const evil = await makeConversation(user.id, {
      title: "<img src=x onerror=alert(1)> payload",
      messages: [{ role: "assistant", text: 'Beware <script>alert("xss")</script> of the payload & more' }],
    });
    const [hit] = (await searchConversations(user.id, "payload")).results;
    expect(hit.conversationId).toBe(evil.id);
    // The text comes back as text, unchanged (the client renders it as text nodes).
    expect(hit.snippet!.text).toBe('Beware <script>alert("xss")</script> of the payload & more');
    expect(marked(hit.snippet!)).toEqual(["payload"]);
    expect(marked(hit.title)).toEqual(["payload"]);
    await patchConversation(user.id, evil.id, { title: "Renamed" });
    expect((await searchConversations(user.id, "img")).results).toHaveLength(0);
  });

  it("survives any input", async () => {
    const user = await makeUser();
    await makeConversation(user.id, { title: "Hello world", messages: [{ role: "user", text: "hello" }] });
    for (const q of ["'", '"', "&|!", "a:*", "(((", "-", "or", "' OR 1=1 --", "\\", "🙂", "日本語"]) {
      const response = await searchConversations(user.id, q);
      expect(Array.isArray(response.results)).toBe(true);
    }
    expect((await searchConversations(user.id, "hello!")).results).toHaveLength(1);
  });

  it("a very common word is answered from the most recent conversations, still only the caller's", async () => {
    const user = await makeUser();
    const other = await makeUser("other");
    const db = await getDb();
    const now = Date.now();
    // More conversations holding the word than the recent window, so the common-word path runs.
    const count = RECENT_WINDOW + 20;
    expect(count).toBeGreaterThan(COMMON_HITS);
    await db.conversation.createMany({
      data: Array.from({ length: count }, (_, i) => ({
        id: `common-${user.id.slice(-6)}-${i}`,
        userId: user.id,
        model: "m/x",
        title: `Chat ${i}`,
        lastMessageAt: new Date(now - i * 60_000),
      })),
    });
    await db.message.createMany({
      data: Array.from({ length: count }, (_, i) => ({
        conversationId: `common-${user.id.slice(-6)}-${i}`,
        position: 0,
        role: "user",
        parts: [{ type: "text", text: `the usual words number ${i}` }],
        text: `the usual words number ${i}`,
        createdAt: new Date(now - i * 60_000),
      })),
    });
    await makeConversation(other.id, { title: "the other", messages: [{ role: "user", text: "the usual words" }] });
    const { results } = await searchConversations(user.id, "usual");
    expect(results).toHaveLength(20);
    expect(results.every((r) => r.conversationId.startsWith("common-") && r.messageId !== null)).toBe(true);
    // Equal relevance: the most recent first.
    expect(results.map((r) => r.conversationId).slice(0, 3)).toEqual([0, 1, 2].map((i) => `common-${user.id.slice(-6)}-${i}`));
    expect(results[0].snippet!.highlights.map(([s, e]) => results[0].snippet!.text.slice(s, e))).toEqual(["usual"]);
    // A rarer word in an older conversation, outside the window, is still found by the full search.
    expect((await searchConversations(user.id, `${count - 1}`)).results.map((r) => r.title.text)).toEqual([`Chat ${count - 1}`]);
  });
});
