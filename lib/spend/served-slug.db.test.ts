import { beforeAll, describe, expect, it } from "vitest";
import type { LocalOpenRouter } from "@/local-openrouter";
import { answerTurn, textTurn } from "@/tests/helpers/answer-turn";
import { useLocalOpenRouter } from "@/tests/helpers/upstream";
import { makeUser } from "@/tests/helpers/users";

// OpenRouter may name the model that answered by its dated slug: requested anthropic/claude-sonnet-4.6,
// served "anthropic/claude-4.6-sonnet-20260217" (tests/fixtures/openrouter-recorded/
// stream-usage-empty-choices-dated-slug-claude-sonnet-4.6-bedrock.sse), and /generation does the same
// (generation-data-claude-3.7-sonnet.partial.txt). The local OpenRouter does so for these models; the app
// stores the catalog id the slug stands for, so the spend page and the history keep one model one row.

const SONNET = "anthropic/claude-sonnet-4.6";
const DATED = "anthropic/claude-4.6-sonnet-20260217";

let upstream: LocalOpenRouter;
beforeAll(async () => {
  upstream = await useLocalOpenRouter();
});

async function waitDone(ids: string[]): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (ids.some((id) => upstream.generations.get(id)?.state !== "done")) {
    if (Date.now() > deadline) throw new Error("generations did not finish");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("a model served under its dated slug", () => {
  it("is one spend row under its catalog id, whether its cost came from the stream or from /generation", async () => {
    const { generateAnswer } = await import("./test-support");
    const { settleDueGenerations } = await import("./settlement");
    const { spendByModel } = await import("./aggregates");
    const { getDb } = await import("@/lib/db");
    const db = await getDb();
    const user = await makeUser("dated");
    // As in the app, where a chat request checks its model against the catalog before answering.
    await (await import("@/lib/openrouter/catalog")).getCatalog();

    const streamed = await Promise.all(
      [1, 2].map((i) => generateAnswer({ userId: user.id, conversationId: null, model: SONNET, text: `Question ${i} [[sb:text tokens=5]]` })),
    );
    const dropped = await generateAnswer({ userId: user.id, conversationId: null, model: SONNET, text: "Break [[sb:drop after=3]]" });
    const other = await generateAnswer({
      userId: user.id,
      conversationId: null,
      model: "anthropic/claude-sonnet-4.5",
      text: "Hi [[sb:text tokens=3]]",
    });
    const ids = [...streamed, dropped, other].flatMap((a) => a.generationIds);
    expect(ids).toHaveLength(4);
    await waitDone(ids);
    // The upstream did name the dated slug, on the wire and in /generation.
    for (const id of [...streamed, dropped].flatMap((a) => a.generationIds)) expect(upstream.generations.get(id)!.data.model).toBe(DATED);
    expect(dropped.reportedCostNano).toBeNull();

    // The dropped stream is settled from /generation, which names the dated slug as well.
    const later = new Date(Date.now() + 60 * 60_000);
    while ((await settleDueGenerations({ limit: 100, now: later })).claimed > 0);

    const rows = await db.usage.findMany({ where: { userId: user.id }, orderBy: { createdAt: "asc" } });
    expect(rows).toHaveLength(4);
    expect(rows.every((r) => r.costNano !== null)).toBe(true);
    expect(rows.filter((r) => r.modelServed === SONNET)).toHaveLength(3);
    expect(rows.some((r) => r.modelServed === DATED)).toBe(false);

    const byModel = await spendByModel({ userId: user.id });
    expect(byModel.map((r) => [r.model, r.generations])).toEqual(
      expect.arrayContaining([
        [SONNET, 3],
        ["anthropic/claude-sonnet-4.5", 1],
      ]),
    );
    expect(byModel).toHaveLength(2);
    const truth = [...streamed, dropped].flatMap((a) => a.generationIds).reduce((sum, id) => sum + upstream.generations.get(id)!.costNano, 0n);
    expect(byModel.find((r) => r.model === SONNET)!.costNano).toBe(truth);
  });

  it("rows stored under the dated slug before (by an older version) join their model's row on the spend page", async () => {
    const { spendByModel } = await import("./aggregates");
    const { getCatalog } = await import("@/lib/openrouter/catalog");
    const { getDb } = await import("@/lib/db");
    const db = await getDb();
    await getCatalog();
    const user = await makeUser("legacy");
    const row = (generationId: string, modelServed: string, costNano: bigint) => ({
      userId: user.id,
      generationId,
      modelRequested: SONNET,
      modelServed,
      provider: "Amazon Bedrock",
      promptTokens: 10,
      completionTokens: 5,
      costNano,
      settledAt: new Date(),
    });
    await db.usage.create({ data: row(`gen-legacy-${user.id}-1`, DATED, 1_000n) });
    await db.usage.create({ data: row(`gen-legacy-${user.id}-2`, SONNET, 2_000n) });
    const byModel = await spendByModel({ userId: user.id });
    expect(byModel).toEqual([
      {
        model: SONNET,
        costNano: 3_000n,
        generations: 2,
        pendingCount: 0,
        promptTokens: 20,
        completionTokens: 10,
        cachedTokens: 0,
        reasoningTokens: 0,
      },
    ]);
  });

  it("an answer's footer and history name the catalog model, not the slug", async () => {
    const user = await makeUser("footer");
    const { answer } = await answerTurn(user, textTurn("Hello [[sb:text tokens=4]]", { model: SONNET }));
    expect(answer.metadata).toMatchObject({ model: SONNET, modelServed: SONNET, status: "complete" });
  });
});
