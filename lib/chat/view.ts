import "server-only";
import type { ConversationView } from "@/lib/chat/types";
import { findOwnedConversation, settingsOf } from "@/lib/db/conversations";
import { listMessages, toUIMessage } from "@/lib/db/messages";
import { getDb } from "@/lib/db";
import { isStreaming } from "./streams";

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
