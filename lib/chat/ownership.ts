import "server-only";
import { findOwnedConversation, type ConversationRow } from "@/lib/db/conversations";
import { AppError } from "@/lib/errors";

/** The caller's conversation, or 404 — the same answer whether it is someone else's or absent. */
export async function requireOwnedConversation(userId: string, id: string): Promise<ConversationRow> {
  const conversation = await findOwnedConversation(userId, id);
  if (!conversation) throw new AppError("not_found:conversation", "Conversation not found.");
  return conversation;
}
