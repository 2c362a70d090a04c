/**
 * Usage and billing as the real service reports them beyond the plain case, over raw HTTP: BYOK
 * (tests/fixtures/openrouter-recorded/usage-byok.json), a usage chunk with null fields (the spec's),
 * `/generation` answering 404 for a while by default (generation-404-not-yet-available.message.txt),
 * and providers that bill the whole completion after a cancel.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getModel } from "./catalog";
import { usdToNano } from "./cost";
import { type LocalOpenRouter, startLocalOpenRouter } from "./server";
import { loadSpecValidator } from "./spec-validator";
import { assertChatResponseMatchesSpec, getJson, parseStream, rawRequest, waitForGeneration } from "./test-utils";
import { readRecorded } from "@/tests/helpers/recorded";

const KEY = "sk-or-v1-usage-test-key-0123456789abc";
const v = loadSpecValidator();
let s: LocalOpenRouter;

beforeAll(async () => {
  s = await startLocalOpenRouter({ apiKey: KEY, tokensPerSecond: 0, generationDelayMs: 0 });
});
afterAll(() => s.close());

type Chunk = { choices: { delta: { content?: string | null } }[]; usage?: Record<string, unknown> };

async function post(body: Record<string, unknown>): Promise<{ chunks: Chunk[]; generationId: string | null }> {
  const r = await rawRequest(`${s.baseURL}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${KEY}` },
    body: JSON.stringify(body),
  });
  assertChatResponseMatchesSpec(v, r);
  return { chunks: parseStream(r.raw).chunks as unknown as Chunk[], generationId: r.headers.get("x-generation-id") };
}

const keys = (d: object) => Object.keys(d).sort();
const ask = (model: string, content: string, extra: Record<string, unknown> = {}) => ({ model, messages: [{ role: "user", content }], ...extra });

describe("usage variants", () => {
  it("BYOK (byok=0): cost 0, is_byok, the provider's charge and its split in cost_details, as usage-byok.json; /generation agrees", async () => {
    const { chunks, generationId } = await post(ask("openai/gpt-4o-mini", "Hi [[sb:text tokens=20 byok=0]]", { stream: true }));
    const usage = chunks.find((c) => c.usage)!.usage!;
    const recorded = JSON.parse(readRecorded("usage-byok.json")) as Record<string, Record<string, unknown>>;
    expect(usage.cost).toBe(0);
    expect(usage.is_byok).toBe(true);
    expect(keys(usage.cost_details as object)).toEqual(keys(recorded.cost_details));
    const details = usage.cost_details as Record<string, number>;
    expect(details.upstream_inference_cost).toBeGreaterThan(0);
    expect(usdToNano(details.upstream_inference_prompt_cost) + usdToNano(details.upstream_inference_completions_cost)).toBe(
      usdToNano(details.upstream_inference_cost),
    );
    const g = await waitForGeneration(s.baseURL, KEY, generationId!);
    expect(g).toMatchObject({ is_byok: true, total_cost: 0, upstream_inference_cost: details.upstream_inference_cost });
  });

  it("usage=null: cost, reasoning_tokens and prompt_tokens_details null; /generation has the true cost", async () => {
    const { chunks, generationId } = await post(ask("openai/gpt-4o-mini", "Hi [[sb:text tokens=20 usage=null]]", { stream: true }));
    const usage = chunks.find((c) => c.usage)!.usage!;
    expect(usage).toMatchObject({ cost: null, prompt_tokens_details: null, completion_tokens_details: { reasoning_tokens: null } });
    const g = await waitForGeneration(s.baseURL, KEY, generationId!);
    expect(usdToNano(g.total_cost)).toBe(s.generations.get(generationId!)!.costNano);
    expect(g.total_cost).toBeGreaterThan(0);
  });

  it("/generation answers 404 for a while after a generation ended, by default", async () => {
    const fresh = await startLocalOpenRouter({ apiKey: KEY, tokensPerSecond: 0 });
    try {
      const r = await rawRequest(`${fresh.baseURL}/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${KEY}` },
        body: JSON.stringify(ask("openai/gpt-4o-mini", "Hi [[sb:text tokens=3]]")),
      });
      const id = r.headers.get("x-generation-id")!;
      expect((await getJson(`${fresh.baseURL}/generation?id=${id}`, KEY)).status).toBe(404);
      expect((await waitForGeneration(fresh.baseURL, KEY, id)).id).toBe(id);
    } finally {
      await fresh.close();
    }
  });
});

describe("cancellation billing", () => {
  /** Streams 200 tokens at 100/s and goes away after 5 text chunks; returns the generation's record. */
  async function cancelAfterFive(model: string) {
    const ac = new AbortController();
    let gid = "";
    await rawRequest(
      `${s.baseURL}/chat/completions`,
      {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${KEY}` },
        body: JSON.stringify(ask(model, "[[sb:text tokens=200 rate=100]]", { stream: true })),
        signal: ac.signal,
      },
      (_piece, soFar) => {
        const chunks = parseStream(soFar).chunks as unknown as (Chunk & { id: string })[];
        gid ||= chunks[0]?.id ?? "";
        if (chunks.filter((c) => c.choices[0]?.delta.content).length >= 5) ac.abort();
      },
    );
    return waitForGeneration(s.baseURL, KEY, gid);
  }

  it("a provider that cannot cancel (Google AI Studio) bills the whole completion; one that can (OpenAI) what was sent", async () => {
    expect(getModel("google/gemini-2.5-flash")!.endpoints[0].providerName).toBe("Google AI Studio");
    const google = await cancelAfterFive("google/gemini-2.5-flash");
    expect(google).toMatchObject({ cancelled: true, provider_name: "Google AI Studio", tokens_completion: 200 });
    const openai = await cancelAfterFive("openai/gpt-4o-mini");
    expect(openai.cancelled).toBe(true);
    expect(openai.tokens_completion).toBeLessThan(200);
  });
});
