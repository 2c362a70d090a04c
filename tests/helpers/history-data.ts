import "server-only";
import { randomBytes } from "node:crypto";
import { getDb } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";

// Test data for the history tests: users, conversations and messages written straight to the
// database (the chat route is not under test here).

export async function makeUser(prefix = "u"): Promise<{ id: string; email: string; name: string }> {
  const db = await getDb();
  const tag = randomBytes(5).toString("hex");
  return db.user.create({
    data: { email: `${prefix}-${tag}@example.com`, name: `${prefix} ${tag}` },
    select: { id: true, email: true, name: true },
  });
}

export type SeedMessage = {
  role: "user" | "assistant";
  text?: string;
  parts?: Prisma.InputJsonValue[];
  model?: string;
  createdAt?: Date;
  usage?: { generationId?: string; costNano: bigint | null; promptTokens?: number; completionTokens?: number; kind?: string }[];
};

export async function makeConversation(
  userId: string,
  input: {
    title?: string;
    pinned?: boolean;
    lastMessageAt?: Date;
    deletedAt?: Date | null;
    model?: string;
    messages?: SeedMessage[];
  } = {},
): Promise<{ id: string; messageIds: string[] }> {
  const db = await getDb();
  const id = `c${randomBytes(10).toString("hex")}`;
  await db.conversation.create({
    data: {
      id,
      userId,
      title: input.title ?? "New chat",
      model: input.model ?? "openai/gpt-4o-mini",
      pinned: input.pinned ?? false,
      lastMessageAt: input.lastMessageAt ?? new Date(),
      deletedAt: input.deletedAt ?? null,
    },
  });
  const messageIds: string[] = [];
  for (const [position, m] of (input.messages ?? []).entries()) {
    const messageId = `m${randomBytes(10).toString("hex")}`;
    const text = m.text ?? "";
    await db.message.create({
      data: {
        id: messageId,
        conversationId: id,
        position,
        role: m.role,
        parts: m.parts ?? [{ type: "text", text }],
        text,
        model: m.model ?? (m.role === "assistant" ? (input.model ?? "openai/gpt-4o-mini") : null),
        metadata: {},
        ...(m.createdAt ? { createdAt: m.createdAt } : {}),
      },
    });
    for (const u of m.usage ?? []) {
      await db.usage.create({
        data: {
          userId,
          conversationId: id,
          messageId,
          generationId: u.generationId ?? `gen-${randomBytes(8).toString("hex")}`,
          kind: u.kind ?? "chat",
          modelRequested: m.model ?? "openai/gpt-4o-mini",
          modelServed: m.model ?? "openai/gpt-4o-mini",
          promptTokens: u.promptTokens ?? 10,
          completionTokens: u.completionTokens ?? 20,
          costNano: u.costNano,
        },
      });
    }
    messageIds.push(messageId);
  }
  return { id, messageIds };
}
