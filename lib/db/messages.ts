import "server-only";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { ChatMessageMetadata, ChatUIMessage } from "@/lib/chat/types";
import { getDb } from "./index";

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
  return db.message.findMany({
    where: { conversationId, conversation: { userId } },
    orderBy: { position: "asc" },
    select: { id: true, position: true, role: true, parts: true, model: true, status: true, metadata: true, createdAt: true },
  });
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
  await db.message.update({
    where: { id },
    data: {
      parts: update.parts as unknown as Prisma.InputJsonValue,
      text: textOfParts(update.parts),
      status: update.status,
      metadata: update.metadata as Prisma.InputJsonValue,
      ...(update.model !== undefined ? { model: update.model } : {}),
      ...(update.error !== undefined ? { error: (update.error ?? undefined) as Prisma.InputJsonValue | undefined } : {}),
    },
  });
}

/** Removes the message at `position` and every later one (edit and resend, regenerate). */
export async function deleteMessagesFrom(userId: string, conversationId: string, position: number): Promise<number> {
  const db = await getDb();
  const { count } = await db.message.deleteMany({
    where: { conversationId, position: { gte: position }, conversation: { userId } },
  });
  return count;
}

export async function nextPosition(conversationId: string): Promise<number> {
  const db = await getDb();
  const last = await db.message.findFirst({
    where: { conversationId },
    orderBy: { position: "desc" },
    select: { position: true },
  });
  return (last?.position ?? -1) + 1;
}
