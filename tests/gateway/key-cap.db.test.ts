// A personal key's monthly cap is held like the user's budget, in the same locked transaction:
// the key's spend this UTC month (its Usage rows) plus its live reservations may not pass the cap,
// whatever the user's own limit, and concurrent calls never overshoot it together.
import { beforeAll, describe, expect, it } from "vitest";
import { generateApiKeySecret } from "@/lib/api-keys/secret";
import { getDb } from "@/lib/db";
import { createUser } from "@/lib/db/users";
import { AppError } from "@/lib/errors";
import { releaseReservation, reserveBudget } from "@/lib/spend/budget";
import { monthStartUtc } from "@/lib/spend/period";

beforeAll(async () => {
  await getDb();
});

let n = 0;
async function userWithKey(budgetNano: bigint | null, capNano: bigint | null) {
  const db = await getDb();
  const user = await createUser({ email: `keycap${n++}-${Date.now()}@example.com`, name: "K", passwordHash: "x", role: "user" });
  await db.user.update({ where: { id: user.id }, data: { monthlyBudgetNano: budgetNano } });
  const secret = generateApiKeySecret();
  const key = await db.apiKey.create({ data: { userId: user.id, name: "k", prefix: secret.prefix, hash: secret.hash, monthlyCapNano: capNano } });
  return { userId: user.id, apiKey: { id: key.id, monthlyCapNano: capNano } };
}

async function spend(userId: string, apiKeyId: string | null, costNano: bigint, createdAt: Date) {
  const db = await getDb();
  await db.usage.create({
    data: { userId, apiKeyId, kind: apiKeyId ? "api" : "chat", modelRequested: "m", costNano, createdAt, settledAt: createdAt },
  });
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe("reservations against a key's monthly cap", () => {
  it("hold against the cap alone when the user has no limit, carrying the key", async () => {
    const { userId, apiKey } = await userWithKey(null, 1000n);
    const { reservationId } = await reserveBudget(userId, 600n, { apiKey });
    expect(reservationId).not.toBeNull();
    const row = await (await getDb()).reservation.findUnique({ where: { id: reservationId! } });
    expect(row).toMatchObject({ userId, apiKeyId: apiKey.id, amountNano: 600n });
    // 600 held + 500 > 1000: refused as the key's cap, nothing more held.
    const error = await refusal(reserveBudget(userId, 500n, { apiKey }));
    expect(error.code).toBe("budget_exceeded:api_key");
    expect(error.status).toBe(402);
    expect(error.details).toMatchObject({ capNano: "1000", reservedNano: "600", amountNano: "500" });
    await releaseReservation(reservationId);
    expect((await reserveBudget(userId, 1000n, { apiKey })).reservationId).not.toBeNull();
  });

  it("count the key's spend of this UTC month only, not the user's chat nor last month's", async () => {
    const { userId, apiKey } = await userWithKey(null, 1000n);
    const now = new Date();
    await spend(userId, apiKey.id, 700n, now);
    await spend(userId, null, 5000n, now);
    await spend(userId, apiKey.id, 900n, new Date(monthStartUtc(now).getTime() - 60_000));
    expect((await reserveBudget(userId, 300n, { apiKey })).reservationId).not.toBeNull();
    const error = await refusal(reserveBudget(userId, 1n, { apiKey }));
    expect(error.details).toMatchObject({ spentNano: "700", reservedNano: "300" });
  });

  it("refuse as the user's budget when that is what cannot take it", async () => {
    const { userId, apiKey } = await userWithKey(500n, 10_000n);
    const error = await refusal(reserveBudget(userId, 600n, { apiKey }));
    expect(error.code).toBe("budget_exceeded:spend");
    expect(await (await getDb()).reservation.count({ where: { userId } })).toBe(0);
  });

  it("never overshoot the cap together: 30 concurrent calls against a cap that fits 10", async () => {
    const { userId, apiKey } = await userWithKey(null, 1000n);
    const results = await Promise.allSettled(Array.from({ length: 30 }, () => reserveBudget(userId, 100n, { apiKey })));
    const held = results.filter((r) => r.status === "fulfilled");
    expect(held).toHaveLength(10);
    for (const r of results) if (r.status === "rejected") expect((r.reason as AppError).code).toBe("budget_exceeded:api_key");
    const total = await (await getDb()).reservation.aggregate({ where: { apiKeyId: apiKey.id }, _sum: { amountNano: true } });
    expect(total._sum.amountNano).toBe(1000n);
  });

  it("hold nothing without a cap or a limit", async () => {
    const { userId, apiKey } = await userWithKey(null, null);
    expect(await reserveBudget(userId, 10n ** 12n, { apiKey })).toEqual({ reservationId: null });
  });
});
