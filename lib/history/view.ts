import "server-only";
import type { ChatMessageMetadata, ChatUIMessage, ConversationView } from "@/lib/chat/types";
import { isStreamingAnywhere } from "@/lib/chat/streams";
import { findOwnedConversation, settingsOf } from "@/lib/db/conversations";
import { listAnswerUsage, sumConversationCost, type AnswerUsage } from "@/lib/db/conversation-usage";
import { findMessagePosition, findShownMessageAt, listHiddenMessagesBetween, listShownMessagePage } from "@/lib/db/message-pages";
import { groupAlternatives, toUIMessage, type StoredMessage } from "@/lib/db/messages";

// The one reader of a saved conversation, for the chat page and for GET /api/conversations/:id:
// its shown messages (on the page the latest ones, older ones paged in as the user scrolls up),
// the other answers of turns that have several, its total cost (sumConversationCost: every
// generation made for it, as the spend page counts it) and whether an answer is being written.

export type ConversationDetail = ConversationView & { createdAt: string; lastMessageAt: string };

export type EarlierMessages = { messages: ChatUIMessage[]; earlierCount: number; alternatives: Record<string, ChatUIMessage[]> };

/**
 * The caller's live conversation with its last `limit` shown messages (all of them without a
 * limit), or null when it is not the caller's.
 */
export async function readConversation(userId: string, id: string, { limit }: { limit?: number } = {}): Promise<ConversationDetail | null> {
  const conversation = await findOwnedConversation(userId, id);
  if (!conversation) return null;
  // Anywhere: a reload may land on another instance than the one writing the answer (Redis).
  // Asked before the messages are read: an answer said to be streaming is then among them.
  const streaming = await isStreamingAnywhere(id, userId);
  const [page, totalCostNano] = await Promise.all([listShownMessagePage(userId, id, { limit }), sumConversationCost(userId, id)]);
  const messages = page.rows.map(toUIMessage);
  const [alternatives] = await Promise.all([alternativesOf(userId, id, page.rows), settlePendingCosts(userId, id, messages)]);
  return {
    id,
    title: conversation.title,
    model: conversation.model,
    settings: settingsOf(conversation),
    pinned: conversation.pinned,
    messages,
    earlierCount: page.earlierCount,
    totalCostNano: totalCostNano.toString(),
    streaming,
    alternatives,
    createdAt: conversation.createdAt.toISOString(),
    lastMessageAt: conversation.lastMessageAt.toISOString(),
  };
}

/**
 * What the chat page starts from: the conversation as readConversation reads it, except that an
 * answer still being written starts as it was before its stream, because the page resumes the
 * stream, which replays it from its first chunk: empty, or — an answer that goes on after its
 * tool approvals — what it held before it went on. One saved meanwhile starts empty.
 */
export async function loadConversationView(userId: string, id: string, limit?: number): Promise<ConversationDetail | null> {
  const view = await readConversation(userId, id, { limit });
  if (view?.streaming) {
    const last = view.messages.at(-1);
    if (last?.role === "assistant" && last.metadata?.status !== "streaming") last.parts = [];
  }
  return view;
}

/**
 * Up to `limit` shown messages before `beforeMessageId` in the caller's conversation, oldest
 * first, how many remain before them and the other answers of their turns; null when the message
 * is not in the caller's live conversation.
 */
export async function readEarlierMessages(
  userId: string,
  conversationId: string,
  beforeMessageId: string,
  limit: number,
): Promise<EarlierMessages | null> {
  const beforePosition = await findMessagePosition(userId, conversationId, beforeMessageId);
  if (beforePosition === null) return null;
  const page = await listShownMessagePage(userId, conversationId, { limit, beforePosition });
  const messages = page.rows.map(toUIMessage);
  const [alternatives] = await Promise.all([alternativesOf(userId, conversationId, page.rows), settlePendingCosts(userId, conversationId, messages)]);
  return { messages, earlierCount: page.earlierCount, alternatives };
}

/** The answers of the page's turns that have several (see groupAlternatives). */
async function alternativesOf(userId: string, conversationId: string, page: StoredMessage[]): Promise<Record<string, ChatUIMessage[]>> {
  const first = page[0];
  const last = page.at(-1);
  if (!first || !last) return {};
  const hidden = await listHiddenMessagesBetween(userId, conversationId, first.position, last.position);
  if (hidden.length === 0) return {};
  // The question of the page's first answer may be on the page before.
  const question = await findShownMessageAt(userId, conversationId, first.position - 1);
  const all = [...(question ? [question] : []), ...page, ...hidden].sort((a, b) => a.position - b.position || a.variant - b.variant);
  const alternatives = groupAlternatives(all);
  await Promise.all(Object.values(alternatives).map((list) => settlePendingCosts(userId, conversationId, list)));
  return alternatives;
}

/**
 * An answer saved while its cost was still unknown (stopped, broken) carries `costPending` in
 * its metadata; settlement later fills the cost into its Usage rows, not into the message. Read
 * the settled figures from those rows so the footer shows the cost once it is known.
 */
async function settlePendingCosts(userId: string, conversationId: string, messages: ChatUIMessage[]): Promise<void> {
  const pending = messages.filter((m) => m.role === "assistant" && m.metadata?.costPending);
  const rows = await listAnswerUsage(
    userId,
    conversationId,
    pending.map((m) => m.id),
  );
  const byMessage = new Map<string, AnswerUsage[]>();
  for (const row of rows) byMessage.set(row.messageId, [...(byMessage.get(row.messageId) ?? []), row]);
  for (const message of pending) {
    const usage = byMessage.get(message.id);
    if (!usage || usage.some((u) => u.costNano === null)) continue;
    const sum = (pick: (u: AnswerUsage) => number) => usage.reduce((n, u) => n + pick(u), 0);
    const metadata: ChatMessageMetadata = {
      ...message.metadata,
      costNano: usage.reduce((n, u) => n + (u.costNano ?? 0n), 0n).toString(),
      costPending: undefined,
      promptTokens: Math.max(
        message.metadata?.promptTokens ?? 0,
        sum((u) => u.promptTokens),
      ),
      completionTokens: Math.max(
        message.metadata?.completionTokens ?? 0,
        sum((u) => u.completionTokens),
      ),
      reasoningTokens: Math.max(
        message.metadata?.reasoningTokens ?? 0,
        sum((u) => u.reasoningTokens),
      ),
    };
    message.metadata = metadata;
  }
}
