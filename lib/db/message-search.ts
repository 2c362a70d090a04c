import "server-only";
import { getDb } from "./index";

/**
 * A small search over the caller's messages for the chat's search tool: PostgreSQL full-text
 * matching on the message text, newest first. (The sidebar's ranked search is lib/history.)
 */
export async function searchConversationsForTool(
  userId: string,
  query: string,
  limit: number,
): Promise<{ conversationId: string; title: string; snippet: string; at: string }[]> {
  const db = await getDb();
  const rows = await db.$queryRaw<{ conversationId: string; title: string; text: string; createdAt: Date }[]>`
    SELECT m."conversationId", c.title, m.text, m."createdAt"
    FROM "Message" m JOIN "Conversation" c ON c.id = m."conversationId"
    WHERE c."userId" = ${userId} AND c."deletedAt" IS NULL
      AND to_tsvector('simple', m.text) @@ plainto_tsquery('simple', ${query})
    ORDER BY m."createdAt" DESC
    LIMIT ${limit}`;
  const firstWord = query.trim().split(/\s+/)[0]?.toLowerCase() ?? "";
  return rows.map((r) => {
    const at = Math.max(0, r.text.toLowerCase().indexOf(firstWord) - 60);
    return {
      conversationId: r.conversationId,
      title: r.title,
      snippet: (at > 0 ? "…" : "") + r.text.slice(at, at + 200),
      at: r.createdAt.toISOString(),
    };
  });
}
