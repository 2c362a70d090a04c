import { describe, expect, it, vi } from "vitest";
import { beforeAll } from "vitest";
import type { LocalOpenRouter } from "@/local-openrouter";
import { answerTurn, textTurn } from "@/tests/helpers/answer-turn";
import { useLocalOpenRouter } from "@/tests/helpers/upstream";
import { makeUser } from "@/tests/helpers/users";

// Disabling an account, as the admin route does it (lib/spend/service.ts adminUpdateUser, then
// stopAllAnswersOfUser), against a real database and the local OpenRouter over HTTP.

let upstream: LocalOpenRouter;
beforeAll(async () => {
  upstream = await useLocalOpenRouter();
});

const MODEL = "openai/gpt-4o-mini";

describe("disabling a user", () => {
  it("stops their answer in flight at once, keeps it as partial and bills what it cost; others' answers go on", async () => {
    const { adminUpdateUser } = await import("@/lib/spend/service");
    const { stopAllAnswersOfUser } = await import("./stop-user");
    const { settleDueGenerations } = await import("@/lib/spend/settlement");
    const { getDb } = await import("@/lib/db");
    const admin = await makeUser("admin");
    const user = await makeUser("disabled");
    const bystander = await makeUser("bystander");

    // 2,000 tokens at 50 a second: about 40 s if nothing stops it.
    let disabling: Promise<number> | undefined;
    let disabledAt = 0;
    const slow = answerTurn(user, textTurn("Write at length [[sb:text tokens=2000 rate=50]]", { model: MODEL }), (chunk) => {
      if (chunk.type !== "text-delta" || disabling) return;
      disabledAt = Date.now();
      disabling = adminUpdateUser(admin.id, user.id, { disabled: true }).then(() => stopAllAnswersOfUser(user.id));
    });
    const other = answerTurn(bystander, textTurn("Meanwhile [[sb:text tokens=150 rate=50]]", { model: MODEL }));

    const stopped = await slow;
    const endedAt = Date.now();
    expect(await disabling).toBe(1);
    // Timed on purpose: the stop is the point. Left alone the answer would run some 40 s.
    expect(endedAt - disabledAt).toBeLessThan(10_000);
    expect(stopped.answer.status).toBe("partial");
    expect((await other).answer.status).toBe("complete");

    // Billed, not lost: its generation is metered, the upstream saw the connection closed, and
    // settlement records the cost the upstream charged for what it sent.
    const db = await getDb();
    const [usage] = await db.usage.findMany({ where: { userId: user.id } });
    expect(usage?.generationId).toEqual(expect.any(String));
    expect(usage!.messageId).toBe(stopped.assistantMessageId);
    await vi.waitFor(() => expect(upstream.log.find((e) => e.generationId === usage!.generationId)?.closedByClient).toBe(true), { timeout: 10_000 });
    await vi.waitFor(() => expect(upstream.generations.get(usage!.generationId!)?.state).toBe("done"), { timeout: 10_000 });
    const later = new Date(Date.now() + 60 * 60_000);
    while ((await settleDueGenerations({ limit: 100, now: later })).claimed > 0);
    const settled = await db.usage.findUniqueOrThrow({ where: { id: usage!.id } });
    expect(settled.costNano).toBe(upstream.generations.get(usage!.generationId!)!.costNano);
    expect(settled.costNano! > 0n).toBe(true);
  });
});
