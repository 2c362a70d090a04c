import "server-only";
import { setImmediate as nextTurn } from "node:timers/promises";
import { Prisma } from "@/lib/generated/prisma/client";
import { getDb } from "./index";

// Conversations imported from an export file (lib/history/import.ts reads and checks it).
//
// A big import must not hold the database or the event loop: PGlite serves one statement at a
// time and runs it on this thread, and one transaction there blocks every other request until it
// ends. So the rows go in as many short statements, with a turn of the event loop between them,
// into conversations that stay hidden (soft-deleted, as of the import's start) until one last
// statement shows them all; a failure removes them again. A process that dies half-way leaves
// only hidden conversations, removed by the 30-day purge like any deleted one.

export type ImportedConversation = {
  title: string;
  model: string;
  systemPrompt: string | null;
  settings: Prisma.InputJsonValue;
  pinned: boolean;
  createdAt: Date;
  lastMessageAt: Date;
  messages: {
    position: number;
    variant: number;
    shown: boolean;
    role: "user" | "assistant";
    parts: Prisma.InputJsonValue;
    text: string;
    model: string | null;
    status: "complete" | "partial" | "error";
    error: Prisma.InputJsonValue | null;
    metadata: Prisma.InputJsonValue;
    createdAt: Date;
  }[];
};

/** Rows per statement: each stays a few milliseconds long on PGlite. */
export const IMPORT_BATCH = { conversations: 100, messages: 100 } as const;

export type ImportedIds = { id: string; title: string; messages: number }[];

/**
 * Creates the conversations for the caller with fresh ids, all or nothing, in short statements.
 * `beforeMessages` runs once the (still hidden) conversations exist, with their ids in input
 * order: the importer stores their files there. Returns the new ids in input order.
 */
export async function insertImportedConversations(
  userId: string,
  conversations: ImportedConversation[],
  newId: () => string,
  beforeMessages?: (ids: string[]) => Promise<void>,
): Promise<ImportedIds> {
  const db = await getDb();
  // A timestamp(3) as the columns hold it (UTC); compared as such when the import is shown.
  const hiddenAt = new Date().toISOString();
  const planned = conversations.map((c) => ({ ...c, id: newId() }));
  const ids = planned.map((p) => p.id);
  try {
    for (let i = 0; i < planned.length; i += IMPORT_BATCH.conversations) {
      await insertHiddenConversations(userId, planned.slice(i, i + IMPORT_BATCH.conversations), hiddenAt);
      await nextTurn();
    }
    if (beforeMessages) await beforeMessages(ids);
    // Rows are made batch by batch too: twenty thousand at once would hold the thread themselves.
    let batch: MessageRow[] = [];
    for (const { id, messages } of planned) {
      for (const m of messages) {
        batch.push({ ...m, id: newId(), conversationId: id });
        if (batch.length < IMPORT_BATCH.messages) continue;
        await insertMessages(batch);
        batch = [];
        await nextTurn();
      }
    }
    if (batch.length > 0) await insertMessages(batch);
    // One statement: the user sees all of the import at once, or none of it.
    await db.$executeRaw`
      UPDATE "Conversation" SET "deletedAt" = NULL
      WHERE "userId" = ${userId} AND "deletedAt" = ${hiddenAt}::timestamp(3) AND "id" = ANY(${ids}::text[])`;
  } catch (error) {
    await deleteHiddenImport(userId, ids, hiddenAt).catch(() => undefined);
    throw error;
  }
  return planned.map(({ id, title, messages }) => ({ id, title, messages: messages.length }));
}

/** Conversations deleted as of `hiddenAt`: no list, search or page shows them. */
async function insertHiddenConversations(userId: string, rows: (ImportedConversation & { id: string })[], hiddenAt: string): Promise<void> {
  const db = await getDb();
  await db.$executeRaw`
    INSERT INTO "Conversation" ("id", "userId", "title", "model", "systemPrompt", "settings", "pinned", "createdAt", "lastMessageAt", "deletedAt", "updatedAt")
    SELECT "id", ${userId}, "title", "model", "systemPrompt", "settings"::jsonb, "pinned", "createdAt", "lastMessageAt", ${hiddenAt}::timestamp(3), ${hiddenAt}::timestamp(3)
    FROM unnest(
      ${rows.map((r) => r.id)}::text[], ${rows.map((r) => r.title)}::text[], ${rows.map((r) => r.model)}::text[],
      ${rows.map((r) => r.systemPrompt)}::text[], ${rows.map((r) => JSON.stringify(r.settings))}::text[], ${rows.map((r) => r.pinned)}::boolean[],
      ${rows.map((r) => r.createdAt.toISOString())}::timestamp(3)[], ${rows.map((r) => r.lastMessageAt.toISOString())}::timestamp(3)[]
    ) AS t("id", "title", "model", "systemPrompt", "settings", "pinned", "createdAt", "lastMessageAt")`;
}

type MessageRow = ImportedConversation["messages"][number] & { id: string; conversationId: string };

/**
 * One multi-row insert of arrays (`unnest`): a fixed, small statement whatever the batch's size,
 * several times cheaper per row than `createMany` (which PGlite runs on this thread).
 */
async function insertMessages(rows: MessageRow[]): Promise<void> {
  const db = await getDb();
  const json = (value: Prisma.InputJsonValue | null) => (value === null ? null : JSON.stringify(value));
  await db.$executeRaw`
    INSERT INTO "Message" ("id", "conversationId", "position", "variant", "shown", "role", "parts", "text", "model", "status", "error", "metadata", "createdAt", "updatedAt")
    SELECT "id", "conversationId", "position", "variant", "shown", "role", "parts"::jsonb, "text", "model", "status"::"MessageStatus", "error"::jsonb, "metadata"::jsonb, "createdAt", "createdAt"
    FROM unnest(
      ${rows.map((r) => r.id)}::text[], ${rows.map((r) => r.conversationId)}::text[], ${rows.map((r) => r.position)}::int[],
      ${rows.map((r) => r.variant)}::int[], ${rows.map((r) => r.shown)}::boolean[], ${rows.map((r) => r.role)}::text[],
      ${rows.map((r) => json(r.parts))}::text[], ${rows.map((r) => r.text)}::text[], ${rows.map((r) => r.model)}::text[],
      ${rows.map((r) => r.status)}::text[], ${rows.map((r) => json(r.error))}::text[], ${rows.map((r) => json(r.metadata))}::text[],
      ${rows.map((r) => r.createdAt.toISOString())}::timestamp(3)[]
    ) AS t("id", "conversationId", "position", "variant", "shown", "role", "parts", "text", "model", "status", "error", "metadata", "createdAt")`;
}

/** Removes a failed import's hidden conversations (their messages and files go with them). */
async function deleteHiddenImport(userId: string, ids: string[], hiddenAt: string): Promise<void> {
  const db = await getDb();
  for (let i = 0; i < ids.length; i += IMPORT_BATCH.conversations) {
    await db.$executeRaw`
      DELETE FROM "Conversation"
      WHERE "userId" = ${userId} AND "deletedAt" = ${hiddenAt}::timestamp(3) AND "id" = ANY(${ids.slice(i, i + IMPORT_BATCH.conversations)}::text[])`;
    await nextTurn();
  }
}
