import "server-only";
import type { ChatMessageMetadata, ChatUIMessage, ConversationView } from "@/lib/chat/types";
import { findOwnedConversation, settingsOf } from "@/lib/db/conversations";
import { groupAlternatives, toUIMessage, type StoredMessage } from "@/lib/db/messages";
import { getDb } from "@/lib/db";
import { isStreamingAnywhere } from "./streams";

/**
 * An answer saved while its cost was still unknown (stopped, broken) carries `costPending` in
 * its metadata; settlement later fills the cost into its Usage rows, not into the message. Read
 * the settled figures from those rows so the footer shows the cost once it is known.
 */
async function settlePendingCosts(userId: string, conversationId: string, messages: ChatUIMessage[]): Promise<void> {
  const pending = messages.filter((m) => m.role === "assistant" && m.metadata?.costPending);
  if (pending.length === 0) return;
  const db = await getDb();
  const rows = await db.usage.findMany({
    where: { userId, conversationId, messageId: { in: pending.map((m) => m.id) } },
    select: { messageId: true, costNano: true, promptTokens: true, completionTokens: true, reasoningTokens: true },
  });
  const byMessage = new Map<string, typeof rows>();
  for (const row of rows) {
    if (!row.messageId) continue;
    const list = byMessage.get(row.messageId) ?? [];
    list.push(row);
    byMessage.set(row.messageId, list);
  }
  for (const message of pending) {
    const usage = byMessage.get(message.id);
    if (!usage || usage.some((u) => u.costNano === null)) continue;
    const sum = (pick: (u: (typeof rows)[number]) => number) => usage.reduce((n, u) => n + pick(u), 0);
    const metadata: ChatMessageMetadata = {
      ...message.metadata,
      costNano: usage.reduce((n, u) => n + (u.costNano ?? 0n), 0n).toString(),
      costPending: undefined,
      promptTokens: Math.max(message.metadata?.promptTokens ?? 0, sum((u) => u.promptTokens)),
      completionTokens: Math.max(message.metadata?.completionTokens ?? 0, sum((u) => u.completionTokens)),
      reasoningTokens: Math.max(message.metadata?.reasoningTokens ?? 0, sum((u) => u.reasoningTokens)),
    };
    message.metadata = metadata;
  }
}

const MESSAGE_SELECT = {
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
 * The last `limit` messages of the caller's conversation before `beforePosition` (or the last
 * ones), oldest first, and how many older ones remain.
 */
async function listMessagePage(
  userId: string,
  conversationId: string,
  limit: number,
  beforePosition?: number,
): Promise<{ rows: StoredMessage[]; earlierCount: number }> {
  const db = await getDb();
  const where = {
    conversationId,
    conversation: { userId },
    shown: true,
    ...(beforePosition !== undefined ? { position: { lt: beforePosition } } : {}),
  };
  const rows = (await db.message.findMany({ where, orderBy: { position: "desc" }, take: limit, select: MESSAGE_SELECT })).reverse();
  const first = rows[0];
  const earlierCount =
    rows.length < limit || !first
      ? 0
      : await db.message.count({ where: { conversationId, conversation: { userId }, shown: true, position: { lt: first.position } } });
  return { rows: rows as StoredMessage[], earlierCount };
}

/** The answers of the page's turns that have several (see groupAlternatives). */
async function alternativesOf(userId: string, conversationId: string, page: StoredMessage[]): Promise<Record<string, ChatUIMessage[]>> {
  const first = page[0];
  const last = page.at(-1);
  if (!first || !last) return {};
  const db = await getDb();
  const hidden = (await db.message.findMany({
    where: { conversationId, conversation: { userId }, shown: false, position: { gte: first.position, lte: last.position } },
    select: MESSAGE_SELECT,
  })) as StoredMessage[];
  if (hidden.length === 0) return {};
  // The question of the page's first answer may be on the page before.
  const question = (await db.message.findMany({
    where: { conversationId, conversation: { userId }, shown: true, position: first.position - 1 },
    select: MESSAGE_SELECT,
  })) as StoredMessage[];
  const all = [...question, ...page, ...hidden].sort((a, b) => a.position - b.position || a.variant - b.variant);
  const alternatives = groupAlternatives(all);
  await Promise.all(Object.values(alternatives).map((list) => settlePendingCosts(userId, conversationId, list)));
  return alternatives;
}

/**
 * A saved conversation as the chat page starts from it — its latest `limit` messages (older ones
 * are paged in with loadEarlierMessages) — or null when it is not the caller's.
 */
export async function loadConversationView(userId: string, id: string, limit = 10_000): Promise<ConversationView | null> {
  const conversation = await findOwnedConversation(userId, id);
  if (!conversation) return null;
  // Anywhere: a reload may land on another instance than the one writing the answer (Redis).
  const streaming = await isStreamingAnywhere(id, userId);
  const db = await getDb();
  const [page, total] = await Promise.all([
    listMessagePage(userId, id, limit),
    db.usage.aggregate({ where: { userId, conversationId: id }, _sum: { costNano: true } }),
  ]);
  const messages = page.rows.map(toUIMessage);
  const alternatives = await alternativesOf(userId, id, page.rows);
  if (streaming) {
    // The answer in flight is replayed by the resumed stream from its first chunk.
    const last = messages.at(-1);
    if (last?.role === "assistant") last.parts = [];
  }
  await settlePendingCosts(userId, id, messages);
  return {
    id,
    title: conversation.title,
    model: conversation.model,
    settings: settingsOf(conversation),
    pinned: conversation.pinned,
    messages,
    earlierCount: page.earlierCount,
    totalCostNano: (total._sum.costNano ?? 0n).toString(),
    streaming,
    alternatives,
  };
}

/**
 * Up to `limit` messages saved before `beforeMessageId` in the caller's conversation, oldest
 * first, and how many remain before them; null when the message is not in the caller's
 * conversation.
 */
export async function loadEarlierMessages(
  userId: string,
  conversationId: string,
  beforeMessageId: string,
  limit: number,
): Promise<{ messages: ChatUIMessage[]; earlierCount: number; alternatives: Record<string, ChatUIMessage[]> } | null> {
  const db = await getDb();
  const anchor = await db.message.findFirst({
    where: { id: beforeMessageId, conversationId, conversation: { userId, deletedAt: null } },
    select: { position: true },
  });
  if (!anchor) return null;
  const page = await listMessagePage(userId, conversationId, limit, anchor.position);
  const messages = page.rows.map(toUIMessage);
  await settlePendingCosts(userId, conversationId, messages);
  return { messages, earlierCount: page.earlierCount, alternatives: await alternativesOf(userId, conversationId, page.rows) };
}
