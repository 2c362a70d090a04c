import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalOpenRouter } from "@/local-openrouter";
import { startLocalOpenRouter } from "@/local-openrouter";

// The local OpenRouter must be running and the env pointing at it before anything reads the
// env (getEnv caches): the modules under test are imported after that, in beforeAll.
let upstream: LocalOpenRouter;
let db: Awaited<ReturnType<typeof import("@/lib/db").getDb>>;
let mod: {
  settleDueGenerations: typeof import("./settlement").settleDueGenerations;
  backoffMs: typeof import("./settlement").backoffMs;
  generateAnswer: typeof import("./test-support").generateAnswer;
  createUser: typeof import("@/lib/db/users").createUser;
};

beforeAll(async () => {
  upstream = await startLocalOpenRouter({ tokensPerSecond: 0 });
  process.env.OPENROUTER_BASE_URL = upstream.baseURL;
  process.env.OPENROUTER_API_KEY = "sk-or-test-settlement";
  const settlement = await import("./settlement");
  const support = await import("./test-support");
  const users = await import("@/lib/db/users");
  db = await (await import("@/lib/db")).getDb();
  mod = {
    settleDueGenerations: settlement.settleDueGenerations,
    backoffMs: settlement.backoffMs,
    generateAnswer: support.generateAnswer,
    createUser: users.createUser,
  };
});

afterAll(async () => {
  await upstream?.close();
});

let n = 0;
const newUser = () => mod.createUser({ email: `settle${n++}@example.com`, name: "S", passwordHash: null, role: "user" });
const later = () => new Date(Date.now() + 60 * 60_000);

