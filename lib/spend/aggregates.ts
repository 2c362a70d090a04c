import "server-only";
import { getDb, type Db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { servedModelId } from "@/lib/openrouter/catalog";
import { dayStartUtc, monthStartUtc } from "./period";
import type {
  ByConversationRow,
  ByKeyRow,
  ByModelRow,
  ByProviderRow,
  DayPoint,
  SourceSplit,
  SourceTotals,
  SpendRange,
  SpendTotals,
  TokenTotals,
} from "./types";

// Spend aggregates, all in SQL over five rollups of Usage — "UsageDaily" (user, UTC day,
// model, provider), "UsageConversationDaily" (user, UTC day, conversation), "UsageMonthly"
// (user, UTC month), "UsageConversationMonthly" (user, UTC month, conversation) and
// "UsageKeyDaily" (user, UTC day, personal key, chat or API) — which triggers keep in the same
// transaction as every Usage write (migrations 20261124020000_spend,
// 20261124040000_spend_conversation_monthly and 20261207200000_spend_by_key),
// so each is always exactly the sum of the rows (the tests compare them). Sums of nano-USD come
// back as numeric text and become BigInt: nothing is ever a float. Ranges are whole UTC days.
// A scope without userId covers every user (admin views).

export type SpendScope = { userId?: string };

const dayText = (date: Date): string => date.toISOString().slice(0, 10);

function where(scope: SpendScope, range?: SpendRange): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  if (scope.userId) parts.push(Prisma.sql`d."userId" = ${scope.userId}`);
  if (range) {
    parts.push(Prisma.sql`d."day" >= ${dayText(range.from)}::date`, Prisma.sql`d."day" < ${dayText(range.to)}::date`);
  }
  return parts.length ? Prisma.sql`WHERE ${Prisma.join(parts, " AND ")}` : Prisma.empty;
}

const big = (text: string | null | undefined): bigint => BigInt(text ?? "0");
const int = (text: string | number | bigint | null | undefined): number => Number(text ?? 0);

/** The last `days` UTC days, today included. */
export function lastDays(days: number, now = new Date()): SpendRange {
  const today = dayStartUtc(now);
  return { from: new Date(today.getTime() - (days - 1) * 86_400_000), to: new Date(today.getTime() + 86_400_000) };
}

/** Known spend today, this month and all time (UTC), and how many answers still await their cost. */
export async function spendTotals(scope: SpendScope, now = new Date()): Promise<SpendTotals> {
  const db = await getDb();
  const today = dayText(now);
  const month = dayText(monthStartUtc(now));
  const [row] = await db.$queryRaw<{ today: string; month: string; all: string; pending: string; n: string }[]>`
    SELECT (SELECT COALESCE(SUM(t."costNano"), 0) FROM "UsageDaily" t
            WHERE t."day" = ${today}::date ${scope.userId ? Prisma.sql`AND t."userId" = ${scope.userId}` : Prisma.empty})::text AS today,
           COALESCE(SUM(d."costNano") FILTER (WHERE d."month" = ${month}::date), 0)::text AS month,
           COALESCE(SUM(d."costNano"), 0)::text AS all,
           COALESCE(SUM(d."pendingCount"), 0)::text AS pending,
           COALESCE(SUM(d."generations"), 0)::text AS n
    FROM "UsageMonthly" d ${where(scope)}`;
  return {
    todayNano: big(row?.today),
    monthNano: big(row?.month),
    allTimeNano: big(row?.all),
    pendingCount: int(row?.pending),
    generations: int(row?.n),
  };
}

/** Month-to-date known spend and pending count of one user (one row). */
export async function monthToDate(db: Pick<Db, "$queryRaw">, userId: string, now = new Date()): Promise<{ monthNano: bigint; pendingCount: number }> {
  const [row] = await db.$queryRaw<{ month: string; pending: string }[]>`
    SELECT COALESCE(SUM(d."costNano"), 0)::text AS month, COALESCE(SUM(d."pendingCount"), 0)::text AS pending
    FROM "UsageMonthly" d WHERE d."userId" = ${userId} AND d."month" = ${dayText(monthStartUtc(now))}::date`;
  return { monthNano: big(row?.month), pendingCount: int(row?.pending) };
}

