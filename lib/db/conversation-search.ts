import "server-only";
import { Prisma } from "@/lib/generated/prisma/client";
import { getDb } from "./index";

// The sidebar's full-text search over the caller's conversations (the ranking and snippets are
// lib/history/search.ts); every query is scoped to the caller's user id in SQL.

export type SearchRow = {
  conversationId: string;
  title: string;
  pinned: boolean;
  lastMessageAt: Date;
  messageId: string | null;
  role: string | null;
  messageAt: Date | null;
  rank: number;
  text: string | null;
};

/**
 * Full-text search over the caller's live conversations: titles and message text, through the
 * GIN indexes on the generated `searchVector` columns. One row per conversation (its best
 * message), best rank first, then the most recent. `tsquery` is the SQL of a tsquery value.
 */
export function searchSql(userId: string, tsquery: Prisma.Sql, limit: number): Prisma.Sql {
  // The tsquery is written out where it is used (not in a CTE) so the planner sees its value
  // and can weigh the GIN indexes against the owner's index.
  return Prisma.sql`
    WITH message_hits AS (
      SELECT DISTINCT ON (m."conversationId")
             m."conversationId" AS cid, m."id" AS mid, m."role", m."createdAt" AS at,
             ts_rank(m."searchVector", ${tsquery}) AS rank
      FROM "Message" m
      JOIN "Conversation" c ON c."id" = m."conversationId"
      WHERE m."searchVector" @@ ${tsquery} AND c."userId" = ${userId} AND c."deletedAt" IS NULL
      ORDER BY m."conversationId", rank DESC, m."createdAt" DESC
    ),
    title_hits AS (
      SELECT c."id" AS cid, ts_rank(c."searchVector", ${tsquery}) * 1.5 AS rank
      FROM "Conversation" c
      WHERE c."searchVector" @@ ${tsquery} AND c."userId" = ${userId} AND c."deletedAt" IS NULL
    ),
    hits AS (
      SELECT coalesce(mh.cid, th.cid) AS cid, mh.mid, mh."role", mh.at,
             greatest(coalesce(mh.rank, 0), coalesce(th.rank, 0)) AS rank
      FROM message_hits mh FULL JOIN title_hits th ON th.cid = mh.cid
    ),
    top AS (
      SELECT h.*, c."title", c."pinned", c."lastMessageAt"
      FROM hits h JOIN "Conversation" c ON c."id" = h.cid
      ORDER BY h.rank DESC, coalesce(h.at, c."lastMessageAt") DESC, h.cid DESC
      LIMIT ${limit}
    )
    SELECT t.cid AS "conversationId", t."title", t."pinned", t."lastMessageAt",
           t.mid AS "messageId", t."role", t.at AS "messageAt", t.rank::float8 AS rank,
           left(m."text", 100000) AS "text"
    FROM top t LEFT JOIN "Message" m ON m."id" = t.mid
    ORDER BY t.rank DESC, coalesce(t.at, t."lastMessageAt") DESC, t.cid DESC`;
}

/**
 * The search for words so common that ranking every message holding them would be slow ("the",
 * "a"): only the caller's `window` most recent conversations (pinned first, as the list index
 * yields them) are checked, each through its own messages, and those with a hit are ranked like
 * any search. `found` says how many of the window had a hit: when it is small the word is not
 * common, and the caller runs the full search (searchSql) instead. Costs the same whatever the
 * size of the history.
 */
export function searchRecentSql(userId: string, tsquery: Prisma.Sql, window: number, limit: number): Prisma.Sql {
  return Prisma.sql`
    WITH recent_conversations AS (
      SELECT c."id", c."title", c."pinned", c."lastMessageAt", c."searchVector", c."deletedAt"
      FROM "Conversation" c
      WHERE c."userId" = ${userId} AND c."deletedAt" IS NULL
      ORDER BY c."deletedAt", c."pinned" DESC, c."lastMessageAt" DESC, c."id" DESC
      LIMIT ${window}
    ),
    hits AS (
      SELECT c."id" AS cid, c."title", c."pinned", c."lastMessageAt", best.mid, best."role", best.at,
             greatest(coalesce(best.rank, 0),
                      CASE WHEN c."searchVector" @@ ${tsquery} THEN ts_rank(c."searchVector", ${tsquery}) * 1.5 ELSE 0 END) AS rank
      FROM recent_conversations c
      LEFT JOIN LATERAL (
        SELECT m."id" AS mid, m."role", m."createdAt" AS at, ts_rank(m."searchVector", ${tsquery}) AS rank
        FROM "Message" m
        WHERE m."conversationId" = c."id" AND m."searchVector" @@ ${tsquery}
        ORDER BY rank DESC, m."createdAt" DESC
        LIMIT 1
      ) best ON true
      WHERE best.mid IS NOT NULL OR c."searchVector" @@ ${tsquery}
    ),
    top AS (
      SELECT * FROM hits
      ORDER BY rank DESC, coalesce(at, "lastMessageAt") DESC, cid DESC
      LIMIT ${limit}
    )
    SELECT t.cid AS "conversationId", t."title", t."pinned", t."lastMessageAt",
           t.mid AS "messageId", t."role", t.at AS "messageAt", t.rank::float8 AS rank,
           left(m."text", 100000) AS "text", (SELECT count(*)::int FROM hits) AS found
    FROM top t LEFT JOIN "Message" m ON m."id" = t.mid
    ORDER BY t.rank DESC, coalesce(t.at, t."lastMessageAt") DESC, t.cid DESC`;
}

export async function searchRecentOwnedConversations(
  userId: string,
  tsquery: Prisma.Sql,
  window: number,
  limit: number,
): Promise<{ rows: SearchRow[]; found: number }> {
  const db = await getDb();
  const rows = await db.$queryRaw<(SearchRow & { found: number })[]>(searchRecentSql(userId, tsquery, window, limit));
  return { rows, found: rows[0]?.found ?? 0 };
}

export async function searchOwnedConversations(userId: string, tsquery: Prisma.Sql, limit: number): Promise<SearchRow[]> {
  const db = await getDb();
  return db.$queryRaw<SearchRow[]>(searchSql(userId, tsquery, limit));
}
