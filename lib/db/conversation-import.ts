import "server-only";
import { Prisma } from "@/lib/generated/prisma/client";
import { getDb } from "./index";

// Conversations imported from an export file (lib/history/import.ts reads and checks it).

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

/**
 * Creates the conversations for the caller with fresh ids, all or nothing: one transaction,
 * multi-row inserts. Returns the new ids in input order.
 */
export async function insertImportedConversations(
  userId: string,
  conversations: ImportedConversation[],
  newId: () => string,
): Promise<{ id: string; title: string; messages: number }[]> {
  const db = await getDb();
  const planned = conversations.map((c) => ({ id: newId(), conversation: c }));
  await db.$transaction(
    async (tx) => {
      for (let i = 0; i < planned.length; i += 500) {
        await tx.conversation.createMany({
          data: planned.slice(i, i + 500).map(({ id, conversation: c }) => ({
            id,
            userId,
            title: c.title,
            model: c.model,
            systemPrompt: c.systemPrompt,
            settings: c.settings,
            pinned: c.pinned,
            createdAt: c.createdAt,
            lastMessageAt: c.lastMessageAt,
          })),
        });
      }
      let batch: Prisma.MessageCreateManyInput[] = [];
      const flush = async () => {
        if (batch.length === 0) return;
        await tx.message.createMany({ data: batch });
        batch = [];
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
          if (batch.length >= 1000) await flush();
        }
      }
      await flush();
    },
    { timeout: 300_000, maxWait: 30_000 },
  );
  return planned.map(({ id, conversation }) => ({ id, title: conversation.title, messages: conversation.messages.length }));
}
