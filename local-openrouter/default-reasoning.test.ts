/**
 * `reasoning.default_enabled` (tests/fixtures/openrouter-recorded/README.md point 20): a model listed with it
 * (models-listing-subset-tiered-alias-router.json, anthropic/claude-opus-5) reasons and bills reasoning when
 * the request says nothing about reasoning; `reasoning.enabled: false` or effort `none` turns it off. The
 * reasoning counts against `max_tokens` and is billed as completion tokens, so a request's worst case —
 * what the app reserves: prompt plus `max_tokens` at the dearer output price — still bounds the charge.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getModel } from "./catalog";
import { priceToNano, usdToNano } from "./cost";
import { type LocalOpenRouter, startLocalOpenRouter } from "./server";

const KEY = "sk-or-v1-default-reasoning-test-0123456789";
const OPUS = "anthropic/claude-opus-5";
let s: LocalOpenRouter;

beforeAll(async () => {
  s = await startLocalOpenRouter({ apiKey: KEY, tokensPerSecond: 0, generationDelayMs: 0 });
});
afterAll(() => s.close());

type Completion = {
  provider: string;
  choices: { finish_reason: string; message: { content: string; reasoning: string | null } }[];
  usage: { prompt_tokens: number; completion_tokens: number; cost: number; completion_tokens_details: { reasoning_tokens: number } };
};

async function ask(extra: Record<string, unknown>): Promise<Completion> {
  const r = await fetch(`${s.baseURL}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${KEY}` },
    body: JSON.stringify({ messages: [{ role: "user", content: "What is a prime number?" }], max_tokens: 400, ...extra }),
  });
  expect(r.status).toBe(200);
  return (await r.json()) as Completion;
}

/** The reservation's arithmetic: prompt at the prompt price, `max_tokens` at the dearer output price. */
function worstCaseNano(model: string, provider: string, promptTokens: number, maxTokens: number): bigint {
  const p = getModel(model)!.endpoints.find((e) => e.providerName === provider)!.pricing;
  const completion = priceToNano(p.completion);
  const reasoning = p.internal_reasoning ? priceToNano(p.internal_reasoning) : 0n;
  return priceToNano(p.prompt) * BigInt(promptTokens) + (reasoning > completion ? reasoning : completion) * BigInt(maxTokens);
}

describe("reasoning.default_enabled", () => {
  it("the catalog lists it for claude-opus-5 and not for claude-sonnet-4.6", () => {
    expect(getModel(OPUS)!.reasoning?.default_enabled).toBe(true);
    expect(getModel("anthropic/claude-sonnet-4.6")!.reasoning?.default_enabled).toBeUndefined();
  });

  it("a default-enabled model reasons, and bills it as completion, unasked", async () => {
    const a = await ask({ model: OPUS });
    const reasoningTokens = a.usage.completion_tokens_details.reasoning_tokens;
    expect(reasoningTokens).toBeGreaterThan(0);
    expect(a.choices[0].message.reasoning).toBeTruthy();
    expect(a.usage.completion_tokens).toBeGreaterThan(reasoningTokens);
    const p = getModel(OPUS)!.endpoints.find((e) => e.providerName === a.provider)!.pricing;
    // claude-opus-5 has no internal_reasoning price: its reasoning is billed at the completion price.
    expect(p.internal_reasoning).toBeUndefined();
    const expected = priceToNano(p.prompt) * BigInt(a.usage.prompt_tokens) + priceToNano(p.completion) * BigInt(a.usage.completion_tokens);
    expect(usdToNano(a.usage.cost)).toBe(expected);
  });

  it("reasoning.enabled false or effort none turns it off", async () => {
    for (const extra of [{ reasoning: { enabled: false } }, { reasoning: { effort: "none" } }, { reasoning_effort: "none" }]) {
      const a = await ask({ model: OPUS, ...extra });
      expect(a.usage.completion_tokens_details.reasoning_tokens, JSON.stringify(extra)).toBe(0);
      expect(a.choices[0].message.reasoning ?? null, JSON.stringify(extra)).toBeNull();
    }
  });

  it("a model without it does not reason unasked", async () => {
    const a = await ask({ model: "anthropic/claude-sonnet-4.6" });
    expect(a.usage.completion_tokens_details.reasoning_tokens).toBe(0);
  });

  it("unasked reasoning counts against max_tokens: the charge stays within the reserved worst case", async () => {
    for (const maxTokens of [10, 40, 400]) {
      const a = await ask({ model: OPUS, max_tokens: maxTokens });
      expect(a.usage.completion_tokens).toBeLessThanOrEqual(maxTokens);
      if (maxTokens === 10) {
        // The unasked reasoning alone fills a small limit.
        expect(a.choices[0].finish_reason).toBe("length");
        expect(a.usage.completion_tokens_details.reasoning_tokens).toBe(maxTokens);
      }
      expect(usdToNano(a.usage.cost)).toBeLessThanOrEqual(worstCaseNano(OPUS, a.provider, a.usage.prompt_tokens, maxTokens));
    }
  });
});
