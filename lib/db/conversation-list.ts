import "server-only";
import { Prisma } from "@/lib/generated/prisma/client";
import { getDb } from "./index";

// The sidebar's list of the caller's conversations; every query is scoped to the caller's user id in SQL.

export type ListRow = {
  id: string;
  title: string;
  model: string;
  pinned: boolean;
  createdAt: Date;
  lastMessageAt: Date;
};

/** The sidebar's sort key; a page starts strictly after it. */
export type ListKey = { pinned: boolean; lastMessageAt: Date; id: string };

/**
 * One page of the caller's live conversations, pinned first, then by last activity.
 * Keyset pagination on (pinned, lastMessageAt, id), all descending: the row comparison walks
 * `Conversation_userId_deletedAt_pinned_lastMessageAt_id_idx` from the cursor on, so page 200
 * costs what page 1 does (no OFFSET), and rows inserted meanwhile cause no duplicates or gaps.
 */
export function listPageSql(userId: string, limit: number, after?: ListKey): Prisma.Sql {
  const keyset = after ? Prisma.sql`AND ("pinned", "lastMessageAt", "id") < (${after.pinned}, ${after.lastMessageAt}, ${after.id})` : Prisma.empty;
  return Prisma.sql`
    SELECT "id", "title", "model", "pinned", "createdAt", "lastMessageAt"
    FROM "Conversation"
    WHERE "userId" = ${userId} AND "deletedAt" IS NULL ${keyset}
    ORDER BY "deletedAt", "pinned" DESC, "lastMessageAt" DESC, "id" DESC
    LIMIT ${limit}`;
}

export async function listConversationPage(userId: string, limit: number, after?: ListKey): Promise<ListRow[]> {
  const db = await getDb();
  return db.$queryRaw<ListRow[]>(listPageSql(userId, limit, after));
}

const listSelect = { id: true, title: true, model: true, pinned: true, createdAt: true, lastMessageAt: true } as const;

export async function findOwnedListRow(userId: string, id: string): Promise<ListRow | null> {
  const db = await getDb();
  return db.conversation.findFirst({ where: { id, userId, deletedAt: null }, select: listSelect });
}
