import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { getDatabase, getDb } from "@/lib/db";
import { listPageSql } from "@/lib/db/conversation-list";
import { searchRecentSql, searchSql } from "@/lib/db/conversation-search";
import { Prisma } from "@/lib/generated/prisma/client";
import { RECENT_WINDOW, tsqueryFor } from "./search";

// The sidebar's first page, a later page and a search must be index scans, not sequential
// scans, once the table statistics say there is enough data for it to matter. The plans are
// printed so a reviewer can read them.

// An instance with 200 users: the user under test has 1,000 conversations of 8 messages, the
// others 100 conversations each (the first 30 of them with 2 messages per conversation):
// 20,900 conversations and 14,000 messages. Small tables are read whole whatever the indexes
// (rightly: it is cheaper), so there must be enough rows for the plans to mean anything.
const USERS = 200;
const conversationsOf = (userIndex: number) => (userIndex === 0 ? 1000 : 100);
const messagesOf = (userIndex: number) => (userIndex === 0 ? 8 : userIndex <= 30 ? 2 : 0);

const vocabulary = Array.from({ length: 3000 }, (_, i) => `w${i.toString(36)}x${(i * 7919).toString(36)}`);
function sentence(n: number, seed: number): string {
  const words: string[] = [];
  for (let i = 0; i < n; i++) words.push(vocabulary[(seed * 31 + i * 17 + ((seed * i) % 97)) % vocabulary.length]);
  return words.join(" ");
}

let userId = "";

beforeAll(async () => {
  const db = await getDb();
  const tag = randomBytes(3).toString("hex");
  await db.user.createMany({
    data: Array.from({ length: USERS }, (_, i) => ({ id: `plan-${tag}-${i}`, email: `plan${i}-${tag}@example.com`, name: `P${i}` })),
  });
  const users = Array.from({ length: USERS }, (_, i) => ({ id: `plan-${tag}-${i}` }));
  userId = users[0].id;
  const now = Date.now();
  const conversations: Prisma.ConversationCreateManyInput[] = [];
  const messages: Prisma.MessageCreateManyInput[] = [];
  let seed = 0;
  for (const [u, user] of users.entries()) {
    for (let c = 0; c < conversationsOf(u); c++) {
      const id = `p${randomBytes(9).toString("hex")}`;
      conversations.push({
        id,
        userId: user.id,
        model: "openai/gpt-4o-mini",
        title: sentence(4, seed++),
        pinned: c % 50 === 0,
        lastMessageAt: new Date(now - c * 3_600_000),
        deletedAt: c % 40 === 1 ? new Date() : null,
      });
      for (let m = 0; m < messagesOf(u); m++) {
        const text = sentence(m % 2 ? 120 : 20, seed++) + (u === 0 && c === 77 && m === 1 ? " xylophonist " + sentence(30, seed) : "");
        messages.push({ conversationId: id, position: m, role: m % 2 ? "assistant" : "user", parts: [{ type: "text", text }], text });
      }
    }
  }
  for (let i = 0; i < conversations.length; i += 5000) await db.conversation.createMany({ data: conversations.slice(i, i + 5000) });
  for (let i = 0; i < messages.length; i += 2000) await db.message.createMany({ data: messages.slice(i, i + 2000) });
  const { sql } = await getDatabase();
  await sql.exec(`ANALYZE "Conversation"; ANALYZE "Message"; ANALYZE "User";`);
}, 240_000);

async function explain(query: Prisma.Sql): Promise<string> {
  const db = await getDb();
  const rows = await db.$queryRaw<Record<string, string>[]>(Prisma.sql`EXPLAIN ${query}`);
  return rows.map((r) => Object.values(r)[0]).join("\n");
}

function expectNoSeqScan(plan: string) {
  expect(plan).not.toMatch(/Seq Scan on "?Conversation"?/);
  expect(plan).not.toMatch(/Seq Scan on "?Message"?/);
}

describe("query plans", () => {
  it("the sidebar's first page and a later page walk the list index", async () => {
    const first = await explain(listPageSql(userId, 51));
    console.log(`--- sidebar, first page\n${first}`);
    expect(first).toContain("Conversation_userId_deletedAt_pinned_lastMessageAt_id_idx");
    expectNoSeqScan(first);
    // No sort step: the index already yields rows in list order.
    expect(first).not.toMatch(/\bSort\b/);

    // The cursor of page 5: the key of the 200th row.
    const db = await getDb();
    const rows = await db.$queryRaw<{ pinned: boolean; lastMessageAt: Date; id: string }[]>(listPageSql(userId, 200));
    const key = rows[rows.length - 1];
    const later = await explain(listPageSql(userId, 51, { pinned: key.pinned, lastMessageAt: key.lastMessageAt, id: key.id }));
    console.log(`--- sidebar, a later page (keyset)\n${later}`);
    expect(later).toContain("Conversation_userId_deletedAt_pinned_lastMessageAt_id_idx");
    expectNoSeqScan(later);
    expect(later).not.toMatch(/\bSort\b/);
  });

  it("a search uses the GIN indexes on messages and titles", async () => {
    const { sql } = tsqueryFor("xylophonist");
    const plan = await explain(searchSql(userId, sql, 20));
    console.log(`--- search\n${plan}`);
    // Messages are found through the GIN index, never by reading every message of the user.
    expect(plan).toMatch(/Bitmap Index Scan on "?Message_searchVector_idx"?/);
    expectNoSeqScan(plan);

    const websearch = tsqueryFor('"xylophonist" -nothing');
    const plan2 = await explain(searchSql(userId, websearch.sql, 20));
    console.log(`--- search (websearch syntax)\n${plan2}`);
    expect(plan2).toContain("Message_searchVector_idx");
    expectNoSeqScan(plan2);

    // The first step of every search: the most recent conversations, through the list index
    // and each conversation's own messages.
    const recent = await explain(searchRecentSql(userId, sql, RECENT_WINDOW, 20));
    console.log(`--- search, recent conversations first\n${recent}`);
    expect(recent).toContain("Conversation_userId_deletedAt_pinned_lastMessageAt_id_idx");
    expect(recent).toContain("Message_conversationId_position_variant_key");
    expectNoSeqScan(recent);

    // And it finds the one message that has the word.
    const db = await getDb();
    const rows = await db.$queryRaw<{ messageId: string }[]>(searchSql(userId, sql, 20));
    expect(rows).toHaveLength(1);
  });
});
