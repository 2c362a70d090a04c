import "server-only";
import { Prisma } from "@/lib/generated/prisma/client";
import { getDb } from "./index";

// The caller's conversations as an export reads them: every message, alternatives included, and
// every Usage row (lib/history/export.ts writes the file).

export type ExportUsageRow = {
  messageId: string | null;
  generationId: string | null;
  kind: string;
  modelRequested: string;
  modelServed: string | null;
  provider: string | null;
  promptTokens: number;
  completionTokens: number;
  reasoningTokens: number;
  cachedTokens: number;
  costNano: bigint | null;
  isByok: boolean;
  durationMs: number | null;
  finishReason: string | null;
  createdAt: Date;
};

export type ExportMessageRow = {
  id: string;
  position: number;
  variant: number;
  shown: boolean;
  role: string;
  parts: Prisma.JsonValue;
  text: string;
  model: string | null;
  status: "streaming" | "complete" | "partial" | "error";
  error: Prisma.JsonValue;
  metadata: Prisma.JsonValue;
  createdAt: Date;
};

export type ExportConversationRow = {
  id: string;
  title: string;
  model: string;
  systemPrompt: string | null;
  settings: Prisma.JsonValue;
  pinned: boolean;
  createdAt: Date;
  lastMessageAt: Date;
  messages: ExportMessageRow[];
  usages: (ExportUsageRow & { conversationId: string | null })[];
};

const exportConversationSelect = {
  id: true,
  title: true,
  model: true,
  systemPrompt: true,
  settings: true,
  pinned: true,
  createdAt: true,
  lastMessageAt: true,
  messages: {
    orderBy: [{ position: "asc" }, { variant: "asc" }],
    select: {
      id: true,
      position: true,
      variant: true,
      shown: true,
      role: true,
      parts: true,
      text: true,
      model: true,
      status: true,
      error: true,
      metadata: true,
      createdAt: true,
    },
  },
  usages: {
    orderBy: { createdAt: "asc" },
    select: {
      conversationId: true,
      messageId: true,
      generationId: true,
      kind: true,
      modelRequested: true,
      modelServed: true,
      provider: true,
      promptTokens: true,
      completionTokens: true,
      reasoningTokens: true,
      cachedTokens: true,
      costNano: true,
      isByok: true,
      durationMs: true,
      finishReason: true,
      createdAt: true,
    },
  },
} as const satisfies Prisma.ConversationSelect;

/** One live conversation of the caller with its messages and usage rows, or null. */
export async function loadConversationForExport(userId: string, id: string): Promise<ExportConversationRow | null> {
  const db = await getDb();
  return db.conversation.findFirst({
    where: { id, userId, deletedAt: null },
    select: { ...exportConversationSelect, usages: { ...exportConversationSelect.usages, where: { userId } } },
  });
}

/**
 * The caller's live conversations in id order, `batch` at a time after `afterId` (keyset), for
 * an export that streams without holding the whole history in memory.
 */
export async function loadConversationBatchForExport(userId: string, afterId: string | null, batch: number): Promise<ExportConversationRow[]> {
  const db = await getDb();
  return db.conversation.findMany({
    where: { userId, deletedAt: null, ...(afterId ? { id: { gt: afterId } } : {}) },
    orderBy: { id: "asc" },
    take: batch,
    select: { ...exportConversationSelect, usages: { ...exportConversationSelect.usages, where: { userId } } },
  });
}
