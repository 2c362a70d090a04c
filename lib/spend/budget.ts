import "server-only";
import { getDb, type Db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { formatUsd, usdToNano } from "@/lib/money";
import type { ModelSummary } from "@/lib/openrouter/types";
import { monthToDate } from "./aggregates";
import { limitsOf, nextMonthStartUtc, type Limits } from "./period";
import { ensureSettlementLoop } from "./settlement";
import { getDefaultMonthlyBudget } from "./settings";

// Budgets: a request reserves its worst-case cost before it goes upstream, under a lock on
// the user's row, so concurrent requests can never overshoot the monthly limit together.

/** Reservations outlive any answer; one whose cost never arrives stops counting after this. */
export const RESERVATION_TTL_MS = 15 * 60_000;

/** max_tokens assumed when neither the request nor the model gives one. */
export const DEFAULT_MAX_COMPLETION_TOKENS = 4096;

/** Upper bound on the assumed output when the request leaves max_tokens unset. */
export const MAX_ASSUMED_COMPLETION_TOKENS = 16_384;

/** Per-message overhead in tokens (role, separators) in the prompt estimate. */
const MESSAGE_OVERHEAD_TOKENS = 8;

/**
 * A conservative prompt size: ~3 characters per token (tokenizers average nearer 4 on
 * English), plus a per-message overhead. Over-estimating only holds a little more budget.
 */
export function estimatePromptTokens(texts: string[]): number {
  let tokens = 0;
  for (const text of texts) tokens += Math.ceil(text.length / 3) + MESSAGE_OVERHEAD_TOKENS;
  return tokens;
}

/** Exact nano-USD price per token × tokens, rounded up (a price string may carry > 9 decimals). */
function tokensCostNano(usdPerToken: string | undefined, tokens: number): bigint {
  if (!usdPerToken || tokens <= 0) return 0n;
  // Price per million tokens in nano-USD keeps 15 decimals of the USD price exact.
  const perMillion = usdToNano(scaleDecimal(usdPerToken, 6));
  const count = BigInt(Math.ceil(tokens));
  return (perMillion * count + 999_999n) / 1_000_000n;
}

/** decimal text × 10^shift, as decimal text, without a float ("1.5e-7", 6 → "1.5e-1"). */
function scaleDecimal(text: string, shift: number): string {
  const match = /^(.*?)(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  return `${match?.[1] ?? text}e${Number(match?.[2] ?? "0") + shift}`;
}

/** The most this call can cost: the prompt estimate at the prompt price plus max_tokens at the completion price. */
export function worstCaseCostNano(
  model: ModelSummary,
  promptTokens: number,
  maxTokens: number | null | undefined,
): bigint {
  const completionTokens =
    maxTokens && maxTokens > 0
      ? maxTokens
      : model.maxCompletionTokens && model.maxCompletionTokens > 0
        ? Math.min(model.maxCompletionTokens, MAX_ASSUMED_COMPLETION_TOKENS)
        : DEFAULT_MAX_COMPLETION_TOKENS;
  // Reasoning tokens are billed as output, at the reasoning price when the model has one.
  const output = tokensCostNano(model.pricing.completion, completionTokens);
  const reasoning = tokensCostNano(model.pricing.internalReasoning, completionTokens);
  return (
    tokensCostNano(model.pricing.prompt, promptTokens) +
    (reasoning > output ? reasoning : output) +
    (model.pricing.request ? usdToNano(model.pricing.request) : 0n)
  );
}

/** The cost of input tokens alone (the composer's preview). */
export function inputCostNano(model: ModelSummary, promptTokens: number): bigint {
  return tokensCostNano(model.pricing.prompt, promptTokens) + (model.pricing.request ? usdToNano(model.pricing.request) : 0n);
}

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

/** Month-to-date known spend of a user (costs known so far, since the 1st, UTC). */
export async function monthSpendNano(tx: Pick<Db, "$queryRaw">, userId: string, now = new Date()): Promise<bigint> {
  return (await monthToDate(tx, userId, now)).monthNano;
}

/** Sum of a user's live reservations. */
export async function reservedNano(tx: Pick<Db, "$queryRaw">, userId: string, now = new Date()): Promise<bigint> {
  const rows = await tx.$queryRaw<{ total: string }[]>`
    SELECT COALESCE(SUM("amountNano"), 0)::text AS total FROM "Reservation"
    WHERE "userId" = ${userId} AND "expiresAt" > ${now}`;
  return BigInt(rows[0]?.total ?? "0");
}

async function readLimits(tx: Pick<Db, "user">, userId: string, defaultBudget: bigint | null): Promise<Limits> {
  const user = await tx.user.findUnique({
    where: { id: userId },
    select: { monthlyBudgetNano: true, personalLimitNano: true },
  });
  if (!user) throw new AppError("not_found:user", "This account no longer exists.");
  return limitsOf(user, defaultBudget);
}

export function budgetExceededError(input: {
  spentNano: bigint;
  reservedNano: bigint;
  limitNano: bigint;
  amountNano: bigint;
  resetsAt: Date;
}): AppError {
  const reset = input.resetsAt.toISOString().slice(0, 10);
  const inFlight = input.reservedNano > 0n ? ` (plus ${formatUsd(input.reservedNano)} held for answers in progress)` : "";
  return new AppError(
    "budget_exceeded:spend",
    `You have spent ${formatUsd(input.spentNano)}${inFlight} of your ${formatUsd(input.limitNano)} monthly limit; ` +
      `this message could cost up to ${formatUsd(input.amountNano)}. The limit resets on ${reset} (00:00 UTC).`,
    {
      details: {
        spentNano: input.spentNano.toString(),
        limitNano: input.limitNano.toString(),
        reservedNano: input.reservedNano.toString(),
        amountNano: input.amountNano.toString(),
        resetsAt: input.resetsAt.toISOString(),
      },
    },
  );
}

/**
 * Holds `amountNano` against the user's monthly limit, or throws `budget_exceeded:spend`.
 * Without a limit nothing is held (`reservationId: null`).
 */
export async function reserveBudget(userId: string, amountNano: bigint): Promise<{ reservationId: string | null }> {
  ensureSettlementLoop();
  const db = await getDb();
  const defaultBudget = await getDefaultMonthlyBudget();
  const first = await readLimits(db, userId, defaultBudget);
  if (first.limitNano === null) return { reservationId: null };

  return db.$transaction(
    async (tx: Tx) => {
      // Serializes this user's reservations on both databases (PGlite runs one transaction at a time anyway).
      await tx.$queryRaw`SELECT "id" FROM "User" WHERE "id" = ${userId} FOR UPDATE`;
      const { limitNano } = await readLimits(tx, userId, defaultBudget);
      if (limitNano === null) return { reservationId: null };
      const now = new Date();
      const spentNano = await monthSpendNano(tx, userId, now);
      const held = await reservedNano(tx, userId, now);
      if (spentNano + held + amountNano > limitNano) {
        throw budgetExceededError({ spentNano, reservedNano: held, limitNano, amountNano, resetsAt: nextMonthStartUtc(now) });
      }
      const row = await tx.reservation.create({
        data: { userId, amountNano, expiresAt: new Date(now.getTime() + RESERVATION_TTL_MS) },
        select: { id: true },
      });
      return { reservationId: row.id };
    },
    { maxWait: 30_000, timeout: 30_000 },
  );
}

/** Frees a reservation once the answer's cost is recorded. Safe to call twice or with null. */
export async function releaseReservation(reservationId: string | null): Promise<void> {
  if (!reservationId) return;
  const db = await getDb();
  await db.reservation.deleteMany({ where: { id: reservationId } });
}
