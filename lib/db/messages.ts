import "server-only";
import { Prisma } from "@/lib/generated/prisma/client";
import type { ChatMessageMetadata, ChatUIMessage } from "@/lib/chat/types";
import { getDb, type Db } from "./index";

// Messages of a conversation. Callers check the conversation's owner first
// (findOwnedConversation); the queries here also join on the owner where they read.

export type MessageStatus = "complete" | "partial" | "error";

export type StoredMessage = {
  id: string;
  position: number;
  role: string;
  parts: Prisma.JsonValue;
  model: string | null;
  status: MessageStatus;
  metadata: Prisma.JsonValue;
  createdAt: Date;
};

export async function listMessages(userId: string, conversationId: string): Promise<StoredMessage[]> {
  const db = await getDb();
  // Plain SQL: read before every turn of the conversation, where the query compiler's per-call work shows.
  return db.$queryRaw<StoredMessage[]>`
    SELECT m."id", m."position", m."role", m."parts", m."model", m."status"::text AS "status", m."metadata", m."createdAt"
    FROM "Message" m JOIN "Conversation" c ON c."id" = m."conversationId" AND c."userId" = ${userId}
    WHERE m."conversationId" = ${conversationId}
    ORDER BY m."position"`;
}

export function toUIMessage(row: StoredMessage): ChatUIMessage {
  const metadata = (row.metadata && typeof row.metadata === "object" ? row.metadata : {}) as ChatMessageMetadata;
  return {
    id: row.id,
    role: row.role as ChatUIMessage["role"],
    parts: (Array.isArray(row.parts) ? row.parts : []) as ChatUIMessage["parts"],
    metadata: { ...metadata, status: metadata.status ?? row.status, createdAt: metadata.createdAt ?? row.createdAt.toISOString() },
  };
}

/** Plain text of a message's parts, for search and exports. */
export function textOfParts(parts: ChatUIMessage["parts"]): string {
  return parts
    .map((p) => (p.type === "text" ? p.text : ""))
    .filter(Boolean)
    .join("\n\n");
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

export async function updateMessage(
  id: string,
  update: {
    parts: ChatUIMessage["parts"];
    status: MessageStatus;
    metadata: ChatMessageMetadata;
    model?: string | null;
    error?: { code: string; message: string } | null;
  },
): Promise<void> {
  const db = await getDb();
  // Plain SQL: runs at the end of every answer. A null error leaves the stored one as it is.
  const model = update.model !== undefined ? Prisma.sql`, "model" = ${update.model}::text` : Prisma.empty;
  const error = update.error ? Prisma.sql`, "error" = ${JSON.stringify(update.error)}::jsonb` : Prisma.empty;
  await db.$executeRaw`
    UPDATE "Message" SET "parts" = ${JSON.stringify(update.parts)}::jsonb, "text" = ${textOfParts(update.parts)},
      "status" = ${update.status}::"MessageStatus", "metadata" = ${JSON.stringify(update.metadata)}::jsonb,
      "updatedAt" = ${new Date()} ${model} ${error}
    WHERE "id" = ${id}`;
}

/** Removes the message at `position` and every later one (edit and resend, regenerate). */
export async function deleteMessagesFrom(
  userId: string,
  conversationId: string,
  position: number,
  client?: Pick<Db, "message">,
): Promise<number> {
  const db = client ?? (await getDb());
  const { count } = await db.message.deleteMany({
    where: { conversationId, position: { gte: position }, conversation: { userId } },
  });
  return count;
}
