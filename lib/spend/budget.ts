import "server-only";
import { randomUUID } from "node:crypto";
import { getDb, type Db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/log";
import { formatUsd, usdToNano } from "@/lib/money";
import type { ModelSummary } from "@/lib/openrouter/types";
import { limitsOf, monthStartUtc, nextMonthStartUtc, type Limits } from "./period";
import { getDefaultMonthlyBudget } from "./settings";

// Budgets: a request reserves its worst-case cost before it goes upstream, under a lock on
// the user's row, so concurrent requests can never overshoot the monthly limit together.

/**
 * A reservation stops counting this long after it was made or last renewed: an answer's is renewed
 * while the answer runs (`holdWhileRunning`; its timeouts bound silence, not length), so this only
 * ends one whose instance is gone, or whose cost never arrives after the answer ended.
 */
export const RESERVATION_TTL_MS = 15 * 60_000;

/** How often a running answer renews its reservation: a few times within the TTL. */
export const RESERVATION_RENEW_MS = RESERVATION_TTL_MS / 3;

/** max_tokens assumed when neither the request nor the model gives one. */
export const DEFAULT_MAX_COMPLETION_TOKENS = 4096;

/** Upper bound on the assumed output when the request leaves max_tokens unset. */
export const MAX_ASSUMED_COMPLETION_TOKENS = 16_384;

/** Per-message overhead in tokens (role, separators) in the prompt estimate. */
const MESSAGE_OVERHEAD_TOKENS = 8;

/**
 * A prompt size meant never to be below what a tokenizer counts (prices are per token, so an
 * under-count is an overshoot): ASCII letter runs at 3 characters a token (BPE tokenizers average
 * about 4 on English words), every digit, ASCII symbol and whitespace run a token of its own, every
 * other character as many tokens as its UTF-8 bytes (byte-level BPE never needs more: CJK and emoji
 * can take 2–4 tokens a character), plus a per-message overhead. The local OpenRouter's tokenizer
 * (local-openrouter/tokenizer.ts: at least one character a token, whitespace joined to the word
 * after it) always counts fewer. One-letter words cost a token each, not a third of one.
 */
export function estimatePromptTokens(texts: string[]): number {
  let tokens = 0;
  for (const text of texts) tokens += textTokens(text) + MESSAGE_OVERHEAD_TOKENS;
  return tokens;
}

function textTokens(text: string): number {
  let tokens = 0;
  let letters = 0;
  let inSpace = false;
  const flushLetters = () => {
    tokens += Math.ceil(letters / 3);
    letters = 0;
  };
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if ((code >= 65 && code <= 90) || (code >= 97 && code <= 122)) {
      letters++;
      inSpace = false;
      continue;
    }
    flushLetters();
    if (code === 32 || code === 9 || code === 10 || code === 13) {
      if (!inSpace) tokens++;
      inSpace = true;
      continue;
    }
    inSpace = false;
    tokens += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  flushLetters();
  return tokens;
}

/** Exact nano-USD price per token × tokens, rounded up (a price string may carry > 9 decimals). */
function tokensCostNano(usdPerToken: string | undefined, tokens: number): bigint {
  if (!usdPerToken || tokens <= 0 || usdPerToken.startsWith("-")) return 0n;
  const perMillion = perMillionNano(usdPerToken);
  const count = BigInt(Math.ceil(tokens));
  return (perMillion * count + 999_999n) / 1_000_000n;
}

/** A price per million units as nano-USD: exact for 15 decimals of the USD price, so prices compare exactly. */
function perMillionNano(usd: string): bigint {
  return usdToNano(scaleDecimal(usd, 6));
}

/** A per-unit price (per request, per image) as nano-USD; 0 when there is none. */
export function unitCostNano(usd: string | undefined): bigint {
  if (!usd || usd.startsWith("-")) return 0n;
  return usdToNano(usd);
}

/** decimal text × 10^shift, as decimal text, without a float ("1.5e-7", 6 → "1.5e-1"). */
function scaleDecimal(text: string, shift: number): string {
  const match = /^(.*?)(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  return `${match?.[1] ?? text}e${Number(match?.[2] ?? "0") + shift}`;
}

/**
 * The most a request of `promptTokens` may pay per unit: for each price, the dearest of the base
 * price and every override that may apply (OpenRouter's `pricing.overrides`: one applies when the
 * prompt is longer than its `min_prompt_tokens`; one with a time window is taken to apply). With an
 * over-estimated prompt this may pick a dearer tier, never a cheaper one.
 */
export function pricesFor(model: ModelSummary, promptTokens: number): ModelSummary["pricing"] {
  const out = { ...model.pricing };
  for (const { minPromptTokens, ...prices } of model.pricing.tiers ?? []) {
    if (promptTokens <= minPromptTokens) continue;
    for (const [key, price] of Object.entries(prices) as [keyof typeof prices, string | undefined][]) {
      const current = out[key];
      if (price !== undefined && (current === undefined || perMillionNano(price) > perMillionNano(current))) out[key] = price;
    }
  }
  return out;
}

/**
 * The output an answer may produce, and the `max_tokens` sent upstream with it: the request's own
 * limit, else the model's maximum output (at most MAX_ASSUMED_COMPLETION_TOKENS), else
 * DEFAULT_MAX_COMPLETION_TOKENS. The reservation assumes exactly this; sending it makes it a bound.
 */
export function outputTokenLimit(model: Pick<ModelSummary, "maxCompletionTokens">, maxTokens: number | null | undefined): number {
  if (maxTokens && maxTokens > 0) return maxTokens;
  if (model.maxCompletionTokens && model.maxCompletionTokens > 0) return Math.min(model.maxCompletionTokens, MAX_ASSUMED_COMPLETION_TOKENS);
  return DEFAULT_MAX_COMPLETION_TOKENS;
}

/**
 * The most one generation can cost: the prompt estimate at the prompt price (of the tier it
 * reaches) plus `completionTokens` at the dearer of the completion and reasoning prices, plus the
 * per-request fee.
 */
export function generationCostNano(model: ModelSummary, promptTokens: number, completionTokens: number): bigint {
  const prices = pricesFor(model, promptTokens);
  // Reasoning tokens are billed as output, at the reasoning price when the model has one.
  const output = tokensCostNano(prices.completion, completionTokens);
  const reasoning = tokensCostNano(prices.internalReasoning, completionTokens);
  return tokensCostNano(prices.prompt, promptTokens) + (reasoning > output ? reasoning : output) + unitCostNano(prices.request);
}

/** One generation's worst case with the output limit {@link outputTokenLimit} gives. */
export function worstCaseCostNano(model: ModelSummary, promptTokens: number, maxTokens: number | null | undefined): bigint {
  return generationCostNano(model, promptTokens, outputTokenLimit(model, maxTokens));
}

/** A price OpenRouter does not fix in advance (the auto router's "-1"). */
export function hasVariablePrice(model: ModelSummary): boolean {
  return model.pricing.prompt.startsWith("-") || model.pricing.completion.startsWith("-");
}

/** The cost of input tokens alone (the composer's preview). */
export function inputCostNano(model: ModelSummary, promptTokens: number): bigint {
  const prices = pricesFor(model, promptTokens);
  return tokensCostNano(prices.prompt, promptTokens) + unitCostNano(prices.request);
}

/** Sum of a user's live reservations. */
export async function reservedNano(tx: Pick<Db, "$queryRaw">, userId: string, now = new Date()): Promise<bigint> {
  const rows = await tx.$queryRaw<{ total: string }[]>`
    SELECT COALESCE(SUM("amountNano"), 0)::text AS total FROM "Reservation"
    WHERE "userId" = ${userId} AND "expiresAt" > ${now}`;
  return BigInt(rows[0]?.total ?? "0");
}

async function readLimits(db: Pick<Db, "$queryRaw">, userId: string, defaultBudget: bigint | null): Promise<Limits> {
  // Plain SQL: read on every chat request, where the query compiler's per-call work shows.
  const [user] = await db.$queryRaw<{ monthlyBudgetNano: string | null; personalLimitNano: string | null }[]>`
    SELECT "monthlyBudgetNano"::text AS "monthlyBudgetNano", "personalLimitNano"::text AS "personalLimitNano"
    FROM "User" WHERE "id" = ${userId}`;
  if (!user) throw new AppError("not_found:user", "This account no longer exists.");
  const nano = (text: string | null) => (text === null ? null : BigInt(text));
  return limitsOf({ monthlyBudgetNano: nano(user.monthlyBudgetNano), personalLimitNano: nano(user.personalLimitNano) }, defaultBudget);
}

export function budgetExceededError(input: {
  spentNano: bigint;
  reservedNano: bigint;
  limitNano: bigint;
  amountNano: bigint;
  resetsAt: Date;
  /** How many answers the request would start at once (compared models). */
  answers?: number;
}): AppError {
  const reset = input.resetsAt.toISOString().slice(0, 10);
  const what = (input.answers ?? 1) > 1 ? `comparing ${input.answers} models` : "this message";
  const inFlight = input.reservedNano > 0n ? ` (plus ${formatUsd(input.reservedNano)} held for answers in progress)` : "";
  return new AppError(
    "budget_exceeded:spend",
    `You have spent ${formatUsd(input.spentNano)}${inFlight} of your ${formatUsd(input.limitNano)} monthly limit; ` +
      `${what} could cost up to ${formatUsd(input.amountNano)}. The limit resets on ${reset} (00:00 UTC).`,
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
export async function reserveBudget(userId: string, amountNano: bigint, options: ReserveOptions = {}): Promise<{ reservationId: string | null }> {
  const { reservationIds } = await reserveBudgets(userId, [amountNano], options);
  return { reservationId: reservationIds[0] ?? null };
}

/** An API call's personal key: its reservation counts against the key's monthly cap as well as the user's limit. */
export type ReserveOptions = { apiKey?: { id: string; monthlyCapNano: bigint | null } };

export function apiKeyCapExceededError(input: {
  spentNano: bigint;
  reservedNano: bigint;
  capNano: bigint;
  amountNano: bigint;
  resetsAt: Date;
}): AppError {
  const reset = input.resetsAt.toISOString().slice(0, 10);
  const inFlight = input.reservedNano > 0n ? ` (plus ${formatUsd(input.reservedNano)} held for calls in progress)` : "";
  return new AppError(
    "budget_exceeded:api_key",
    `This key has spent ${formatUsd(input.spentNano)}${inFlight} of its ${formatUsd(input.capNano)} monthly cap; ` +
      `this request could cost up to ${formatUsd(input.amountNano)}. The cap resets on ${reset} (00:00 UTC).`,
    {
      details: {
        spentNano: input.spentNano.toString(),
        capNano: input.capNano.toString(),
        reservedNano: input.reservedNano.toString(),
        amountNano: input.amountNano.toString(),
        resetsAt: input.resetsAt.toISOString(),
      },
    },
  );
}

/**
 * Holds the worst case of several answers at once (the columns of a comparison): all of them
 * fit the budget together, or none is held and the whole turn is refused. One reservation per
 * answer, so each is freed when its own answer's cost is known. With `apiKey`, the reservations
 * carry the key and must also fit its monthly cap: the key's spend this UTC month (its days in the
 * UsageKeyDaily rollup, kept with every Usage write) plus its live reservations. Both checks run under the same lock on the user's row (a key belongs
 * to one user, so that lock serializes the key's reservations too).
 */
export async function reserveBudgets(
  userId: string,
  amountsNano: bigint[],
  options: ReserveOptions = {},
): Promise<{ reservationIds: (string | null)[] }> {
  const none = { reservationIds: amountsNano.map(() => null) };
  const db = await getDb();
  const defaultBudget = await getDefaultMonthlyBudget();
  const first = await readLimits(db, userId, defaultBudget);
  const keyId = options.apiKey?.id ?? null;
  const capNano = options.apiKey?.monthlyCapNano ?? null;
  if (first.limitNano === null && capNano === null) return none;

  const now = new Date();
  const monthStart = monthStartUtc(now);
  const expiresAt = new Date(now.getTime() + RESERVATION_TTL_MS);
  const ids = amountsNano.map(() => randomUUID());
  const amountNano = amountsNano.reduce((sum, a) => sum + a, 0n);
  const rows = Prisma.join(ids.map((id, i) => Prisma.sql`(${id}::text, ${amountsNano[i]}::bigint)`));
  const [, check] = await db.$transaction([
    // Serializes this user's reservations on both databases (PGlite runs one transaction at a time anyway).
    db.$queryRaw`SELECT "id" FROM "User" WHERE "id" = ${userId} FOR UPDATE`,
    // A statement of its own after the lock, so its snapshot sees every reservation committed
    // before the lock was granted. The limit is read again: min(admin budget or the default,
    // personal limit), as `limitsOf` (LEAST skips nulls). Without a key, the key's sums are 0.
    db.$queryRaw<{ limitNano: string | null; spentNano: string; heldNano: string; keySpentNano: string; keyHeldNano: string; reserved: boolean }[]>`
      WITH u AS (
        SELECT LEAST(COALESCE("monthlyBudgetNano", ${defaultBudget}::bigint), "personalLimitNano") AS "limitNano"
        FROM "User" WHERE "id" = ${userId}
      ), spent AS (
        SELECT COALESCE(SUM(d."costNano"), 0) AS v FROM "UsageMonthly" d
        WHERE d."userId" = ${userId} AND d."month" = ${monthStart.toISOString().slice(0, 10)}::date
      ), held AS (
        SELECT COALESCE(SUM(r."amountNano"), 0) AS v FROM "Reservation" r WHERE r."userId" = ${userId} AND r."expiresAt" > ${now}
      ), key_spent AS (
        SELECT COALESCE(SUM(k."costNano"), 0) AS v FROM "UsageKeyDaily" k
        WHERE ${keyId}::text IS NOT NULL AND k."userId" = ${userId} AND k."apiKeyId" = ${keyId}::text
          AND k."day" >= ${monthStart.toISOString().slice(0, 10)}::date
      ), key_held AS (
        SELECT COALESCE(SUM(r."amountNano"), 0) AS v FROM "Reservation" r WHERE r."apiKeyId" = ${keyId}::text AND r."expiresAt" > ${now}
      ), inserted AS (
        INSERT INTO "Reservation" ("id", "userId", "apiKeyId", "amountNano", "createdAt", "expiresAt")
        SELECT a."id", ${userId}, ${keyId}::text, a."amountNano", ${now}, ${expiresAt}
        FROM (VALUES ${rows}) AS a("id", "amountNano"), u, spent, held, key_spent, key_held
        WHERE (u."limitNano" IS NOT NULL OR ${capNano}::bigint IS NOT NULL)
          AND (u."limitNano" IS NULL OR spent.v + held.v + ${amountNano}::bigint <= u."limitNano")
          AND (${capNano}::bigint IS NULL OR key_spent.v + key_held.v + ${amountNano}::bigint <= ${capNano}::bigint)
        RETURNING "id"
      )
      SELECT u."limitNano"::text AS "limitNano", spent.v::text AS "spentNano", held.v::text AS "heldNano",
        key_spent.v::text AS "keySpentNano", key_held.v::text AS "keyHeldNano",
        EXISTS (SELECT 1 FROM inserted) AS "reserved"
      FROM u, spent, held, key_spent, key_held`,
  ]);
  const row = check[0];
  if (!row) throw new AppError("not_found:user", "This account no longer exists.");
  // The limit was lifted meanwhile (and no key cap applies): nothing was held.
  if (row.limitNano === null && capNano === null) return none;
  if (!row.reserved) {
    const resetsAt = nextMonthStartUtc(now);
    if (row.limitNano !== null && BigInt(row.spentNano) + BigInt(row.heldNano) + amountNano > BigInt(row.limitNano)) {
      throw budgetExceededError({
        spentNano: BigInt(row.spentNano),
        reservedNano: BigInt(row.heldNano),
        limitNano: BigInt(row.limitNano),
        amountNano,
        resetsAt,
        answers: amountsNano.length,
      });
    }
    throw apiKeyCapExceededError({
      spentNano: BigInt(row.keySpentNano),
      reservedNano: BigInt(row.keyHeldNano),
      capNano: capNano ?? 0n,
      amountNano,
      resetsAt,
    });
  }
  return { reservationIds: ids };
}

/** Frees a reservation once the answer's cost is recorded. Safe to call twice or with null. */
export async function releaseReservation(reservationId: string | null): Promise<void> {
  if (!reservationId) return;
  const db = await getDb();
  await db.reservation.deleteMany({ where: { id: reservationId } });
}

/** Moves the reservations' expiry to `now` + TTL. A released one (its row deleted) stays released. */
export async function renewReservations(reservationIds: string[], now = new Date()): Promise<void> {
  if (reservationIds.length === 0) return;
  const db = await getDb();
  await db.reservation.updateMany({ where: { id: { in: reservationIds } }, data: { expiresAt: new Date(now.getTime() + RESERVATION_TTL_MS) } });
}

/**
 * Keeps an answer's reservations held for as long as it runs: every RESERVATION_RENEW_MS, while
 * `running()` says so, their expiry moves forward; the first check that finds it over stops.
 */
export function holdWhileRunning(reservationIds: (string | null)[], running: () => boolean): void {
  const ids = reservationIds.filter((id): id is string => id !== null);
  if (ids.length === 0) return;
  const timer = setInterval(() => {
    if (!running()) {
      clearInterval(timer);
      return;
    }
    renewReservations(ids).catch((error: unknown) =>
      logger().warn({ error: error instanceof Error ? error.message : String(error) }, "could not renew a running answer's reservation"),
    );
  }, RESERVATION_RENEW_MS);
  timer.unref();
}
