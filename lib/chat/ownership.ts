import "server-only";
import { findOwnedConversation, type ConversationRow } from "@/lib/db/conversations";
import { conversationNotFound } from "@/lib/errors";

/** The caller's conversation, or 404 — the same answer whether it is someone else's or absent. */
export async function requireOwnedConversation(userId: string, id: string): Promise<ConversationRow> {
  const conversation = await findOwnedConversation(userId, id);
  if (!conversation) throw conversationNotFound();
  return conversation;
}
