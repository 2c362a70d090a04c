import "server-only";
import { Prisma } from "@/lib/generated/prisma/client";
import { textOfParts } from "@/lib/message-text";
import type { ChatMessageMetadata, ChatUIMessage } from "@/lib/chat/types";
import { getDb, type Db } from "./index";

// Messages of a conversation. Callers check the conversation's owner first
// (findOwnedConversation); the queries here also join on the owner where they read.

/** "streaming" while an answer is being written (any instance); the others once it is finished. */
export type MessageStatus = "streaming" | "complete" | "partial" | "error";

export type StoredMessage = {
  id: string;
  position: number;
  variant: number;
  shown: boolean;
  role: string;
  parts: Prisma.JsonValue;
  model: string | null;
  status: MessageStatus;
  metadata: Prisma.JsonValue;
  createdAt: Date;
};

/** The conversation as it continues: one message per position, the shown alternative of each turn. */
export async function listMessages(userId: string, conversationId: string): Promise<StoredMessage[]> {
  return (await listAllMessages(userId, conversationId)).filter((m) => m.shown);
}

/** Every message of the conversation, alternatives included, by position and then variant. */
export async function listAllMessages(userId: string, conversationId: string): Promise<StoredMessage[]> {
  const db = await getDb();
  // Plain SQL: read before every turn of the conversation, where the query compiler's per-call work shows.
  return db.$queryRaw<StoredMessage[]>`
    SELECT m."id", m."position", m."variant", m."shown", m."role", m."parts", m."model", m."status"::text AS "status",
      m."metadata", m."createdAt"
    FROM "Message" m JOIN "Conversation" c ON c."id" = m."conversationId" AND c."userId" = ${userId}
    WHERE m."conversationId" = ${conversationId}
    ORDER BY m."position", m."variant"`;
}

/**
 * The answers of each turn that has more than one, keyed by the id of the question they answer
 * (the shown message just before them), in order of creation.
 */
export function groupAlternatives(rows: StoredMessage[]): Record<string, ChatUIMessage[]> {
  const byPosition = new Map<number, StoredMessage[]>();
  const questionAt = new Map<number, string>();
  for (const row of rows) {
    if (row.shown && row.role === "user") questionAt.set(row.position, row.id);
    if (row.role !== "assistant") continue;
    const list = byPosition.get(row.position) ?? [];
    list.push(row);
    byPosition.set(row.position, list);
  }
  const result: Record<string, ChatUIMessage[]> = {};
  for (const [position, list] of byPosition) {
    const question = questionAt.get(position - 1);
    if (list.length > 1 && question) result[question] = list.map(toUIMessage);
  }
  return result;
}

export function toUIMessage(row: StoredMessage): ChatUIMessage {
  const metadata = (row.metadata && typeof row.metadata === "object" ? row.metadata : {}) as ChatMessageMetadata;
  return {
    id: row.id,
    role: row.role as ChatUIMessage["role"],
    parts: (Array.isArray(row.parts) ? row.parts : []) as ChatUIMessage["parts"],
    // The status column is the truth; the browser reads it from the metadata.
    metadata: { ...metadata, status: row.status, createdAt: metadata.createdAt ?? row.createdAt.toISOString() },
  };
}

export type NewMessage = {
  id?: string;
  conversationId: string;
  position: number;
  role: "user" | "assistant";
  parts: ChatUIMessage["parts"];
  model?: string | null;
  status: MessageStatus;
  metadata?: ChatMessageMetadata;
  error?: { code: string; message: string } | null;
};

export async function insertMessage(message: NewMessage): Promise<{ id: string }> {
  const db = await getDb();
  return db.message.create({
    data: {
      ...(message.id ? { id: message.id } : {}),
      conversationId: message.conversationId,
      position: message.position,
      role: message.role,
      parts: message.parts as unknown as Prisma.InputJsonValue,
      text: textOfParts(message.parts),
      model: message.model ?? null,
      status: message.status,
      metadata: (message.metadata ?? {}) as Prisma.InputJsonValue,
      ...(message.error ? { error: message.error as Prisma.InputJsonValue } : {}),
    },
    select: { id: true },
  });
}