/** Waits until the generations ended and /generation knows them (it answers 404 for a while after the end, as openrouter.ai does). */
async function waitDone(ids: string[]): Promise<void> {
  const deadline = Date.now() + 10_000;
  const known = (id: string) => {
    const g = upstream.generations.get(id);
    return g?.state === "done" && g.availableAtMs !== null && g.availableAtMs <= Date.now();
  };
  while (!ids.every(known)) {
    if (Date.now() > deadline) throw new Error("generations did not finish");
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Settles until nothing is due (as of an hour from now). */
async function settleAll(): Promise<string[]> {
  const ids: string[] = [];
  for (;;) {
    const report = await mod.settleDueGenerations({ limit: 100, now: later() });
    ids.push(...report.settledIds);
    if (report.claimed === 0) return ids;
  }
}

describe("usage from real streams", () => {
  it("100 concurrent answers for one user: the stored total is the exact sum of the upstream's costs", { timeout: 120_000 }, async () => {
    const user = await newUser();
    const models = ["openai/gpt-4o-mini", "anthropic/claude-haiku-4.5", "google/gemini-2.5-flash", "deepseek/deepseek-chat-v3.1"];
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        mod.generateAnswer({
          userId: user.id,
          conversationId: null,
          model: models[i % models.length]!,
          text: `Question ${i}: ${"tell me something ".repeat(i % 7)} [[sb:text tokens=${20 + (i % 13)}]]`,
        }),
      ),
    );
    expect(answers.every((a) => a.error === null && a.generationIds.length === 1)).toBe(true);
    const ids = answers.flatMap((a) => a.generationIds);
    let truth = 0n;
    for (const id of ids) truth += upstream.generations.get(id)!.costNano;
    const reported = answers.reduce((sum, a) => sum + (a.reportedCostNano ?? 0n), 0n);
    const stored = await db.$queryRaw<{ total: string; n: bigint; pending: bigint }[]>`
      SELECT COALESCE(SUM("costNano"), 0)::text AS total, COUNT(*) AS n, COUNT(*) FILTER (WHERE "costNano" IS NULL) AS pending
      FROM "Usage" WHERE "userId" = ${user.id}`;
    expect(Number(stored[0]!.n)).toBe(100);
    expect(Number(stored[0]!.pending)).toBe(0);
    expect(truth).toBeGreaterThan(0n);
    expect(BigInt(stored[0]!.total)).toBe(truth);
    expect(reported).toBe(truth);
  });

  it("stopped and broken streams are settled from /generation to their true cost; replaying changes nothing", { timeout: 60_000 }, async () => {
    const user = await newUser();
    const stopped = await mod.generateAnswer({
      userId: user.id,
      conversationId: null,
      model: "openai/gpt-4o",
      text: "Write at length [[sb:long rate=400]]",
      abortAfterMs: 400,
    });
    const midstream = await mod.generateAnswer({
      userId: user.id,
      conversationId: null,
      model: "anthropic/claude-sonnet-4.5",
      text: "Break please [[sb:midstream-error after=12]]",
    });
    const dropped = await mod.generateAnswer({
      userId: user.id,
      conversationId: null,
      model: "google/gemini-2.5-pro",
      text: "Drop please [[sb:drop after=9]]",
    });
    expect(stopped.reportedCostNano).toBeNull();
    expect(midstream.reportedCostNano).toBeNull();
    expect(dropped.reportedCostNano).toBeNull();
    const ids = [...stopped.generationIds, ...midstream.generationIds, ...dropped.generationIds];
    expect(ids).toHaveLength(3);
    await waitDone(ids);

    const before = await db.usage.findMany({ where: { generationId: { in: ids } } });
    expect(before.every((r) => r.costNano === null && r.nextSettleAt !== null)).toBe(true);

    const settled = await settleAll();
    expect(settled.sort()).toEqual([...ids].sort());
    const after = await db.usage.findMany({ where: { generationId: { in: ids } } });
    for (const row of after) {
      const truth = upstream.generations.get(row.generationId!)!;
      expect(row.costNano).toBe(truth.costNano);
      expect(row.costNano! > 0n).toBe(true);
      expect(row.promptTokens).toBe(truth.data.tokens_prompt);
      expect(row.completionTokens).toBe(truth.data.tokens_completion);
      expect(row.provider).toBe(truth.data.provider_name);
      expect(row.modelServed).toBe(truth.data.model);
      expect(row.settledAt).not.toBeNull();
      expect(row.nextSettleAt).toBeNull();
    }

    // Replay: nothing is due any more, and forcing the rows due again rewrites nothing.
    expect((await mod.settleDueGenerations({ now: later() })).claimed).toBe(0);
    await db.usage.updateMany({ where: { generationId: { in: ids } }, data: { nextSettleAt: new Date(0) } });
    const replay = await mod.settleDueGenerations({ now: later() });
    expect(replay.settled).toBe(0);
    const again = await db.usage.findMany({ where: { generationId: { in: ids } } });
    expect(again.map((r) => [r.id, r.costNano, r.settledAt?.getTime(), r.settleAttempts])).toEqual(
      after.map((r) => [r.id, r.costNano, r.settledAt?.getTime(), r.settleAttempts]),
    );
  });

  it("two settlement loops at once settle every row exactly once", { timeout: 120_000 }, async () => {
    const user = await newUser();
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        mod.generateAnswer({
          userId: user.id,
          conversationId: null,
          model: "openai/gpt-4o-mini",
          text: `Break ${i} [[sb:midstream-error after=${3 + i}]]`,
        }),
      ),
    );
    const ids = answers.flatMap((a) => a.generationIds);
    expect(ids).toHaveLength(30);
    await waitDone(ids);
    const logBefore = upstream.log.length;

    const loop = async () => {
      const mine: string[] = [];
      for (let i = 0; i < 50; i++) {
        const report = await mod.settleDueGenerations({ limit: 4, now: later() });
        mine.push(...report.settledIds);
        if (report.claimed === 0) break;
      }
      return mine;
    };
    const [a, b] = await Promise.all([loop(), loop()]);
    const all = [...a, ...b];
    expect(new Set(all).size).toBe(all.length);
    expect(all.sort()).toEqual([...ids].sort());
    // Each generation was asked for exactly once across both loops.
    const lookups = upstream.log.slice(logBefore).filter((e) => e.path.includes("/generation"));
    expect(lookups).toHaveLength(30);

    const rows = await db.usage.findMany({ where: { generationId: { in: ids } } });
    let truth = 0n;
    let stored = 0n;
    for (const r of rows) {
      truth += upstream.generations.get(r.generationId!)!.costNano;
      stored += r.costNano!;
      expect(r.settleAttempts).toBe(1);
    }
    expect(stored).toBe(truth);
  });

  it("an unknown generation is retried with exponential backoff, capped at 10 minutes", async () => {
    expect(mod.backoffMs(1)).toBe(2_000);
    expect(mod.backoffMs(3)).toBe(8_000);
    expect(mod.backoffMs(12)).toBe(600_000);
    const user = await newUser();
    await db.usage.create({
      data: { userId: user.id, generationId: "gen-unknown-404", modelRequested: "openai/gpt-4o", nextSettleAt: new Date(0) },
    });
    for (let attempt = 1; attempt <= 3; attempt++) {
      const t0 = Date.now();
      const report = await mod.settleDueGenerations({ now: later() });
      expect(report).toMatchObject({ claimed: 1, settled: 0, retried: 1 });
      const row = await db.usage.findUniqueOrThrow({ where: { generationId: "gen-unknown-404" } });
      expect(row.settleAttempts).toBe(attempt);
      expect(row.costNano).toBeNull();
      const wait = row.nextSettleAt!.getTime() - t0;
      expect(wait).toBeGreaterThanOrEqual(2 ** attempt * 1000 - 50);
      expect(wait).toBeLessThan(2 ** attempt * 1000 + 2_000);
    }
    // Not due yet (as of now): untouched.
    expect((await mod.settleDueGenerations()).claimed).toBe(0);
  });
});
