// A reservation lives RESERVATION_TTL_MS, but an answer can run longer (its timeouts bound silence,
// not length): while it runs its reservation is renewed, so the money it may still spend keeps
// counting against the limit; once it has ended, renewal stops. Real database (PGlite, and
// PostgreSQL with TEST_DATABASE_URL), real chat route and local OpenRouter; only the session and
// the renewal's interval timer (advanced by hand, not waited for) are stood in for.
import { generateId } from "ai";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { getDb } from "@/lib/db";
import { RESERVATION_RENEW_MS, RESERVATION_TTL_MS, renewReservations, reserveBudget, reservedNano } from "@/lib/spend/budget";
import { postChatMessage, readUIChunks, sessionMock, signInAs, waitUntilIdle } from "@/tests/helpers/routes";
import { useLocalOpenRouter } from "@/tests/helpers/upstream";
import { makeUser } from "@/tests/helpers/users";

vi.mock("@/lib/auth", () => sessionMock());

const BUDGET = 5_000_000_000n; // 5 USD

beforeAll(async () => {
  await useLocalOpenRouter();
});

afterEach(() => {
  vi.useRealTimers();
});

async function userWithBudget(prefix: string) {
  const user = await makeUser(prefix);
  await (await getDb()).user.update({ where: { id: user.id }, data: { monthlyBudgetNano: BUDGET } });
  return user;
}

async function reservationsOf(userId: string) {
  return (await getDb()).reservation.findMany({ where: { userId }, select: { id: true, expiresAt: true, amountNano: true } });
}

async function reservation(id: string) {
  return (await getDb()).reservation.findUnique({ where: { id }, select: { id: true, expiresAt: true } });
}

describe("reservation renewal", () => {
  it("a renewed reservation still counts after its first TTL; an unrenewed one does not; a released one stays released", async () => {
    const user = await userWithBudget("renew");
    const db = await getDb();
    const { reservationId } = await reserveBudget(user.id, 1_000_000n);
    expect(reservationId).not.toBeNull();
    const made = Date.now();
    const later = (ms: number) => new Date(made + ms);

    // Past its TTL, not renewed: it no longer counts (an answer still running would overspend).
    expect(await reservedNano(db, user.id, later(RESERVATION_TTL_MS + 60_000))).toBe(0n);

    // Renewed twice while the answer runs: it counts well past the first TTL.
    await renewReservations([reservationId!], later(RESERVATION_RENEW_MS));
    await renewReservations([reservationId!], later(2 * RESERVATION_RENEW_MS));
    expect(await reservedNano(db, user.id, later(RESERVATION_TTL_MS + 60_000))).toBe(1_000_000n);
    expect(await reservedNano(db, user.id, later(2 * RESERVATION_RENEW_MS + RESERVATION_TTL_MS - 1000))).toBe(1_000_000n);
    expect(await reservedNano(db, user.id, later(2 * RESERVATION_RENEW_MS + RESERVATION_TTL_MS + 1000))).toBe(0n);

    await db.reservation.deleteMany({ where: { id: reservationId! } });
    await renewReservations([reservationId!], later(3 * RESERVATION_RENEW_MS));
    expect(await reservationsOf(user.id)).toEqual([]);
  });

  it("a chat answer renews its reservation while it streams and stops once it has ended", async () => {
    const user = await userWithBudget("renew-chat");
    signInAs(user);
    // Only intervals are faked: the renewal's, advanced below. Timeouts (the slow first token,
    // the stall watchdog) and the clock stay real.
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    const conversationId = generateId();
    const response = await postChatMessage(conversationId, 'a slow answer [[sb:say text="at last" first=1500]]');
    expect(response.status).toBe(200);

    // The answer's reservation (a title's comes later, once the answer has output).
    const [held, ...others] = await reservationsOf(user.id);
    expect(held).toBeDefined();
    expect(others).toEqual([]);
    const firstExpiry = held.expiresAt.getTime();
    // The renewal is due: the answer is still waiting for its first token, so it renews.
    vi.advanceTimersByTime(RESERVATION_RENEW_MS);
    await vi.waitFor(
      async () => {
        expect((await reservation(held.id))?.expiresAt.getTime()).toBeGreaterThan(firstExpiry);
      },
      { timeout: 5000, interval: 50 },
    );

    await readUIChunks(response);
    expect(await waitUntilIdle(conversationId)).toBe(true);
    // Freed with the answer's cost, or kept (renewed no more) while the cost is pending.
    const after = await reservation(held.id);
    // Ended: the next due check finds the answer over and stops renewing (and removes its timer).
    vi.advanceTimersByTime(RESERVATION_RENEW_MS);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await reservation(held.id)).toEqual(after);
    expect(vi.getTimerCount()).toBe(0);
  });
});
