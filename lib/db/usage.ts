import "server-only";
import { randomUUID } from "node:crypto";
import { Prisma } from "@/lib/generated/prisma/client";
import { getDb } from "./index";

// One Usage row per upstream generation. Rows are created the moment the upstream answers
// (the generation id is in its headers), so a crash, a stop or a broken stream can never
// lose one: whatever the stream did not report is settled later from /generation.

export type GenerationStart = {
  userId: string;
  conversationId: string | null;
  messageId: string | null;
  generationId: string;
  modelRequested: string;
  kind?: "chat" | "title";
};

export async function recordGenerationStarted(start: GenerationStart): Promise<void> {
  const db = await getDb();
  const now = new Date();
  // One plain statement: it runs as the upstream's first bytes arrive, ahead of the first token.
  // Until the stream reports usage, the settlement job may pick the row up after nextSettleAt.
  await db.$executeRaw`
    INSERT INTO "Usage" ("id", "userId", "conversationId", "messageId", "generationId", "modelRequested", "kind",
      "nextSettleAt", "createdAt", "updatedAt")
    VALUES (${randomUUID()}, ${start.userId}, ${start.conversationId}::text, ${start.messageId}::text, ${start.generationId},
      ${start.modelRequested}, ${start.kind ?? "chat"}, ${new Date(now.getTime() + 60_000)}, ${now}, ${now})
    ON CONFLICT ("generationId") DO NOTHING`;
}

export type GenerationResult = {
  modelServed: string | null;
  provider: string | null;
  promptTokens: number;
  completionTokens: number;
  reasoningTokens: number;
  cachedTokens: number;
  costNano: bigint | null;
  upstreamCostNano: bigint | null;
  isByok: boolean;
  ttftMs: number | null;
  durationMs: number | null;
  finishReason: string | null;
};

/**
 * Records what the stream reported. With a cost, the row is settled; without one (stopped,
 * broken, usage lost) it is left for the settlement job, due a few seconds from now.
 * Never overwrites a cost that settlement already wrote.
 */
export async function recordGenerationResult(generationId: string, result: GenerationResult): Promise<void> {
  const db = await getDb();
  const now = new Date();
  const settled = result.costNano !== null;
  // Plain SQL: runs at the end of every answer (no query compiler work per call).
  await db.$executeRaw`
    UPDATE "Usage" SET
      "modelServed" = ${result.modelServed}::text, "provider" = ${result.provider}::text,
      "promptTokens" = ${result.promptTokens}::int, "completionTokens" = ${result.completionTokens}::int,
      "reasoningTokens" = ${result.reasoningTokens}::int, "cachedTokens" = ${result.cachedTokens}::int,
      "costNano" = ${result.costNano}::bigint, "upstreamCostNano" = ${result.upstreamCostNano}::bigint, "isByok" = ${result.isByok}::boolean,
      "ttftMs" = ${result.ttftMs}::int, "durationMs" = ${result.durationMs}::int, "finishReason" = ${result.finishReason}::text,
      "settledAt" = ${settled ? now : null}::timestamp(3), "nextSettleAt" = ${settled ? null : new Date(now.getTime() + 2_000)}::timestamp(3),
      "updatedAt" = ${now}
    WHERE "generationId" = ${generationId} AND "settledAt" IS NULL`;
}

/**
 * The request that made these generations is over without a reported cost (it failed, or a
 * retry replaced it): make them due for settlement now rather than after the crash margin.
 */
export async function markGenerationsDue(generationIds: string[]): Promise<void> {
  if (generationIds.length === 0) return;
  const db = await getDb();
  await db.usage.updateMany({
    where: { generationId: { in: generationIds }, settledAt: null, costNano: null },
    data: { nextSettleAt: new Date(Date.now() + 2_000) },
  });
}

/** Links the generations of an answer to the saved assistant message. */
export async function attachGenerationsToMessage(generationIds: string[], messageId: string): Promise<void> {
  if (generationIds.length === 0) return;
  const db = await getDb();
  await db.$executeRaw`
    UPDATE "Usage" SET "messageId" = ${messageId}, "updatedAt" = ${new Date()}
    WHERE "generationId" IN (${Prisma.join(generationIds)})`;
}
