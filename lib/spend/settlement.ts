import "server-only";
import { getDb } from "@/lib/db";
import { fetchGeneration, type GenerationLookup } from "@/lib/openrouter/generation";

// Settlement: rows whose stream never reported a cost (stopped, broken, usage lost) get their
// true cost from GET /generation. Several instances may run this at once: a short transaction
// claims due rows with FOR UPDATE SKIP LOCKED and pushes their nextSettleAt out by a lease, so
// no two workers hold the same row; the write is conditional on the row being unsettled, so a
// settled row is never rewritten (by a late worker or by the stream's own report).

/** How long a claimed row is withheld from other workers while its /generation call runs. */
export const CLAIM_LEASE_MS = 2 * 60_000;
/** Longest wait between two attempts. */
export const MAX_BACKOFF_MS = 10 * 60_000;

/** Backoff after the n-th failed attempt (n ≥ 1): 2ⁿ seconds, at most 10 minutes. */
export function backoffMs(attempts: number): number {
  return Math.min(2 ** Math.min(attempts, 30) * 1000, MAX_BACKOFF_MS);
}

export type SettlementReport = {
  /** Rows this call claimed. */
  claimed: number;
  /** Rows it settled (wrote a cost to). */
  settled: number;
  /** Rows it rescheduled (404, network error, malformed record). */
  retried: number;
  /** Rows that were settled by someone else between claim and write. */
  skipped: number;
  /** Generation ids it settled, for tests and logs. */
  settledIds: string[];
};

type Claimed = { id: string; generationId: string; settleAttempts: number };

async function claimDue(limit: number, now: Date): Promise<Claimed[]> {
  const db = await getDb();
  const leaseUntil = new Date(now.getTime() + CLAIM_LEASE_MS);
  return db.$transaction(
    async (tx) => {
      const rows = await tx.$queryRaw<Claimed[]>`
        SELECT "id", "generationId", "settleAttempts" FROM "Usage"
        WHERE "nextSettleAt" <= ${now} AND "costNano" IS NULL AND "settledAt" IS NULL AND "generationId" IS NOT NULL
        ORDER BY "nextSettleAt"
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED`;
      if (rows.length === 0) return [];
      const ids = rows.map((r) => r.id);
      await tx.usage.updateMany({ where: { id: { in: ids } }, data: { nextSettleAt: leaseUntil } });
      return rows;
    },
    { maxWait: 30_000, timeout: 30_000 },
  );
}

async function settleOne(row: Claimed, lookup: GenerationLookup): Promise<"settled" | "retried" | "skipped"> {
  const db = await getDb();
  if (lookup.found) {
    const r = lookup.record;
    // Idempotent by generation id: only an unsettled row takes the record.
    const written = await db.usage.updateMany({
      where: { generationId: row.generationId, settledAt: null, costNano: null },
      data: {
        costNano: r.costNano,
        upstreamCostNano: r.upstreamCostNano,
        isByok: r.isByok,
        modelServed: r.model,
        provider: r.provider,
        promptTokens: r.promptTokens,
        completionTokens: r.completionTokens,
        reasoningTokens: r.reasoningTokens,
        cachedTokens: r.cachedTokens,
        finishReason: r.finishReason ?? (r.cancelled ? "cancelled" : null),
        settleAttempts: { increment: 1 },
        settledAt: new Date(),
        nextSettleAt: null,
      },
    });
    return written.count === 1 ? "settled" : "skipped";
  }
  const attempts = row.settleAttempts + 1;
  await db.usage.updateMany({
    where: { id: row.id, settledAt: null, costNano: null },
    data: { settleAttempts: attempts, nextSettleAt: new Date(Date.now() + backoffMs(attempts)) },
  });
  if (!lookup.retryable || attempts % 10 === 0) {
    console.warn(`[settlement] ${row.generationId}: ${lookup.reason} (attempt ${attempts})`);
  }
  return "retried";
}

/** Settles up to `limit` due rows from /generation. Safe to run from several workers at once. */
export async function settleDueGenerations(
  options: { limit?: number; now?: Date; concurrency?: number } = {},
): Promise<SettlementReport> {
  const limit = Math.max(1, Math.min(options.limit ?? 50, 500));
  const claimed = await claimDue(limit, options.now ?? new Date());
  const report: SettlementReport = { claimed: claimed.length, settled: 0, retried: 0, skipped: 0, settledIds: [] };
  const concurrency = Math.max(1, options.concurrency ?? 8);
  let next = 0;
  const worker = async () => {
    while (next < claimed.length) {
      const row = claimed[next++]!;
      const lookup = await fetchGeneration(row.generationId);
      const outcome = await settleOne(row, lookup);
      report[outcome] += 1;
      if (outcome === "settled") report.settledIds.push(row.generationId);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, claimed.length) }, worker));
  return report;
}

// ---- the loop ------------------------------------------------------------------------------

export type SettlementLoop = { stop(): Promise<void> };

/**
 * Runs `settleDueGenerations` every `intervalMs` until stopped; runs never overlap, and a
 * failing run (database busy, upstream down) is logged and retried on the next tick.
 */
export function startSettlementLoop(options: { intervalMs?: number; limit?: number } = {}): SettlementLoop {
  const intervalMs = options.intervalMs ?? 3_000;
  let stopped = false;
  let running: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  const tick = () => {
    if (stopped) return;
    running = settleDueGenerations({ limit: options.limit })
      .then((report) => {
        // A full batch means more may be due: go again at once.
        if (report.claimed >= (options.limit ?? 50)) schedule(0);
      })
      .catch((error: unknown) => {
        console.warn(`[settlement] run failed: ${error instanceof Error ? error.message : String(error)}`);
      })
      .finally(() => {
        running = null;
        schedule(intervalMs);
      });
  };
  const schedule = (ms: number) => {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(tick, ms);
    timer.unref?.();
  };
  schedule(Math.min(intervalMs, 1_000));
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}

const holder = globalThis as unknown as { __sbSettlementLoop?: SettlementLoop };

/**
 * Starts the process's settlement loop once (lazily, from the first spend call or from
 * instrumentation). Never during `next build`, never under Vitest (tests drive settlement
 * themselves), and not when SWITCHBOARD_SETTLEMENT=off.
 */
export function ensureSettlementLoop(): void {
  if (holder.__sbSettlementLoop) return;
  if (process.env.NEXT_PHASE === "phase-production-build") return;
  if (process.env.VITEST || process.env.SWITCHBOARD_SETTLEMENT === "off") return;
  holder.__sbSettlementLoop = startSettlementLoop();
}
