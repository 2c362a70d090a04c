import { beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/auth";
import { expectedCostNano, type LocalOpenRouter } from "@/local-openrouter";
import type { PromptLike } from "@/local-openrouter/tokenizer";
import { answerTurn, textTurn } from "@/tests/helpers/answer-turn";
import { useLocalOpenRouter } from "@/tests/helpers/upstream";
import { makeUser } from "@/tests/helpers/users";

// Usage as the real service reports it beyond the plain case, through the whole answer pipeline:
// BYOK (OpenRouter's fee in `cost`, the provider's charge in `cost_details.upstream_inference_cost`,
// tests/fixtures/openrouter-recorded/usage-byok.json) and a usage chunk whose fields are null (the
// spec allows it), settled from /generation — which, as on openrouter.ai, answers 404 for a while
// after the generation ended (generation-404-not-yet-available.message.txt): here 1.5 s — and a stop on
// a provider that cannot cancel, billed for the whole completion.

const GENERATION_DELAY_MS = 1_500;

let upstream: LocalOpenRouter;
beforeAll(async () => {
  upstream = await useLocalOpenRouter({ generationDelayMs: GENERATION_DELAY_MS });
});

/** Sends `text` and reads the answer to its end, or stops it (the Stop button) after `stopAfterDeltas` text deltas. */
async function ask(user: SessionUser, text: string, options: { model?: string; stopAfterDeltas?: number } = {}) {
  const { stopStream } = await import("./streams");
  let deltas = 0;
  const { assistantMessageId, answer } = await answerTurn(user, textTurn(text, { model: options.model ?? "openai/gpt-4o-mini" }), (chunk, id) => {
    if (chunk.type === "text-delta" && ++deltas === options.stopAfterDeltas) expect(stopStream(id, user.id)).toBe(true);
  });
  const { getDb } = await import("@/lib/db");
  const usage = await (await getDb()).usage.findMany({ where: { userId: user.id, messageId: assistantMessageId } });
  expect(usage).toHaveLength(1);
  const request = upstream.log.find((e) => e.generationId === usage[0].generationId)!.body as PromptLike;
  return { answer, usage: usage[0], record: upstream.generations.get(usage[0].generationId!)!, request };
}

async function usageRow(id: string) {
  const { getDb } = await import("@/lib/db");
  return (await getDb()).usage.findUniqueOrThrow({ where: { id } });
}

const anHourLater = () => new Date(Date.now() + 3_600_000);

describe("usage variants of the real service", () => {
  it("a BYOK answer is stored at OpenRouter's fee plus the provider's charge, and /generation agrees", async () => {
    const user = await makeUser();
    const { answer, usage, record } = await ask(user, "Hello [[sb:text tokens=30 byok=5]]");
    expect(answer.status).toBe("complete");
    expect(record.data.is_byok).toBe(true);
    // OpenRouter charged its 5 % fee; the provider charged the user's own key the inference.
    expect(record.upstreamNano).toBeGreaterThan(0n);
    expect(record.costNano).toBe((record.upstreamNano * 5n) / 100n);
    expect(usage.isByok).toBe(true);
    expect(usage.upstreamCostNano).toBe(record.upstreamNano);
    expect(usage.costNano).toBe(record.costNano + record.upstreamNano);
    expect((answer.metadata as { costNano: string }).costNano).toBe(usage.costNano!.toString());

    // /generation: 404 at first, then the same user cost (lib/openrouter/generation.ts).
    const { fetchGeneration } = await import("@/lib/openrouter/generation");
    const early = await fetchGeneration(usage.generationId!);
    expect(early).toMatchObject({ found: false, retryable: true, reason: "HTTP 404" });
    await new Promise((r) => setTimeout(r, GENERATION_DELAY_MS));
    const late = await fetchGeneration(usage.generationId!);
    expect(late.found && late.record.costNano).toBe(usage.costNano);
    expect(late.found && late.record.isByok).toBe(true);
  });

  it("usage with null cost, reasoning tokens and prompt details: the answer is complete, its cost settled from /generation", async () => {
    const user = await makeUser();
    const { answer, usage, record } = await ask(user, "Hello [[sb:text tokens=30 usage=null]]");
    expect(answer.status).toBe("complete");
    expect((answer.metadata as { costPending?: boolean }).costPending).toBe(true);
    expect(usage.costNano).toBeNull();
    expect(usage.nextSettleAt).not.toBeNull();

    // The first attempt finds no record yet (404) and is rescheduled, not lost.
    const { settleDueGenerations } = await import("@/lib/spend/settlement");
    const first = await settleDueGenerations({ now: anHourLater() });
    expect(first).toMatchObject({ claimed: 1, settled: 0, retried: 1 });
    const retried = await usageRow(usage.id);
    expect(retried.costNano).toBeNull();
    expect(retried.settleAttempts).toBe(1);
    expect(retried.nextSettleAt!.getTime()).toBeGreaterThan(Date.now());

    await new Promise((r) => setTimeout(r, GENERATION_DELAY_MS));
    const second = await settleDueGenerations({ now: anHourLater() });
    expect(second.settledIds).toEqual([usage.generationId]);
    const settled = await usageRow(usage.id);
    expect(record.costNano).toBeGreaterThan(0n);
    expect(settled.costNano).toBe(record.costNano);
    expect(settled.completionTokens).toBe(record.data.tokens_completion);
  });

  it("a stopped answer on a provider that cannot cancel is settled at the whole completion it was billed", async () => {
    const user = await makeUser();
    // google/gemini-2.5-flash is served by Google AI Studio, which bills on after a disconnect.
    const { answer, usage, record, request } = await ask(user, "Go on [[sb:text tokens=300 rate=100]]", {
      model: "google/gemini-2.5-flash",
      stopAfterDeltas: 5,
    });
    expect(answer.status).toBe("partial");
    expect(usage.costNano).toBeNull();
    expect(record.data).toMatchObject({ cancelled: true, provider_name: "Google AI Studio", tokens_completion: 300 });
    const whole = expectedCostNano(request, { modelId: "google/gemini-2.5-flash", provider: "Google AI Studio", completionTokens: 300 });
    expect(record.costNano).toBe(whole.totalNano);

    const { settleDueGenerations } = await import("@/lib/spend/settlement");
    await new Promise((r) => setTimeout(r, GENERATION_DELAY_MS));
    expect((await settleDueGenerations({ now: anHourLater() })).settledIds).toEqual([usage.generationId]);
    expect((await usageRow(usage.id)).costNano).toBe(whole.totalNano);
  });
});
