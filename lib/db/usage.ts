import "server-only";
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
  await db.usage.upsert({
    where: { generationId: start.generationId },
    create: {
      userId: start.userId,
      conversationId: start.conversationId,
      messageId: start.messageId,
      generationId: start.generationId,
      modelRequested: start.modelRequested,
      kind: start.kind ?? "chat",
      // Until the stream reports usage, the settlement job may pick it up after this time.
      nextSettleAt: new Date(Date.now() + 60_000),
    },
    update: {},
  });
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
  const settled = result.costNano !== null;
  await db.usage.updateMany({
    where: { generationId, settledAt: null },
    data: {
      modelServed: result.modelServed,
      provider: result.provider,
      promptTokens: result.promptTokens,
      completionTokens: result.completionTokens,
      reasoningTokens: result.reasoningTokens,
      cachedTokens: result.cachedTokens,
      costNano: result.costNano,
      upstreamCostNano: result.upstreamCostNano,
      isByok: result.isByok,
      ttftMs: result.ttftMs,
      durationMs: result.durationMs,
      finishReason: result.finishReason,
      settledAt: settled ? new Date() : null,
      nextSettleAt: settled ? null : new Date(Date.now() + 2_000),
    },
  });
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
  await db.usage.updateMany({ where: { generationId: { in: generationIds } }, data: { messageId } });
}
