import "server-only";
import type { ChatMessageMetadata, ChatUIMessage, ConversationView } from "@/lib/chat/types";
import { findOwnedConversation, settingsOf } from "@/lib/db/conversations";
import { listMessages, toUIMessage } from "@/lib/db/messages";
import { getDb } from "@/lib/db";
import { isStreaming } from "./streams";

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

/** A saved conversation as the chat page starts from it, or null when it is not the caller's. */
export async function loadConversationView(userId: string, id: string): Promise<ConversationView | null> {
  const conversation = await findOwnedConversation(userId, id);
  if (!conversation) return null;
  const streaming = isStreaming(id);
  const rows = await listMessages(userId, id);
  const messages = rows.map(toUIMessage);
  if (streaming) {
    // The answer in flight is replayed by the resumed stream from its first chunk.
    const last = messages.at(-1);
    if (last?.role === "assistant") last.parts = [];
  }
  await settlePendingCosts(userId, id, messages);
  const db = await getDb();
  const total = await db.usage.aggregate({ where: { userId, conversationId: id }, _sum: { costNano: true } });
  return {
    id,
    title: conversation.title,
    model: conversation.model,
    settings: settingsOf(conversation),
    pinned: conversation.pinned,
    messages,
    totalCostNano: (total._sum.costNano ?? 0n).toString(),
    streaming,
  };
}