/**
 * Writes an answer's final state (lib/chat/finish.ts). Without `parts`, the saved parts stay.
 * With `whileStreaming`, only a row still marked as streaming is written (its writer is gone and
 * someone else finishes it: never overwrite an answer that was saved meanwhile), and the
 * metadata is added to the placeholder's. Returns whether the row was written.
 */
export async function updateMessage(
  id: string,
  update: {
    parts?: ChatUIMessage["parts"];
    status: Exclude<MessageStatus, "streaming">;
    metadata: ChatMessageMetadata;
    model?: string | null;
    error?: { code: string; message: string } | null;
  },
  options: { whileStreaming?: boolean; db?: Db } = {},
): Promise<boolean> {
  const db = options.db ?? (await getDb());
  // Plain SQL: runs at the end of every answer. A null error leaves the stored one as it is.
  const parts = update.parts ? Prisma.sql`"parts" = ${JSON.stringify(update.parts)}::jsonb, "text" = ${textOfParts(update.parts)},` : Prisma.empty;
  const metadata = options.whileStreaming
    ? Prisma.sql`(CASE WHEN jsonb_typeof("metadata") = 'object' THEN "metadata" ELSE '{}'::jsonb END) || ${JSON.stringify(update.metadata)}::jsonb`
    : Prisma.sql`${JSON.stringify(update.metadata)}::jsonb`;
  const model = update.model !== undefined ? Prisma.sql`, "model" = ${update.model}::text` : Prisma.empty;
  const error = update.error ? Prisma.sql`, "error" = ${JSON.stringify(update.error)}::jsonb` : Prisma.empty;
  const streaming = options.whileStreaming ? Prisma.sql`AND "status" = 'streaming'` : Prisma.empty;
  const written = await db.$executeRaw`
    UPDATE "Message" SET ${parts} "status" = ${update.status}::"MessageStatus", "metadata" = ${metadata},
      "updatedAt" = ${new Date()} ${model} ${error}
    WHERE "id" = ${id} ${streaming}`;
  return written > 0;
}

/**
 * The parts an answer still being written holds: none for a new answer, what it held before it went
 * on for one continued after its tool approvals (its stream adds to them).
 */
export async function partsWhileStreaming(messageId: string): Promise<ChatUIMessage["parts"]> {
  const db = await getDb();
  const row = await db.message.findFirst({ where: { id: messageId, status: "streaming" }, select: { parts: true } });
  return Array.isArray(row?.parts) ? (row.parts as unknown as ChatUIMessage["parts"]) : [];
}

/** Answers still marked as being written that were started before `startedBefore` (crash recovery). */
export async function listStreamingAnswersBefore(db: Db, startedBefore: Date): Promise<{ id: string; metadata: Prisma.JsonValue }[]> {
  return db.message.findMany({
    where: { role: "assistant", status: "streaming", createdAt: { lt: startedBefore } },
    select: { id: true, metadata: true },
    take: 10_000,
  });
}

/** Removes the message at `position` and every later one, alternatives included (edit and resend). */
export async function deleteMessagesFrom(userId: string, conversationId: string, position: number, client?: Pick<Db, "message">): Promise<number> {
  const db = client ?? (await getDb());
  const { count } = await db.message.deleteMany({
    where: { conversationId, position: { gte: position }, conversation: { userId } },
  });
  return count;
}

/** Ids of the caller's answers in the conversation still marked as being written (any instance may run them). */
export async function listStreamingAnswerIds(userId: string, conversationId: string): Promise<string[]> {
  const db = await getDb();
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT m."id" FROM "Message" m JOIN "Conversation" c ON c."id" = m."conversationId" AND c."userId" = ${userId}
    WHERE m."conversationId" = ${conversationId} AND m."role" = 'assistant' AND m."status" = 'streaming'`;
  return rows.map((r) => r.id);
}

/** The user's answers still marked as being written, in every conversation (any instance may run them). */
export async function listStreamingAnswersOfUser(userId: string): Promise<{ conversationId: string; messageId: string }[]> {
  const db = await getDb();
  return db.$queryRaw<{ conversationId: string; messageId: string }[]>`
    SELECT m."conversationId", m."id" AS "messageId" FROM "Message" m
    JOIN "Conversation" c ON c."id" = m."conversationId" AND c."userId" = ${userId}
    WHERE m."role" = 'assistant' AND m."status" = 'streaming'`;
}
