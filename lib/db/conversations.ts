import "server-only";
import { Prisma } from "@/lib/generated/prisma/client";
import { conversationSettingsSchema, routingSettingsSchema, type ConversationSettings } from "@/lib/chat/types";
import { isUniqueViolation } from "./errors";
import { findOwnedListRow, type ListRow } from "./conversation-list";
import { getDb } from "./index";
import { conversationNotFound } from "@/lib/errors";

// A conversation's own row: read, create, change, delete. Every function takes the caller's user
// id and checks ownership in the query itself. Its list, search, export and import are in the
// conversation-*.ts files beside this one.

export type ConversationRow = {
  id: string;
  userId: string;
  title: string;
  model: string;
  systemPrompt: string | null;
  settings: Prisma.JsonValue;
  pinned: boolean;
  createdAt: Date;
  updatedAt: Date;
  lastMessageAt: Date;
};

const conversationSelect = {
  id: true,
  userId: true,
  title: true,
  model: true,
  systemPrompt: true,
  settings: true,
  pinned: true,
  createdAt: true,
  updatedAt: true,
  lastMessageAt: true,
} as const;

// The columns of `conversationSelect`, for plain SQL on the chat path (no query compiler work per call).
const conversationColumns = Prisma.sql`c."id", c."userId", c."title", c."model", c."systemPrompt", c."settings", c."pinned",
  c."createdAt", c."updatedAt", c."lastMessageAt"`;

/** The caller's live (not deleted) conversation, or null — never someone else's. */
export async function findOwnedConversation(userId: string, id: string): Promise<ConversationRow | null> {
  const db = await getDb();
  const rows = await db.$queryRaw<ConversationRow[]>`
    SELECT ${conversationColumns} FROM "Conversation" c WHERE c."id" = ${id} AND c."userId" = ${userId} AND c."deletedAt" IS NULL`;
  return rows[0] ?? null;
}

/**
 * For a new turn, in one round trip: the caller's live conversation (null when there is none),
 * and whether the id is taken at all (anyone's, deleted ones too), to tell "create" from "not yours".
 */
export async function findConversationForTurn(userId: string, id: string): Promise<{ conversation: ConversationRow | null; idTaken: boolean }> {
  const db = await getDb();
  const [row] = await db.$queryRaw<({ idTaken: boolean } & { [K in keyof ConversationRow]: ConversationRow[K] | null })[]>`
    SELECT t."idTaken", ${conversationColumns}
    FROM (SELECT EXISTS (SELECT 1 FROM "Conversation" WHERE "id" = ${id}) AS "idTaken") t
    LEFT JOIN "Conversation" c ON c."id" = ${id} AND c."userId" = ${userId} AND c."deletedAt" IS NULL`;
  if (!row) return { conversation: null, idTaken: false };
  const { idTaken, ...columns } = row;
  return { conversation: columns.id === null ? null : (columns as ConversationRow), idTaken };
}

export async function createConversation(
  userId: string,
  input: { id: string; model: string; title?: string; settings?: ConversationSettings },
): Promise<ConversationRow> {
  const db = await getDb();
  const { systemPrompt, ...settings } = input.settings ?? {};
  try {
    return await db.conversation.create({
      data: {
        id: input.id,
        userId,
        model: input.model,
        title: input.title ?? "New chat",
        systemPrompt: systemPrompt ?? null,
        settings: settings as Prisma.InputJsonValue,
      },
      select: conversationSelect,
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw conversationNotFound();
    throw error;
  }
}

export async function touchConversation(userId: string, id: string): Promise<void> {
  const db = await getDb();
  const now = new Date();
  // Plain SQL: runs at the end of every answer.
  await db.$executeRaw`UPDATE "Conversation" SET "lastMessageAt" = ${now}, "updatedAt" = ${now} WHERE "id" = ${id} AND "userId" = ${userId}`;
}

export function settingsOf(row: Pick<ConversationRow, "settings" | "systemPrompt">): ConversationSettings {
  const stored = (row.settings && typeof row.settings === "object" && !Array.isArray(row.settings) ? row.settings : {}) as Record<string, unknown>;
  return {
    systemPrompt: row.systemPrompt,
    temperature: typeof stored.temperature === "number" ? stored.temperature : null,
    maxTokens: typeof stored.maxTokens === "number" ? stored.maxTokens : null,
    topP: typeof stored.topP === "number" ? stored.topP : null,
    reasoningEffort:
      stored.reasoningEffort === "low" || stored.reasoningEffort === "medium" || stored.reasoningEffort === "high" ? stored.reasoningEffort : null,
    routing: routingSettingsSchema.safeParse(stored.routing).data ?? null,
    tools: conversationSettingsSchema.shape.tools.safeParse(stored.tools).data ?? null,
  };
}

/**
 * Changes what the caller asked for on their live conversation; null when there is none
 * (missing, deleted, or someone else's: the caller cannot tell which).
 */
export async function updateOwnedConversation(
  userId: string,
  id: string,
  input: { title?: string; pinned?: boolean; model?: string; settings?: ConversationSettings },
): Promise<ListRow | null> {
  const db = await getDb();
  const data: Prisma.ConversationUpdateManyMutationInput = {};
  if (input.title !== undefined) data.title = input.title;
  if (input.pinned !== undefined) data.pinned = input.pinned;
  if (input.model !== undefined) data.model = input.model;
  if (input.settings !== undefined) {
    const { systemPrompt, ...settings } = input.settings;
    data.systemPrompt = systemPrompt ?? null;
    data.settings = settings as Prisma.InputJsonValue;
  }
  const { count } = await db.conversation.updateMany({ where: { id, userId, deletedAt: null }, data });
  if (count === 0) return null;
  return findOwnedListRow(userId, id);
}

/** Sets a generated title unless the title changed since `expected` was read (e.g. a rename). */
export async function replaceConversationTitle(userId: string, id: string, expected: string, title: string): Promise<boolean> {
  const db = await getDb();
  // Plain SQL: runs after the first answer of every conversation.
  const count = await db.$executeRaw`
    UPDATE "Conversation" SET "title" = ${title}, "updatedAt" = ${new Date()}
    WHERE "id" = ${id} AND "userId" = ${userId} AND "title" = ${expected}`;
  return count > 0;
}

/** Soft delete: hidden everywhere at once, restorable until the purge (30 days). */
export async function softDeleteConversation(userId: string, id: string): Promise<boolean> {
  const db = await getDb();
  const { count } = await db.conversation.updateMany({
    where: { id, userId, deletedAt: null },
    data: { deletedAt: new Date() },
  });
  return count > 0;
}

/** Undoes a soft delete. True when the conversation is live afterwards. */
export async function restoreConversation(userId: string, id: string): Promise<ListRow | null> {
  const db = await getDb();
  await db.conversation.updateMany({ where: { id, userId, deletedAt: { not: null } }, data: { deletedAt: null } });
  return findOwnedListRow(userId, id);
}

/** Removes, for good, conversations soft-deleted before `before` (their messages cascade). */
export async function purgeConversationsDeletedBefore(before: Date): Promise<number> {
  const db = await getDb();
  const { count } = await db.conversation.deleteMany({ where: { deletedAt: { lt: before } } });
  return count;
}