/** One point per UTC day of the range, zero-filled. */
export async function spendByDay(scope: SpendScope, range: SpendRange): Promise<DayPoint[]> {
  const db = await getDb();
  const rows = await db.$queryRaw<{ day: string; cost: string; n: string; pending: string }[]>`
    SELECT to_char(d."day", 'YYYY-MM-DD') AS day,
           COALESCE(SUM(d."costNano"), 0)::text AS cost,
           COALESCE(SUM(d."generations"), 0)::text AS n,
           COALESCE(SUM(d."pendingCount"), 0)::text AS pending
    FROM "UsageDaily" d ${where(scope, range)}
    GROUP BY d."day" ORDER BY d."day"`;
  const byDay = new Map(rows.map((r) => [r.day, r]));
  const points: DayPoint[] = [];
  for (let t = dayStartUtc(range.from).getTime(); t < range.to.getTime(); t += 86_400_000) {
    const day = new Date(t).toISOString().slice(0, 10);
    const r = byDay.get(day);
    points.push({ day, costNano: big(r?.cost), generations: int(r?.n), pendingCount: int(r?.pending) });
  }
  return points;
}

/** By the model that answered (the requested one while that is unknown). */
export async function spendByModel(scope: SpendScope, range?: SpendRange): Promise<ByModelRow[]> {
  const db = await getDb();
  const rows = await db.$queryRaw<
    { model: string; cost: string; n: string; pending: string; prompt: string; completion: string; cached: string; reasoning: string }[]
  >`
    SELECT d."model" AS model,
           SUM(d."costNano")::text AS cost,
           SUM(d."generations")::text AS n,
           SUM(d."pendingCount")::text AS pending,
           SUM(d."promptTokens")::text AS prompt,
           SUM(d."completionTokens")::text AS completion,
           SUM(d."cachedTokens")::text AS cached,
           SUM(d."reasoningTokens")::text AS reasoning
    FROM "UsageDaily" d ${where(scope, range)}
    GROUP BY d."model" ORDER BY SUM(d."costNano") DESC, d."model"`;
  return mergeByCatalogId(
    rows.map((r) => ({
      model: r.model,
      costNano: big(r.cost),
      generations: int(r.n),
      pendingCount: int(r.pending),
      promptTokens: int(r.prompt),
      completionTokens: int(r.completion),
      cachedTokens: int(r.cached),
      reasoningTokens: int(r.reasoning),
    })),
  );
}

/**
 * Rows written before served slugs were stored under their catalog id (the ledger does so now) may
 * name a dated slug: with the catalog in memory, they join their model's row. Without it, rows stay.
 */
function mergeByCatalogId(rows: ByModelRow[]): ByModelRow[] {
  const merged = new Map<string, ByModelRow>();
  for (const row of rows) {
    const model = servedModelId(row.model) ?? row.model;
    const held = merged.get(model);
    if (!held) {
      merged.set(model, { ...row, model });
      continue;
    }
    held.costNano += row.costNano;
    held.generations += row.generations;
    held.pendingCount += row.pendingCount;
    held.promptTokens += row.promptTokens;
    held.completionTokens += row.completionTokens;
    held.cachedTokens += row.cachedTokens;
    held.reasoningTokens += row.reasoningTokens;
  }
  if (merged.size === rows.length) return rows;
  return [...merged.values()].sort((a, b) => (a.costNano === b.costNano ? a.model.localeCompare(b.model) : a.costNano > b.costNano ? -1 : 1));
}

