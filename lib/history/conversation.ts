import "server-only";
import { restoreConversation, softDeleteConversation, updateOwnedConversation } from "@/lib/db/conversations";
import { showAlternative as showAlternativeRow } from "@/lib/db/turns";
import { AppError, conversationNotFound } from "@/lib/errors";
import { requireModel } from "@/lib/openrouter/catalog";
import { toListItem } from "./list";
import type { AlternativeChoice, ConversationPatch } from "./schemas";
import type { ConversationListItem } from "./types";
import { readConversation, type ConversationDetail } from "./view";

// One conversation of the caller's: read, change, delete, restore. Someone else's conversation
// is indistinguishable from a missing one: always `not_found:conversation` (404), never 403.

/** The whole conversation, as the chat page reads it (lib/history/view.ts). */
export async function getConversationView(userId: string, id: string): Promise<ConversationDetail> {
  const view = await readConversation(userId, id);
  if (!view) throw conversationNotFound();
  return view;
}

export async function patchConversation(userId: string, id: string, patch: ConversationPatch): Promise<ConversationListItem> {
  // The model must be one the catalog offers now (checked before anything is written).
  if (patch.model !== undefined) await requireModel(patch.model);
  const row = await updateOwnedConversation(userId, id, patch);
  if (!row) throw conversationNotFound();
  return toListItem(row);
}

export async function deleteConversation(userId: string, id: string): Promise<void> {
  if (!(await softDeleteConversation(userId, id))) throw conversationNotFound();
}

export async function undeleteConversation(userId: string, id: string): Promise<ConversationListItem> {
  const row = await restoreConversation(userId, id);
  if (!row) throw conversationNotFound();
  return toListItem(row);
}

/** Shows another answer of a turn (and with `keep`, continues with its model); 404 when it is not the caller's. */
export async function showAlternative(userId: string, id: string, choice: AlternativeChoice): Promise<{ messageId: string; model: string | null }> {
  const shown = await showAlternativeRow(userId, id, choice.messageId, choice.keep ?? false);
  if (!shown) throw new AppError("not_found:message", "That answer is not in this conversation.");
  return { messageId: choice.messageId, model: shown.model };
}
