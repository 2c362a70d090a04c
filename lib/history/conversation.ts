import "server-only";
import {
  findOwnedConversation,
  restoreConversation,
  settingsOf,
  softDeleteConversation,
  sumConversationAnswerCost,
  updateOwnedConversation,
} from "@/lib/db/conversations";
import { groupAlternatives, listAllMessages, toUIMessage } from "@/lib/db/messages";
import { showAlternative as showAlternativeRow } from "@/lib/db/turns";
import type { ConversationView } from "@/lib/chat/types";
import { AppError } from "@/lib/errors";
import { requireModel } from "@/lib/openrouter/catalog";
import { toListItem } from "./list";
import type { AlternativeChoice, ConversationPatch } from "./schemas";
import type { ConversationListItem } from "./types";

// One conversation of the caller's: read, change, delete, restore. Someone else's conversation
// is indistinguishable from a missing one: always `not_found:conversation` (404), never 403.

export function notFound(): AppError {
  return new AppError("not_found:conversation", "Conversation not found.");
}

export type ConversationDetail = ConversationView & { createdAt: string; lastMessageAt: string };

export async function getConversationView(userId: string, id: string): Promise<ConversationDetail> {
  const row = await findOwnedConversation(userId, id);
  if (!row) throw notFound();
  const [rows, cost] = await Promise.all([listAllMessages(userId, id), sumConversationAnswerCost(userId, id)]);
  return {
    id: row.id,
    title: row.title,
    model: row.model,
    settings: settingsOf(row),
    pinned: row.pinned,
    messages: rows.filter((m) => m.shown).map(toUIMessage),
    alternatives: groupAlternatives(rows),
    totalCostNano: cost.toString(),
    streaming: false,
    createdAt: row.createdAt.toISOString(),
    lastMessageAt: row.lastMessageAt.toISOString(),
  };
}

export async function patchConversation(userId: string, id: string, patch: ConversationPatch): Promise<ConversationListItem> {
  // The model must be one the catalog offers now (checked before anything is written).
  if (patch.model !== undefined) await requireModel(patch.model);
  const row = await updateOwnedConversation(userId, id, patch);
  if (!row) throw notFound();
  return toListItem(row);
}

export async function deleteConversation(userId: string, id: string): Promise<void> {
  if (!(await softDeleteConversation(userId, id))) throw notFound();
}

export async function undeleteConversation(userId: string, id: string): Promise<ConversationListItem> {
  const row = await restoreConversation(userId, id);
  if (!row) throw notFound();
  return toListItem(row);
}

/** Shows another answer of a turn (and with `keep`, continues with its model); 404 when it is not the caller's. */
export async function showAlternative(userId: string, id: string, choice: AlternativeChoice): Promise<{ messageId: string; model: string | null }> {
  const shown = await showAlternativeRow(userId, id, choice.messageId, choice.keep ?? false);
  if (!shown) throw new AppError("not_found:message", "That answer is not in this conversation.");
  return { messageId: choice.messageId, model: shown.model };
}