/** By the provider that served (null while unknown). */
export async function spendByProvider(scope: SpendScope, range?: SpendRange): Promise<ByProviderRow[]> {
  const db = await getDb();
  const rows = await db.$queryRaw<{ provider: string; cost: string; n: string; pending: string }[]>`
    SELECT d."provider" AS provider,
           SUM(d."costNano")::text AS cost,
           SUM(d."generations")::text AS n,
           SUM(d."pendingCount")::text AS pending
    FROM "UsageDaily" d ${where(scope, range)}
    GROUP BY d."provider" ORDER BY SUM(d."costNano") DESC, d."provider"`;
  return rows.map((r) => ({
    provider: r.provider === "" ? null : r.provider,
    costNano: big(r.cost),
    generations: int(r.n),
    pendingCount: int(r.pending),
  }));
}

type Interval = { from: Date; to: Date };

/**
 * How a range of whole UTC days is read for the conversation totals: whole months from
 * "UsageConversationMonthly" (one row per conversation and month), the other days from
 * "UsageConversationDaily" — added, or, for a month mostly inside the range, subtracted from
 * that month's rows, whichever reads fewer rows (days still to come have none). Integer sums
 * either way, so the totals are exact.
 */
function conversationRangePlan(range: SpendRange, now = new Date()): { months: Interval[]; addDays: Interval[]; subtractDays: Interval[] } {
  const DAY = 86_400_000;
  // A month's rows cost about as much to read as a few days' (one row per conversation active that month).
  const MONTH_IN_DAYS = 4;
  const tomorrow = dayStartUtc(now).getTime() + DAY;
  const pastDays = (from: number, to: number) => Math.max(0, (Math.min(to, tomorrow) - from) / DAY);
  const nextMonth = (t: number) => {
    const d = new Date(t);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  };
  const plan = { months: [] as Interval[], addDays: [] as Interval[], subtractDays: [] as Interval[] };
  const push = (list: Interval[], from: number, to: number) => {
    if (from >= to) return;
    const last = list.at(-1);
    if (last && last.to.getTime() === from) last.to = new Date(to);
    else list.push({ from: new Date(from), to: new Date(to) });
  };
  const start = range.from.getTime();
  const end = range.to.getTime();
  for (let month = monthStartUtc(range.from).getTime(); month < end; month = nextMonth(month)) {
    const next = nextMonth(month);
    const from = Math.max(start, month);
    const to = Math.min(end, next);
    const whole = from === month && to === next;
    if (!whole && pastDays(from, to) <= MONTH_IN_DAYS + pastDays(month, from) + pastDays(to, next)) {
      push(plan.addDays, from, to);
      continue;
    }
    push(plan.months, month, next);
    push(plan.subtractDays, month, from);
    push(plan.subtractDays, to, next);
  }
  return plan;
}

function inIntervals(column: Prisma.Sql, intervals: Interval[]): Prisma.Sql {
  return Prisma.sql`(${Prisma.join(
    intervals.map((i) => Prisma.sql`(${column} >= ${dayText(i.from)}::date AND ${column} < ${dayText(i.to)}::date)`),
    " OR ",
  )})`;
}

