import "server-only";
import type { StoredMessage } from "./messages";
import { getDb } from "./index";

// A conversation's messages a page at a time, for reading it (lib/history/view.ts). Every query
// joins on the conversation's owner; the caller checks the conversation is live first.

const messageSelect = {
  id: true,
  position: true,
  variant: true,
  shown: true,
  role: true,
  parts: true,
  model: true,
  status: true,
  metadata: true,
  createdAt: true,
} as const;

/**
 * The last `limit` shown messages of the caller's conversation before `beforePosition` (all of
 * them without a limit), oldest first, and how many shown ones remain before them.
 */
export async function listShownMessagePage(
  userId: string,
  conversationId: string,
  { limit, beforePosition }: { limit?: number; beforePosition?: number } = {},
): Promise<{ rows: StoredMessage[]; earlierCount: number }> {
  const db = await getDb();
  const where = {
    conversationId,
    conversation: { userId },
    shown: true,
    ...(beforePosition !== undefined ? { position: { lt: beforePosition } } : {}),
  };
  const rows = (await db.message.findMany({ where, orderBy: { position: "desc" }, take: limit, select: messageSelect })).reverse();
  const first = rows[0];
  const earlierCount =
    limit === undefined || rows.length < limit || !first
      ? 0
      : await db.message.count({ where: { conversationId, conversation: { userId }, shown: true, position: { lt: first.position } } });
  return { rows: rows as StoredMessage[], earlierCount };
}

/** The messages not shown (other answers of a turn) from position `from` to `to`, both included. */
export async function listHiddenMessagesBetween(userId: string, conversationId: string, from: number, to: number): Promise<StoredMessage[]> {
  const db = await getDb();
  return (await db.message.findMany({
    where: { conversationId, conversation: { userId }, shown: false, position: { gte: from, lte: to } },
    select: messageSelect,
  })) as StoredMessage[];
}

/** The shown message at `position`, if any. */
export async function findShownMessageAt(userId: string, conversationId: string, position: number): Promise<StoredMessage | null> {
  const db = await getDb();
  return (await db.message.findFirst({
    where: { conversationId, conversation: { userId }, shown: true, position },
    select: messageSelect,
  })) as StoredMessage | null;
}

/** The position of a message of the caller's live conversation, or null. */
export async function findMessagePosition(userId: string, conversationId: string, messageId: string): Promise<number | null> {
  const db = await getDb();
  const row = await db.message.findFirst({
    where: { id: messageId, conversationId, conversation: { userId, deletedAt: null } },
    select: { position: true },
  });
  return row?.position ?? null;
}
