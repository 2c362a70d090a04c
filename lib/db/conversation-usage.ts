import "server-only";
import { getDb } from "./index";

// Reads of a conversation's Usage rows (one row per upstream generation; see usage.ts).

/**
 * What the caller's conversation has cost so far, nano-USD: the known cost of every generation
 * made for it — its answers, the regenerated and compared ones, and its title. This is what the
 * spend page counts for the conversation (its rollups, "UsageConversationDaily" and
 * "UsageConversationMonthly", take every Usage row of a conversation whatever its kind), so the
 * chat page, the API, an export and the spend page show one figure; leaving the title out would
 * show less than the user was charged. Costs still unknown count as 0 until settled.
 */
export async function sumConversationCost(userId: string, conversationId: string): Promise<bigint> {
  const db = await getDb();
  const total = await db.usage.aggregate({ where: { userId, conversationId }, _sum: { costNano: true } });
  return total._sum.costNano ?? 0n;
}

export type AnswerUsage = {
  messageId: string;
  costNano: bigint | null;
  promptTokens: number;
  completionTokens: number;
  reasoningTokens: number;
};

/** The Usage rows of these answers of the caller's conversation. */
export async function listAnswerUsage(userId: string, conversationId: string, messageIds: string[]): Promise<AnswerUsage[]> {
  if (messageIds.length === 0) return [];
  const db = await getDb();
  const rows = await db.usage.findMany({
    where: { userId, conversationId, messageId: { in: messageIds } },
    select: { messageId: true, costNano: true, promptTokens: true, completionTokens: true, reasoningTokens: true },
  });
  return rows.filter((row): row is AnswerUsage => row.messageId !== null);
}