/** The most expensive conversations (deleted ones included: their cost was real). */
export async function topConversations(scope: SpendScope, range?: SpendRange, limit = 10): Promise<ByConversationRow[]> {
  const db = await getDb();
  const user = scope.userId ? Prisma.sql`d."userId" = ${scope.userId}` : Prisma.sql`TRUE`;
  const plan = range ? conversationRangePlan(range) : null;
  const parts: Prisma.Sql[] = [];
  if (!plan || plan.months.length > 0) {
    parts.push(Prisma.sql`
      SELECT d."conversationId", d."costNano", d."generations", d."pendingCount" FROM "UsageConversationMonthly" d
      WHERE ${user} ${plan ? Prisma.sql`AND ${inIntervals(Prisma.sql`d."month"`, plan.months)}` : Prisma.empty}`);
  }
  if (plan && plan.addDays.length > 0) {
    parts.push(Prisma.sql`
      SELECT d."conversationId", d."costNano", d."generations", d."pendingCount" FROM "UsageConversationDaily" d
      WHERE ${user} AND ${inIntervals(Prisma.sql`d."day"`, plan.addDays)}`);
  }
  if (plan && plan.subtractDays.length > 0) {
    parts.push(Prisma.sql`
      SELECT d."conversationId", -d."costNano", -d."generations", -d."pendingCount" FROM "UsageConversationDaily" d
      WHERE ${user} AND ${inIntervals(Prisma.sql`d."day"`, plan.subtractDays)}`);
  }
  const rows = await db.$queryRaw<{ id: string; title: string | null; deleted: boolean | null; cost: string; n: string; pending: string }[]>`
    SELECT t."conversationId" AS id, c."title" AS title, (c."deletedAt" IS NOT NULL) AS deleted,
           t.total::text AS cost, t.n::text AS n, t.pending::text AS pending
    FROM (
      SELECT p."conversationId", SUM(p."costNano") AS total, SUM(p."generations") AS n, SUM(p."pendingCount") AS pending
      FROM (${Prisma.join(parts, " UNION ALL ")}) p ("conversationId", "costNano", "generations", "pendingCount")
      GROUP BY p."conversationId"
      -- A conversation whose rows all lie in subtracted days nets to nothing: not in the range.
      HAVING SUM(p."generations") > 0
      ORDER BY 2 DESC, 1
      LIMIT ${limit}
    ) t LEFT JOIN "Conversation" c ON c."id" = t."conversationId"
    ORDER BY t.total DESC, t."conversationId"`;
  return rows.map((r) => ({
    conversationId: r.id,
    title: r.title ?? "(deleted conversation)",
    deleted: r.deleted !== false,
    costNano: big(r.cost),
    generations: int(r.n),
    pendingCount: int(r.pending),
  }));
}

/**
 * Tokens, split so the four parts add up to the total: input not from cache, cached input,
 * output that is not reasoning, reasoning (OpenRouter counts cached within prompt tokens
 * and reasoning within completion tokens).
 */
export async function tokenTotals(scope: SpendScope, range?: SpendRange): Promise<TokenTotals> {
  const db = await getDb();
  const [row] = await db.$queryRaw<{ prompt: string; completion: string; cached: string; reasoning: string }[]>`
    SELECT COALESCE(SUM(d."promptTokens"), 0)::text AS prompt,
           COALESCE(SUM(d."completionTokens"), 0)::text AS completion,
           COALESCE(SUM(d."cachedTokens"), 0)::text AS cached,
           COALESCE(SUM(d."reasoningTokens"), 0)::text AS reasoning
    FROM "UsageDaily" d ${where(scope, range)}`;
  const prompt = int(row?.prompt);
  const completion = int(row?.completion);
  const cached = Math.min(int(row?.cached), prompt);
  const reasoning = Math.min(int(row?.reasoning), completion);
  return {
    inputTokens: prompt - cached,
    cachedInputTokens: cached,
    outputTokens: completion - reasoning,
    reasoningTokens: reasoning,
    promptTokens: prompt,
    completionTokens: completion,
  };
}

/** Known spend of every user with usage: this month and all time (admin). */
export async function spendPerUser(now = new Date()): Promise<Map<string, { monthNano: bigint; allTimeNano: bigint; pendingCount: number }>> {
  const db = await getDb();
  const rows = await db.$queryRaw<{ userId: string; month: string; all: string; pending: string }[]>`
    SELECT d."userId" AS "userId",
           COALESCE(SUM(d."costNano") FILTER (WHERE d."month" = ${dayText(monthStartUtc(now))}::date), 0)::text AS month,
           SUM(d."costNano")::text AS all,
           SUM(d."pendingCount")::text AS pending
    FROM "UsageMonthly" d GROUP BY d."userId"`;
  return new Map(rows.map((r) => [r.userId, { monthNano: big(r.month), allTimeNano: big(r.all), pendingCount: int(r.pending) }]));
}

const CHAT_ROW = "chat";
const DELETED_KEY_ROW = "deleted-key";

/**
 * By personal key over a range: one row per key with usage (its name, prefix, whether revoked),
 * one "Chat" row for everything without a key (answers and titles), and one "Deleted key" row
 * for API calls whose key was deleted. The rows add up to the range's totals exactly (the same
 * Usage rows as "UsageDaily", keyed differently). A user's scope names only keys of that user;
 * the admin's (all users) adds each key's owner.
 */
