import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { recordGenerationResult, recordGenerationStarted } from "@/lib/spend/ledger";
import { createUser } from "@/lib/db/users";
import { usdToNano } from "@/lib/money";
import { lastDays, spendByDay, spendByModel, spendByProvider, spendTotals, tokenTotals, topConversations } from "./aggregates";
import { CSV_HEADER, csvField, usageCsvStream } from "./csv";
import { nanoToUsdText } from "./format";
import { dayStartUtc, monthStartUtc } from "./period";
import { rangeFromQuery } from "./range";

// Opening the database (a copy of the migrated template) is the slow part: do it in a hook.
beforeAll(async () => {
  await getDb();
});

const DAY = 86_400_000;
let n = 0;

async function setup() {
  const db = await getDb();
  const user = await createUser({ email: `agg${n++}@example.com`, name: "A", passwordHash: null, role: "user" });
  const convs = await Promise.all(
    ["c1", "c2", "c3"].map((t, i) =>
      db.conversation.create({ data: { id: `conv-${n}-${i}-xxxxxxxx`, userId: user.id, title: t, model: "m" }, select: { id: true } }),
    ),
  );
  return { db, user, convs: convs.map((c) => c.id) };
}

/** The rollups must equal Usage grouped the same way, row for row. */
async function expectRollupsExact(db: Awaited<ReturnType<typeof getDb>>) {
  const direct = await db.$queryRaw<{ k: string }[]>`
    SELECT concat_ws('|', "userId", "createdAt"::date, COALESCE("modelServed", "modelRequested"), COALESCE(provider, ''),
      COUNT(*), COUNT(*) FILTER (WHERE "costNano" IS NULL), COALESCE(SUM("costNano"), 0),
      SUM("promptTokens"), SUM("completionTokens"), SUM("cachedTokens"), SUM("reasoningTokens")) AS k
    FROM "Usage" GROUP BY "userId", "createdAt"::date, COALESCE("modelServed", "modelRequested"), COALESCE(provider, '') ORDER BY 1`;
  const rolled = await db.$queryRaw<{ k: string }[]>`
    SELECT concat_ws('|', "userId", day, model, provider, generations, "pendingCount", "costNano",
      "promptTokens", "completionTokens", "cachedTokens", "reasoningTokens") AS k
    FROM "UsageDaily" ORDER BY 1`;
  expect(rolled.map((r) => r.k)).toEqual(direct.map((r) => r.k));
  const directConv = await db.$queryRaw<{ k: string }[]>`
    SELECT concat_ws('|', "userId", "createdAt"::date, "conversationId", COUNT(*), COUNT(*) FILTER (WHERE "costNano" IS NULL),
      COALESCE(SUM("costNano"), 0)) AS k
    FROM "Usage" WHERE "conversationId" IS NOT NULL GROUP BY "userId", "createdAt"::date, "conversationId" ORDER BY 1`;
  const rolledConv = await db.$queryRaw<{ k: string }[]>`
    SELECT concat_ws('|', "userId", day, "conversationId", generations, "pendingCount", "costNano") AS k
    FROM "UsageConversationDaily" ORDER BY 1`;
  expect(rolledConv.map((r) => r.k)).toEqual(directConv.map((r) => r.k));
  const directMonth = await db.$queryRaw<{ k: string }[]>`
    SELECT concat_ws('|', "userId", date_trunc('month', "createdAt")::date, COUNT(*), COUNT(*) FILTER (WHERE "costNano" IS NULL),
      COALESCE(SUM("costNano"), 0)) AS k
    FROM "Usage" GROUP BY "userId", date_trunc('month', "createdAt")::date ORDER BY 1`;
  const rolledMonth = await db.$queryRaw<{ k: string }[]>`
    SELECT concat_ws('|', "userId", month, generations, "pendingCount", "costNano") AS k FROM "UsageMonthly" ORDER BY 1`;
  expect(rolledMonth.map((r) => r.k)).toEqual(directMonth.map((r) => r.k));
  const directConvMonth = await db.$queryRaw<{ k: string }[]>`
    SELECT concat_ws('|', "userId", date_trunc('month', "createdAt")::date, "conversationId", COUNT(*),
      COUNT(*) FILTER (WHERE "costNano" IS NULL), COALESCE(SUM("costNano"), 0)) AS k
    FROM "Usage" WHERE "conversationId" IS NOT NULL
    GROUP BY "userId", date_trunc('month', "createdAt")::date, "conversationId" ORDER BY 1`;
  const rolledConvMonth = await db.$queryRaw<{ k: string }[]>`
    SELECT concat_ws('|', "userId", month, "conversationId", generations, "pendingCount", "costNano") AS k
    FROM "UsageConversationMonthly" ORDER BY 1`;
  expect(rolledConvMonth.map((r) => r.k)).toEqual(directConvMonth.map((r) => r.k));
}

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let field = "";
  let row: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\n") {
      row.push(field.replace(/\r$/, ""));
      rows.push(row);
      row = [];
      field = "";
    } else field += ch;
  }
  return rows;
}

