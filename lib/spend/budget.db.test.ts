import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { createUser } from "@/lib/db/users";
import { AppError } from "@/lib/errors";
import type { ModelSummary } from "@/lib/openrouter/types";
import { estimatePromptTokens, releaseReservation, reserveBudget, RESERVATION_TTL_MS, worstCaseCostNano } from "./budget";
import { forgetSpendSettingsCache, setDefaultMonthlyBudget } from "./settings";
import { monthStartUtc, nextMonthStartUtc } from "./period";

// Opening the database (a copy of the migrated template) is the slow part: do it in a hook.
beforeAll(async () => {
  await getDb();
});

let n = 0;
async function user(budget: bigint | null, personal: bigint | null = null) {
  const u = await createUser({ email: `budget${n++}@example.com`, name: "B", passwordHash: "x", role: "user" });
  await (
    await getDb()
  ).user.update({
    where: { id: u.id },
    data: { monthlyBudgetNano: budget, personalLimitNano: personal },
  });
  return u;
}

const model: ModelSummary = {
  id: "test/model",
  name: "Test",
  provider: "test",
  description: "",
  contextLength: 100_000,
  pricing: { prompt: "0.000003", completion: "0.000015" },
  inputModalities: ["text"],
  outputModalities: ["text"],
  supportsTools: false,
  supportsReasoning: false,
  isFree: false,
  maxCompletionTokens: null,
};

describe("estimates", () => {
  it("over-estimates prompt tokens and prices the worst case exactly", () => {
    expect(estimatePromptTokens(["abcdef", "a"])).toBe(2 + 8 + 1 + 8);
    // 1000 × 3000 nano + 100 × 15000 nano
    expect(worstCaseCostNano(model, 1000, 100)).toBe(3_000_000n + 1_500_000n);
    // unset max_tokens: 4096 × 15000 nano
    expect(worstCaseCostNano(model, 0, null)).toBe(4096n * 15_000n);
    expect(worstCaseCostNano({ ...model, maxCompletionTokens: 1000 }, 0, undefined)).toBe(15_000_000n);
    // sub-nano prices stay exact: 37.5 nano/token × 3 = 112.5 → 113 (rounded up, never down)
    expect(worstCaseCostNano({ ...model, pricing: { prompt: "0.0000000375", completion: "0" } }, 3, 1)).toBe(113n);
    expect(worstCaseCostNano({ ...model, pricing: { prompt: "3.75e-8", completion: "0" } }, 3, 1)).toBe(113n);
  });
});

describe("reserveBudget", () => {
  it("without a limit holds nothing", async () => {
    const u = await user(null);
    expect(await reserveBudget(u.id, 10n ** 15n)).toEqual({ reservationId: null });
    expect(await (await getDb()).reservation.count({ where: { userId: u.id } })).toBe(0);
  });

  it("50 concurrent reservations against a budget that fits 10: at most 10 succeed, the rest say why", { timeout: 60_000 }, async () => {
    const u = await user(1_000_000n);
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => reserveBudget(u.id, 100_000n)));
    const ok = results.filter((r) => r.status === "fulfilled");
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(ok).toHaveLength(10);
    expect(refused).toHaveLength(40);
    for (const r of refused) {
      expect(r.reason).toBeInstanceOf(AppError);
      const error = r.reason as AppError;
      expect(error.code).toBe("budget_exceeded:spend");
      expect(error.status).toBe(402);
      expect(error.details).toMatchObject({ limitNano: "1000000", spentNano: "0", reservedNano: "1000000" });
      expect(error.details?.resetsAt).toBe(nextMonthStartUtc().toISOString());
      expect(error.message).toMatch(/\$0\.0010 monthly limit/);
      expect(error.message).toContain(nextMonthStartUtc().toISOString().slice(0, 10));
    }
    const db = await getDb();
    const held = await db.reservation.aggregate({ where: { userId: u.id }, _sum: { amountNano: true } });
    expect(held._sum.amountNano).toBe(1_000_000n);
  });

  it("counts this month's known spend, ignores last month's and expired reservations, and frees on release", async () => {
    const u = await user(1_000n);
    const db = await getDb();
    await db.usage.create({ data: { userId: u.id, modelRequested: "m", costNano: 600n } });
    await db.usage.create({ data: { userId: u.id, modelRequested: "m", costNano: null } });
    await db.usage.create({
      data: { userId: u.id, modelRequested: "m", costNano: 10_000n, createdAt: new Date(monthStartUtc().getTime() - 1) },
    });
    await db.reservation.create({ data: { userId: u.id, amountNano: 10_000n, expiresAt: new Date(Date.now() - 1000) } });
    const first = await reserveBudget(u.id, 300n);
    expect(first.reservationId).not.toBeNull();
    const row = await db.reservation.findUniqueOrThrow({ where: { id: first.reservationId! } });
    expect(row.expiresAt.getTime() - Date.now()).toBeGreaterThan(RESERVATION_TTL_MS - 10_000);
    await expect(reserveBudget(u.id, 101n)).rejects.toMatchObject({ code: "budget_exceeded:spend" });
    expect(await reserveBudget(u.id, 100n)).toMatchObject({ reservationId: expect.any(String) });
    await releaseReservation(first.reservationId);
    await releaseReservation(first.reservationId);
    await releaseReservation(null);
    expect(await reserveBudget(u.id, 300n)).toMatchObject({ reservationId: expect.any(String) });
  });

  it("the limit is min(admin budget, personal limit), else the instance default", async () => {
    const personal = await user(1_000n, 100n);
    await expect(reserveBudget(personal.id, 101n)).rejects.toMatchObject({ details: { limitNano: "100" } });
    const defaulted = await user(null);
    await setDefaultMonthlyBudget(50n);
    forgetSpendSettingsCache();
    await expect(reserveBudget(defaulted.id, 51n)).rejects.toMatchObject({ details: { limitNano: "50" } });
    const own = await user(500n);
    expect((await reserveBudget(own.id, 400n)).reservationId).not.toBeNull();
    await setDefaultMonthlyBudget(null);
    expect(await reserveBudget(defaulted.id, 51n)).toEqual({ reservationId: null });
  });
});