export async function spendByKey(scope: SpendScope, range?: SpendRange): Promise<ByKeyRow[]> {
  const db = await getDb();
  const rows = await db.$queryRaw<
    {
      key: string;
      source: string;
      cost: string;
      n: string;
      pending: string;
      prompt: string;
      completion: string;
      cached: string;
      reasoning: string;
      name: string | null;
      prefix: string | null;
      revoked: boolean | null;
      email: string | null;
    }[]
  >`
    SELECT t.key, t.source, t.cost::text AS cost, t.n::text AS n, t.pending::text AS pending, t.prompt::text AS prompt,
           t.completion::text AS completion, t.cached::text AS cached, t.reasoning::text AS reasoning,
           k."name" AS name, k."prefix" AS prefix, (k."revokedAt" IS NOT NULL) AS revoked, u."email" AS email
    FROM (
      SELECT d."apiKeyId" AS key, d."source" AS source,
             SUM(d."costNano") AS cost, SUM(d."generations") AS n, SUM(d."pendingCount") AS pending,
             SUM(d."promptTokens") AS prompt, SUM(d."completionTokens") AS completion,
             SUM(d."cachedTokens") AS cached, SUM(d."reasoningTokens") AS reasoning
      FROM "UsageKeyDaily" d ${where(scope, range)}
      GROUP BY d."apiKeyId", d."source"
    ) t
    -- The owner is checked in the join too: a user's scope never names a key that is not theirs.
    LEFT JOIN "ApiKey" k ON k."id" = t.key ${scope.userId ? Prisma.sql`AND k."userId" = ${scope.userId}` : Prisma.empty}
    LEFT JOIN "User" u ON u."id" = k."userId"
    ORDER BY t.cost DESC, k."name", t.key`;
  const merged = new Map<string, ByKeyRow>();
  for (const r of rows) {
    const isKey = r.key !== "" && r.name !== null;
    const id = isKey ? r.key : r.source === "api" || r.key !== "" ? DELETED_KEY_ROW : CHAT_ROW;
    const row: ByKeyRow = {
      id,
      source: id === CHAT_ROW ? "chat" : "api",
      name: isKey ? r.name! : id === CHAT_ROW ? "Chat" : "Deleted key",
      prefix: isKey ? r.prefix : null,
      revoked: isKey && r.revoked === true,
      ownerEmail: isKey && !scope.userId ? r.email : null,
      costNano: big(r.cost),
      generations: int(r.n),
      pendingCount: int(r.pending),
      promptTokens: int(r.prompt),
      completionTokens: int(r.completion),
      cachedTokens: int(r.cached),
      reasoningTokens: int(r.reasoning),
    };
    const held = merged.get(id);
    if (!held) {
      merged.set(id, row);
      continue;
    }
    held.costNano += row.costNano;
    held.generations += row.generations;
    held.pendingCount += row.pendingCount;
    held.promptTokens += row.promptTokens;
    held.completionTokens += row.completionTokens;
    held.cachedTokens += row.cachedTokens;
    held.reasoningTokens += row.reasoningTokens;
  }
  return [...merged.values()].sort((a, b) => (a.costNano === b.costNano ? a.name.localeCompare(b.name) : a.costNano > b.costNano ? -1 : 1));
}

const emptySource = (): SourceTotals => ({ costNano: 0n, generations: 0, pendingCount: 0, promptTokens: 0, completionTokens: 0 });

/** Chat vs API, from the by-key rows (so the two views always agree). */
export function splitBySource(rows: ByKeyRow[]): SourceSplit {
  const split: SourceSplit = { chat: emptySource(), api: emptySource() };
  for (const row of rows) {
    const s = split[row.source];
    s.costNano += row.costNano;
    s.generations += row.generations;
    s.pendingCount += row.pendingCount;
    s.promptTokens += row.promptTokens;
    s.completionTokens += row.completionTokens;
  }
  return split;
}