describe("spend aggregates", () => {
  it(
    "rollups stay exact through inserts, settlement, key changes and deletes, and every view and the CSV agree with the rows",
    { timeout: 120_000 },
    async () => {
      const { db, user, convs } = await setup();
      const now = new Date();
      const today = dayStartUtc(now);
      const models = ["openai/gpt-4o", "anthropic/claude-sonnet-4.5", "google/gemini-2.5-pro"];
      const providers = ["OpenAI", "Anthropic", "Google", null];
      let expectedAll = 0n;
      // 120 rows over the last 40 days (some last month), a few pending, odd sub-cent costs.
      for (let i = 0; i < 120; i++) {
        const cost = i % 11 === 0 ? null : usdToNano(`0.000${(i * 7919) % 100000}`.slice(0, 12)) + BigInt(i);
        if (cost !== null) expectedAll += cost;
        await db.usage.create({
          data: {
            userId: user.id,
            conversationId: i % 5 === 0 ? null : convs[i % 3]!,
            generationId: `gen-agg-${n}-${i}`,
            modelRequested: models[i % 3]!,
            modelServed: cost === null ? null : models[(i + 1) % 3]!,
            provider: cost === null ? null : providers[i % 4],
            promptTokens: 100 + i,
            cachedTokens: i % 3 === 0 ? 50 : 0,
            completionTokens: 40 + i,
            reasoningTokens: i % 4 === 0 ? 10 : 0,
            costNano: cost,
            createdAt: new Date(today.getTime() - (i % 40) * DAY + (i % 24) * 3_600_000),
          },
        });
      }
      await expectRollupsExact(db);

      // Through the lead's write path, 60 at once on the same day/model/conversation.
      await Promise.all(
        Array.from({ length: 60 }, async (_, i) => {
          const generationId = `gen-live-${n}-${i}`;
          await recordGenerationStarted({
            userId: user.id,
            conversationId: convs[0]!,
            messageId: null,
            generationId,
            modelRequested: "openai/gpt-4o",
          });
          await recordGenerationResult(generationId, {
            modelServed: i % 2 ? "openai/gpt-4o-2024-08-06" : null,
            provider: i % 2 ? "Azure" : null,
            promptTokens: 10,
            completionTokens: 5,
            reasoningTokens: 0,
            cachedTokens: 0,
            costNano: i % 2 ? 1_234_567n + BigInt(i) : null,
            upstreamCostNano: null,
            isByok: false,
            ttftMs: null,
            durationMs: null,
            finishReason: "stop",
          });
          if (i % 2) expectedAll += 1_234_567n + BigInt(i);
        }),
      );
      await expectRollupsExact(db);

      // Settle the pending ones (key moves: model served and provider become known).
      const pending = await db.usage.findMany({ where: { userId: user.id, costNano: null }, select: { id: true } });
      for (const [i, p] of pending.entries()) {
        await db.usage.update({
          where: { id: p.id },
          data: { costNano: 999n + BigInt(i), modelServed: "x/settled", provider: "Late", settledAt: new Date() },
        });
        expectedAll += 999n + BigInt(i);
      }
      // Bookkeeping-only updates do not touch the rollups (and must not break them).
      await db.usage.updateMany({ where: { userId: user.id }, data: { settleAttempts: { increment: 1 } } });
      // A hard-deleted conversation leaves its usage with no conversation (SetNull).
      await db.conversation.delete({ where: { id: convs[2]! } });
      // A deleted usage row leaves the rollups.
      const gone = await db.usage.findFirstOrThrow({ where: { userId: user.id, costNano: { not: null } }, orderBy: { id: "asc" } });
      await db.usage.delete({ where: { id: gone.id } });
      expectedAll -= gone.costNano!;
      await expectRollupsExact(db);

      // Totals.
      const totals = await spendTotals({ userId: user.id }, now);
      const direct = await db.$queryRaw<{ all: string; month: string; today: string }[]>`
      SELECT SUM("costNano")::text AS all,
             COALESCE(SUM("costNano") FILTER (WHERE "createdAt" >= ${monthStartUtc(now)}), 0)::text AS month,
             COALESCE(SUM("costNano") FILTER (WHERE "createdAt" >= ${today}), 0)::text AS today
      FROM "Usage" WHERE "userId" = ${user.id}`;
      expect(totals.allTimeNano).toBe(expectedAll);
      expect(totals.allTimeNano).toBe(BigInt(direct[0]!.all));
      expect(totals.monthNano).toBe(BigInt(direct[0]!.month));
      expect(totals.todayNano).toBe(BigInt(direct[0]!.today));
      expect(totals.pendingCount).toBe(0);

      // The range views all sum to the same figure, equal to the rows in that range.
      const range = lastDays(30, now);
      const inRange = await db.$queryRaw<{ total: string; n: bigint }[]>`
      SELECT SUM("costNano")::text AS total, COUNT(*) AS n FROM "Usage"
      WHERE "userId" = ${user.id} AND "createdAt" >= ${range.from} AND "createdAt" < ${range.to}`;
      const rangeTotal = BigInt(inRange[0]!.total);
      const sum = (xs: { costNano: bigint }[]) => xs.reduce((s, x) => s + x.costNano, 0n);
      const days = await spendByDay({ userId: user.id }, range);
      expect(days).toHaveLength(30);
      expect(days.at(-1)!.day).toBe(today.toISOString().slice(0, 10));
      expect(sum(days)).toBe(rangeTotal);
      expect(sum(await spendByModel({ userId: user.id }, range))).toBe(rangeTotal);
      const byProvider = await spendByProvider({ userId: user.id }, range);
      expect(sum(byProvider)).toBe(rangeTotal);
      expect(byProvider.map((p) => p.provider)).toContain("Late");
      const top = await topConversations({ userId: user.id }, range);
      const convTotal = await db.$queryRaw<{ total: string }[]>`
      SELECT SUM("costNano")::text AS total FROM "Usage" WHERE "userId" = ${user.id} AND "conversationId" IS NOT NULL
        AND "createdAt" >= ${range.from} AND "createdAt" < ${range.to}`;
      expect(sum(top)).toBe(BigInt(convTotal[0]!.total));
      expect(top[0]!.costNano >= top.at(-1)!.costNano).toBe(true);
      expect(top.map((t) => t.title).sort()).toEqual(["c1", "c2"]);
      const tokens = await tokenTotals({ userId: user.id }, range);
      const tokDirect = await db.$queryRaw<{ p: bigint; c: bigint; ca: bigint; r: bigint }[]>`
      SELECT SUM("promptTokens") AS p, SUM("completionTokens") AS c, SUM("cachedTokens") AS ca, SUM("reasoningTokens") AS r
      FROM "Usage" WHERE "userId" = ${user.id} AND "createdAt" >= ${range.from} AND "createdAt" < ${range.to}`;
      expect(tokens.inputTokens + tokens.cachedInputTokens).toBe(Number(tokDirect[0]!.p));
      expect(tokens.outputTokens + tokens.reasoningTokens).toBe(Number(tokDirect[0]!.c));
      expect(tokens.cachedInputTokens).toBe(Number(tokDirect[0]!.ca));
      expect(tokens.reasoningTokens).toBe(Number(tokDirect[0]!.r));

      // The CSV of the same range: one line per row, its nano column and its USD column both sum to the figure.
      const csvRange = rangeFromQuery({ from: range.from.toISOString().slice(0, 10), to: today.toISOString().slice(0, 10) });
      expect(csvRange).toEqual(range);
      const text = await new Response(usageCsvStream(user.id, csvRange)).text();
      const rows = parseCsv(text);
      expect(rows[0]).toEqual([...CSV_HEADER]);
      const body = rows.slice(1);
      expect(body).toHaveLength(Number(inRange[0]!.n));
      const nanoCol = CSV_HEADER.indexOf("cost_nano_usd");
      const usdCol = CSV_HEADER.indexOf("cost_usd");
      expect(body.reduce((s, r) => s + BigInt(r[nanoCol]!), 0n)).toBe(rangeTotal);
      expect(body.reduce((s, r) => s + usdToNano(r[usdCol]!), 0n)).toBe(rangeTotal);
      expect(body.every((r) => nanoToUsdText(BigInt(r[nanoCol]!)) === r[usdCol])).toBe(true);

      // Another user's rows never show up, and deleting a user leaves no rollup behind.
      const other = await setup();
      await other.db.usage.create({ data: { userId: other.user.id, modelRequested: "m", costNano: 5n, conversationId: other.convs[0]! } });
      expect((await spendTotals({ userId: user.id }, now)).allTimeNano).toBe(expectedAll);
      await db.user.delete({ where: { id: other.user.id } });
      expect(await db.usageDaily.count({ where: { userId: other.user.id } })).toBe(0);
      expect(await db.usageConversationDaily.count({ where: { userId: other.user.id } })).toBe(0);
      expect(await db.usageMonthly.count({ where: { userId: other.user.id } })).toBe(0);
      await expectRollupsExact(db);
    },
  );

  it("the most expensive conversations over any range equal the rows in that range, months read whole or in part", { timeout: 120_000 }, async () => {
    const { db, user, convs } = await setup();
    const now = new Date();
    const today = dayStartUtc(now);
    // 300 rows over the past 420 days in three conversations, some pending, and one
    // conversation used on a single day only (it must vanish from ranges that leave that day out).
    const rows = Array.from({ length: 300 }, (_, i) => ({
      userId: user.id,
      conversationId: convs[i % 3]!,
      modelRequested: "m",
      costNano: i % 13 === 0 ? null : 1_000_003n * BigInt(i + 1),
      createdAt: new Date(today.getTime() - ((i * 7919) % 420) * DAY + (i % 24) * 3_600_000),
    }));
    await db.usage.createMany({ data: rows });
    const lonely = await db.conversation.create({ data: { userId: user.id, title: "once", model: "m" }, select: { id: true } });
    const lonelyDay = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 2, 3));
    await db.usage.create({ data: { userId: user.id, conversationId: lonely.id, modelRequested: "m", costNano: 77n, createdAt: lonelyDay } });
    await expectRollupsExact(db);

    const byId = (a: unknown[], b: unknown[]) => String(a[0]).localeCompare(String(b[0]));
    const direct = async (range?: { from: Date; to: Date }) => {
      const found = await db.$queryRaw<{ id: string; cost: string; n: number; pending: number }[]>`
        SELECT "conversationId" AS id, SUM(COALESCE("costNano", 0))::text AS cost, COUNT(*)::int AS n,
               (COUNT(*) FILTER (WHERE "costNano" IS NULL))::int AS pending
        FROM "Usage" WHERE "userId" = ${user.id} AND "conversationId" IS NOT NULL
          AND "createdAt" >= ${range?.from ?? new Date(0)} AND "createdAt" < ${range?.to ?? new Date(Date.UTC(3000, 0, 1))}
        GROUP BY 1 ORDER BY 1`;
      return found.map((r) => [r.id, BigInt(r.cost), r.n, r.pending]).sort(byId);
    };
    const month = (offset: number, day: number) => new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() + offset, day));
    const ranges = [
      ...[1, 2, 15, 30, 31, 45, 60, 90, 200, 365, 400, 420].map((days) => lastDays(days, now)),
      // Mostly whole months with a day missing at either end (read as months minus days).
      { from: month(-5, 2), to: month(-2, 0) },
      // Inside one month; across one month boundary; aligned to months; around the lonely day.
      { from: month(-3, 5), to: month(-3, 20) },
      { from: month(-4, 25), to: month(-3, 4) },
      { from: month(-12, 1), to: month(-1, 1) },
      { from: month(-2, 4), to: month(-1, 1) },
      { from: month(-2, 1), to: month(-2, 4) },
    ];
    for (const range of [...ranges, undefined]) {
      const top = await topConversations({ userId: user.id }, range, 1000);
      const got = top.map((t) => [t.conversationId, t.costNano, t.generations, t.pendingCount]).sort(byId);
      expect(got, JSON.stringify(range)).toEqual(await direct(range));
      for (let i = 1; i < top.length; i++) expect(top[i - 1]!.costNano >= top[i]!.costNano).toBe(true);
    }
  });

  it("CSV fields are quoted and defused", () => {
    expect(csvField('say "hi", ok')).toBe('"say ""hi"", ok"');
    expect(csvField("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvField(null)).toBe("");
    expect(csvField(-5)).toBe("-5");
    expect(nanoToUsdText(7_765n)).toBe("0.000007765");
    expect(nanoToUsdText(12_000_000_001n)).toBe("12.000000001");
  });
});
