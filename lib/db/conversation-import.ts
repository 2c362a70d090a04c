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

/** Rows per statement: each statement stays a few milliseconds long on PGlite. */
export const IMPORT_BATCH = { conversations: 200, messages: 200 } as const;

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
  const hiddenAt = new Date();
  const planned = conversations.map((c) => ({ id: newId(), conversation: c }));
  const ids = planned.map((p) => p.id);
  try {
    for (let i = 0; i < planned.length; i += IMPORT_BATCH.conversations) {
      await db.conversation.createMany({
        data: planned.slice(i, i + IMPORT_BATCH.conversations).map(({ id, conversation: c }) => ({
          id,
          userId,
          title: c.title,
          model: c.model,
          systemPrompt: c.systemPrompt,
          settings: c.settings,
          pinned: c.pinned,
          createdAt: c.createdAt,
          lastMessageAt: c.lastMessageAt,
          deletedAt: hiddenAt,
        })),
      });
      await nextTurn();
    }
    if (beforeMessages) await beforeMessages(ids);
    let batch: Prisma.MessageCreateManyInput[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      await db.message.createMany({ data: batch });
      batch = [];
      await nextTurn();
    };
    for (const { id, conversation } of planned) {
      for (const m of conversation.messages) {
        batch.push({
          id: newId(),
          conversationId: id,
          position: m.position,
          variant: m.variant,
          shown: m.shown,
          role: m.role,
          parts: m.parts,
          text: m.text,
          model: m.model,
          status: m.status,
          ...(m.error !== null ? { error: m.error } : {}),
          metadata: m.metadata,
          createdAt: m.createdAt,
        });
        if (batch.length >= IMPORT_BATCH.messages) await flush();
      }
    }
    await flush();
    // One statement: the user sees all of the import at once, or none of it.
    await db.conversation.updateMany({ where: { userId, id: { in: ids }, deletedAt: hiddenAt }, data: { deletedAt: null } });
  } catch (error) {
    await deleteHiddenImport(userId, ids, hiddenAt).catch(() => undefined);
    throw error;
  }
  return planned.map(({ id, conversation }) => ({ id, title: conversation.title, messages: conversation.messages.length }));
}

/** Removes a failed import's hidden conversations (their messages and files go with them). */
async function deleteHiddenImport(userId: string, ids: string[], hiddenAt: Date): Promise<void> {
  const db = await getDb();
  for (let i = 0; i < ids.length; i += IMPORT_BATCH.conversations) {
    await db.conversation.deleteMany({ where: { userId, id: { in: ids.slice(i, i + IMPORT_BATCH.conversations) }, deletedAt: hiddenAt } });
    await nextTurn();
  }
}
