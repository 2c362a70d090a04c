import "server-only";
import { randomUUID } from "node:crypto";
import { getDb, type Db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { servedModelId } from "@/lib/openrouter/catalog";
import type { GenerationRecord } from "@/lib/openrouter/generation";
import type { StepUsage } from "@/lib/openrouter/usage";

// The ledger: every write to the `Usage` table, one row per upstream generation. The meter
// (./meter.ts) writes a row when the upstream's headers name a generation and its result when
// the stream reports one; settlement (./settlement.ts) writes the cost of the rows the stream
// never reported, from /generation; a finished or interrupted answer (lib/chat/finish.ts) links
// its rows to the message or makes them due at once. Nothing else writes `Usage`.
//
// The spend rollups are not written here: the triggers of migrations 20261124020000_spend
// ("Usage_daily_insert_delete", "Usage_daily_update" → "UsageDaily", "UsageConversationDaily",
// "UsageMonthly") and 20261124040000_spend_conversation_monthly
// ("Usage_rollup_conversation_monthly_insert_delete", "Usage_rollup_conversation_monthly_update"
// → "UsageConversationMonthly") move each row's contribution in the same transaction as every
// insert, update and delete below; migration 20261207200000_spend_by_key's triggers
// ("Usage_rollup_key_daily_*" → "UsageKeyDaily") do the same per personal key and source.
// Budgets (./budget.ts) and the spend page (./aggregates.ts) read those rollups, so a write
// that bypassed the table would go uncounted.

/** Until the stream reports usage, a row waits this long before settlement may take it (a live answer). */
const STARTED_SETTLE_AFTER_MS = 60_000;
/** A row the stream left without a cost is due this soon (the /generation record appears within seconds). */
const UNREPORTED_SETTLE_AFTER_MS = 2_000;

export type GenerationStart = {
  userId: string;
  conversationId: string | null;
  messageId: string | null;
  generationId: string;
  modelRequested: string;
  kind?: "chat" | "title" | "api";
  /** The personal key of an API call (/api/v1); null or absent for the chat. */
  apiKeyId?: string | null;
};

/** A generation's row, written when the upstream's headers name it: a crash, a stop or a broken stream can never lose it. */
export async function recordGenerationStarted(start: GenerationStart): Promise<void> {
  const db = await getDb();
  const now = new Date();
  // One plain statement: it runs as the upstream's first bytes arrive, ahead of the first token.
  // Until the stream reports usage, the settlement job may pick the row up after nextSettleAt.
  await db.$executeRaw`
    INSERT INTO "Usage" ("id", "userId", "conversationId", "messageId", "generationId", "modelRequested", "kind", "apiKeyId",
      "nextSettleAt", "createdAt", "updatedAt")
    VALUES (${randomUUID()}, ${start.userId}, ${start.conversationId}::text, ${start.messageId}::text, ${start.generationId},
      ${start.modelRequested}, ${start.kind ?? "chat"}, ${start.apiKeyId ?? null}::text, ${new Date(now.getTime() + STARTED_SETTLE_AFTER_MS)}, ${now}, ${now})
    ON CONFLICT ("generationId") DO NOTHING`;
}

/** What the stream reported for one generation (its usage, as lib/openrouter reads it) and its timing. */
export type GenerationResult = StepUsage & {
  modelServed: string | null;
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
  // A dated served slug is stored as the catalog id it stands for: one model, one spend row.
  const modelServed = servedModelId(result.modelServed);
  // Plain SQL: runs at the end of every answer (no query compiler work per call).
  await db.$executeRaw`
    UPDATE "Usage" SET
      "modelServed" = ${modelServed}::text, "provider" = ${result.provider}::text,
      "promptTokens" = ${result.promptTokens}::int, "completionTokens" = ${result.completionTokens}::int,
      "reasoningTokens" = ${result.reasoningTokens}::int, "cachedTokens" = ${result.cachedTokens}::int,
      "costNano" = ${result.costNano}::bigint, "upstreamCostNano" = ${result.upstreamCostNano}::bigint, "isByok" = ${result.isByok}::boolean,
      "ttftMs" = ${result.ttftMs}::int, "durationMs" = ${result.durationMs}::int, "finishReason" = ${result.finishReason}::text,
      "settledAt" = ${settled ? now : null}::timestamp(3),
      "nextSettleAt" = ${settled ? null : new Date(now.getTime() + UNREPORTED_SETTLE_AFTER_MS)}::timestamp(3),
      "updatedAt" = ${now}
    WHERE "generationId" = ${generationId} AND "settledAt" IS NULL`;
}

/** Links the generations of an answer to its saved message. */
export async function attachGenerationsToMessage(generationIds: string[], messageId: string): Promise<void> {
  if (generationIds.length === 0) return;
  const db = await getDb();
  await db.$executeRaw`
    UPDATE "Usage" SET "messageId" = ${messageId}, "updatedAt" = ${new Date()}
    WHERE "generationId" IN (${Prisma.join(generationIds)})`;
}

/**
 * The answers' writer is gone (an interrupted answer): their unsettled generations are due for
 * settlement now rather than after the margin kept for a live answer. `db` while the database
 * is still opening (crash recovery runs before anything else may use it).
 */
export async function settleAnswersNow(messageIds: string[], db?: Db): Promise<void> {
  if (messageIds.length === 0) return;
  const client = db ?? (await getDb());
  await client.usage.updateMany({
    where: { messageId: { in: messageIds }, settledAt: null, costNano: null },
    data: { nextSettleAt: new Date() },
  });
}

// ---- settlement's writes ---------------------------------------------------------------------

export type ClaimedGeneration = { id: string; generationId: string; settleAttempts: number };

/**
 * Claims up to `limit` due rows for one settlement worker: a short transaction takes them with
 * FOR UPDATE SKIP LOCKED and pushes their nextSettleAt out to `leaseUntil`, so no two workers
 * (on any instance) hold the same row.
 */
export async function claimDueGenerations(limit: number, now: Date, leaseUntil: Date): Promise<ClaimedGeneration[]> {
  const db = await getDb();
  return db.$transaction(
    async (tx) => {
      const rows = await tx.$queryRaw<ClaimedGeneration[]>`
        SELECT "id", "generationId", "settleAttempts" FROM "Usage"
        WHERE "nextSettleAt" <= ${now} AND "costNano" IS NULL AND "settledAt" IS NULL AND "generationId" IS NOT NULL
        ORDER BY "nextSettleAt"
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED`;
      if (rows.length === 0) return [];
      await tx.usage.updateMany({ where: { id: { in: rows.map((r) => r.id) } }, data: { nextSettleAt: leaseUntil } });
      return rows;
    },
    { maxWait: 30_000, timeout: 30_000 },
  );
}

/** Writes the upstream's record of a generation; false when the row was settled meanwhile (idempotent by generation id). */
export async function recordSettledGeneration(generationId: string, record: GenerationRecord): Promise<boolean> {
  const db = await getDb();
  // /generation names the served model by its dated slug too (generation-data-claude-3.7-sonnet.partial.txt).
  const modelServed = servedModelId(record.model);
  const written = await db.usage.updateMany({
    where: { generationId, settledAt: null, costNano: null },
    data: {
      costNano: record.costNano,
      upstreamCostNano: record.upstreamCostNano,
      isByok: record.isByok,
      modelServed,
      provider: record.provider,
      promptTokens: record.promptTokens,
      completionTokens: record.completionTokens,
      reasoningTokens: record.reasoningTokens,
      cachedTokens: record.cachedTokens,
      finishReason: record.finishReason ?? (record.cancelled ? "cancelled" : null),
      settleAttempts: { increment: 1 },
      settledAt: new Date(),
      nextSettleAt: null,
    },
  });
  return written.count === 1;
}

/** Counts a failed settlement attempt and sets the next one (unless the row was settled meanwhile). */
export async function rescheduleSettlement(id: string, attempts: number, nextSettleAt: Date): Promise<void> {
  const db = await getDb();
  await db.usage.updateMany({
    where: { id, settledAt: null, costNano: null },
    data: { settleAttempts: attempts, nextSettleAt },
  });
}
