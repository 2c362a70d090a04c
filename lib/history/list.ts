import "server-only";
import { listConversationPage, type ListRow } from "@/lib/db/conversation-list";
import { decodeCursor, encodeCursor } from "./cursor";
import type { ConversationListItem, ConversationPage } from "./types";

export const DEFAULT_PAGE_SIZE = 50;

export function toListItem(row: ListRow): ConversationListItem {
  return {
    id: row.id,
    title: row.title,
    model: row.model,
    pinned: row.pinned,
    createdAt: row.createdAt.toISOString(),
    lastMessageAt: row.lastMessageAt.toISOString(),
  };
}

/** A page of the sidebar. One row more than asked tells whether another page exists. */
export async function listConversations(
  userId: string,
  { cursor, limit = DEFAULT_PAGE_SIZE }: { cursor?: string; limit?: number },
): Promise<ConversationPage> {
  const after = cursor ? decodeCursor(cursor) : undefined;
  const rows = await listConversationPage(userId, limit + 1, after);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map(toListItem),
    nextCursor: rows.length > limit && last ? encodeCursor(last) : null,
  };
}
