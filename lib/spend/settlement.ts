import "server-only";
import { logger } from "@/lib/log";
import { ensureCatalogLoaded } from "@/lib/openrouter/catalog";
import { fetchGeneration, type GenerationLookup } from "@/lib/openrouter/generation";
import { claimDueGenerations, rescheduleSettlement, recordSettledGeneration, type ClaimedGeneration } from "./ledger";

// Settlement: rows whose stream never reported a cost (stopped, broken, usage lost) get their
// true cost from GET /generation. Several instances may run this at once: the ledger claims due
// rows for a lease (FOR UPDATE SKIP LOCKED), so no two workers hold the same row; its write is
// conditional on the row being unsettled, so a settled row is never rewritten (by a late worker
// or by the stream's own report).

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

async function settleOne(row: ClaimedGeneration, lookup: GenerationLookup): Promise<"settled" | "retried" | "skipped"> {
  if (lookup.found) return (await recordSettledGeneration(row.generationId, lookup.record)) ? "settled" : "skipped";
  const attempts = row.settleAttempts + 1;
  await rescheduleSettlement(row.id, attempts, new Date(Date.now() + backoffMs(attempts)));
  if (!lookup.retryable || attempts % 10 === 0) {
    logger().warn({ generationId: row.generationId, reason: lookup.reason, attempts }, "a generation's cost could not be settled yet");
  }
  return "retried";
}

/** Settles up to `limit` due rows from /generation. Safe to run from several workers at once. */
export async function settleDueGenerations(options: { limit?: number; now?: Date; concurrency?: number } = {}): Promise<SettlementReport> {
  const limit = Math.max(1, Math.min(options.limit ?? 50, 500));
  const now = options.now ?? new Date();
  const claimed = await claimDueGenerations(limit, now, new Date(now.getTime() + CLAIM_LEASE_MS));
  const report: SettlementReport = { claimed: claimed.length, settled: 0, retried: 0, skipped: 0, settledIds: [] };
  // /generation may name the served model by its dated slug: the ledger maps it to its catalog id.
  if (claimed.length > 0) await ensureCatalogLoaded();
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
        logger().warn({ error: error instanceof Error ? error.message : String(error) }, "a settlement run failed");
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
 * Starts the process's settlement loop once, when the server starts (lib/instance.ts). Never
 * during `next build`, never under Vitest (tests drive settlement themselves), and not when
 * SWITCHBOARD_SETTLEMENT=off.
 */
export function ensureSettlementLoop(): void {
  if (holder.__sbSettlementLoop) return;
  if (process.env.NEXT_PHASE === "phase-production-build") return;
  if (process.env.VITEST || process.env.SWITCHBOARD_SETTLEMENT === "off") return;
  holder.__sbSettlementLoop = startSettlementLoop();
}
