/**
 * `POST /api/v1/embeddings` over real HTTP: bodies checked against OpenRouter's spec (`/embeddings`
 * and `/generation`), exact nano-USD costs from the model's price, the generation record and the
 * key's usage, the documented 400s and the 401, and `@openrouter/ai-sdk-provider`'s embedding model
 * through the AI SDK's `embedMany`.
 */
import { createOpenRouter } from "@openrouter/ai-sdk-provider";
import { embedMany } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeCostNano, nanoToUsd, usdToNano } from "./cost";
import { EMBEDDING_MODELS } from "./embeddings";
import { type LocalOpenRouter, startLocalOpenRouter } from "./server";
import { loadSpecValidator } from "./spec-validator";
import { getJson, waitForGeneration } from "./test-utils";
import { countTokens } from "./tokenizer";

const KEY = "sk-or-v1-local-embeddings-test-key-0123456789";
const MODEL = "openai/text-embedding-3-small";
const v = loadSpecValidator();
let s: LocalOpenRouter;

interface EmbeddingsResponse {
  id: string;
  object: string;
  model: string;
  provider: string;
  data: { object: string; embedding: number[] | string; index: number }[];
  usage: { prompt_tokens: number; total_tokens: number; cost: number; is_byok: boolean; cost_details: Record<string, number> };
}

async function embeddings(body: unknown, init: { key?: string | null; raw?: string; base?: string } = {}) {
  const key = init.key === undefined ? KEY : init.key;
  const res = await fetch(`${init.base ?? s.baseURL}/embeddings`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(key === null ? {} : { authorization: `Bearer ${key}` }) },
    body: init.raw ?? JSON.stringify(body),
  });
  const json: unknown = await res.json();
  return { status: res.status, json };
}

async function ok(body: Record<string, unknown>): Promise<EmbeddingsResponse> {
  const r = await embeddings({ model: MODEL, ...body });
  expect(r.status, JSON.stringify(r.json)).toBe(200);
  v.assertResponse("/embeddings", "post", 200, r.json);
  return r.json as EmbeddingsResponse;
}

function floats(e: number[] | string): number[] {
  if (typeof e !== "string") throw new Error("expected a base64 vector");
  const b = Buffer.from(e, "base64");
  return Array.from({ length: b.length / 4 }, (_, i) => b.readFloatLE(i * 4));
}

function vec(e: number[] | string): number[] {
  if (typeof e === "string") throw new Error("expected a float vector");
  return e;
}

const norm = (x: number[]) => Math.sqrt(x.reduce((n, a) => n + a * a, 0));
const dot = (a: number[], b: number[]) => a.reduce((n, x, i) => n + x * b[i], 0);
const priceNano = (tokens: number) => computeCostNano(EMBEDDING_MODELS.get(MODEL)!.pricing, { promptTokens: tokens, completionTokens: 0 }).totalNano;

beforeAll(async () => {
  s = await startLocalOpenRouter({ apiKey: KEY, generationDelayMs: 0, tokensPerSecond: 0 });
});
afterAll(async () => {
  await s?.close();
});

describe("POST /api/v1/embeddings", () => {
  it("embeds one string into a unit vector of the model's length, billed exactly at its prompt price", async () => {
    const text = "The quick brown fox jumps over the lazy dog";
    const r = await ok({ input: text });
    expect(r.object).toBe("list");
    expect(r.model).toBe(MODEL);
    expect(r.provider).toBe("OpenAI");
    expect(r.id).toMatch(/^gen-\d+-[A-Za-z0-9]{20}$/);
    expect(r.data).toHaveLength(1);
    expect(r.data[0]).toMatchObject({ object: "embedding", index: 0 });
    const e = vec(r.data[0].embedding);
    expect(e).toHaveLength(1536);
    expect(norm(e)).toBeCloseTo(1, 5);
    const tokens = countTokens(text);
    expect(tokens).toBeGreaterThan(0);
    expect(r.usage.prompt_tokens).toBe(tokens);
    expect(r.usage.total_tokens).toBe(tokens);
    // "0.00000002" USD per token = 20 nano-USD.
    expect(priceNano(tokens)).toBe(BigInt(tokens) * 20n);
    expect(usdToNano(r.usage.cost)).toBe(priceNano(tokens));
    expect(r.usage.is_byok).toBe(false);
    expect(usdToNano(r.usage.cost_details.upstream_inference_cost)).toBe(priceNano(tokens));
  });

  it("keeps the order of an array of strings, and the same text always gets the same vector", async () => {
    const r = await ok({ input: ["alpha beta", "gamma", "alpha beta"] });
    expect(r.data.map((d) => d.index)).toEqual([0, 1, 2]);
    const [a, b, c] = r.data.map((d) => vec(d.embedding));
    expect(c).toEqual(a);
    expect(b).not.toEqual(a);
    expect(Math.abs(dot(a, b))).toBeLessThan(0.2);
    const again = await ok({ input: "gamma" });
    expect(vec(again.data[0].embedding)).toEqual(b);
    expect(r.usage.prompt_tokens).toBe(2 * countTokens("alpha beta") + countTokens("gamma"));
    expect(usdToNano(r.usage.cost)).toBe(priceNano(r.usage.prompt_tokens));
  });

  it("takes token arrays: one flat array is one input, an array of arrays is one input each", async () => {
    const flat = await ok({ input: [1, 2, 3, 4] });
    expect(flat.data).toHaveLength(1);
    expect(flat.usage.prompt_tokens).toBe(4);
    const nested = await ok({ input: [[1, 2, 3, 4], [5]] });
    expect(nested.data).toHaveLength(2);
    expect(nested.usage.prompt_tokens).toBe(5);
    expect(vec(nested.data[0].embedding)).toEqual(vec(flat.data[0].embedding));
  });

  it("takes multimodal items made of text parts", async () => {
    const r = await ok({ input: [{ content: [{ type: "text", text: "gamma" }] }] });
    expect(r.usage.prompt_tokens).toBe(countTokens("gamma"));
    const plain = await ok({ input: "gamma" });
    expect(vec(r.data[0].embedding)).toEqual(vec(plain.data[0].embedding));
  });

  it("shortens to `dimensions`: the full vector's prefix, normalised again", async () => {
    const full = vec((await ok({ input: "matryoshka" })).data[0].embedding);
    const short = vec((await ok({ input: "matryoshka", dimensions: 256 })).data[0].embedding);
    expect(short).toHaveLength(256);
    expect(norm(short)).toBeCloseTo(1, 5);
    const prefix = full.slice(0, 256);
    expect(dot(prefix, short) / norm(prefix)).toBeCloseTo(1, 5);
  });

  it("answers `encoding_format: base64` with the float32 bytes of the same vector", async () => {
    const f = vec((await ok({ input: "base sixty-four" })).data[0].embedding);
    const b = floats((await ok({ input: "base sixty-four", encoding_format: "base64" })).data[0].embedding);
    expect(b).toEqual(f);
  });

  it("keeps a generation record (`api_type: embeddings`) and adds the cost to the key's usage", async () => {
    const before = (await getJson(`${s.baseURL}/key`, KEY)).json as { data: { usage: number } };
    const r = await ok({ input: ["one record", "for two inputs"], user: "user-42" });
    const g = await waitForGeneration(s.baseURL, KEY, r.id);
    const raw = await getJson(`${s.baseURL}/generation?id=${r.id}`, KEY);
    v.assertResponse("/generation", "get", 200, raw.json);
    expect(g).toMatchObject({
      id: r.id,
      api_type: "embeddings",
      model: MODEL,
      provider_name: "OpenAI",
      streamed: false,
      tokens_prompt: r.usage.prompt_tokens,
      tokens_completion: 0,
      external_user: "user-42",
      is_byok: false,
    });
    expect(usdToNano(g.total_cost)).toBe(usdToNano(r.usage.cost));
    expect(s.generations.get(r.id)?.costNano).toBe(priceNano(r.usage.prompt_tokens));
    expect(s.log.find((e) => e.generationId === r.id)?.path).toBe("/api/v1/embeddings");
    const after = (await getJson(`${s.baseURL}/key`, KEY)).json as { data: { usage: number } };
    expect(usdToNano(after.data.usage) - usdToNano(before.data.usage)).toBe(priceNano(r.usage.prompt_tokens));
  });

  it("honours provider.only and provider.ignore with the recorded no-allowed-providers 404", async () => {
    await ok({ input: "routed", provider: { only: ["openai"], allow_fallbacks: false } });
    for (const provider of [{ only: ["azure"] }, { ignore: ["OpenAI"] }]) {
      const r = await embeddings({ model: MODEL, input: "routed", provider });
      expect(r.status).toBe(404);
      v.assertResponse("/embeddings", "post", 404, r.json);
      expect(r.json).toMatchObject({ error: { code: 404, message: "No allowed providers are available for the selected model." } });
    }
  });

  it("refuses bad input with 400 in OpenRouter's error shape, and bills nothing", async () => {
    const bad: unknown[] = [
      { input: "no model" },
      { model: MODEL },
      { model: MODEL, input: "" },
      { model: MODEL, input: [] },
      { model: MODEL, input: ["fine", ""] },
      { model: MODEL, input: [[1], []] },
      { model: MODEL, input: "x", encoding_format: "int8" },
      { model: MODEL, input: "x", dimensions: 0 },
      { model: MODEL, input: "x", dimensions: 1.5 },
      { model: MODEL, input: "x", dimensions: 1537 },
      { model: MODEL, input: "x", provider: { sort: "cheapest" } },
      { model: "openai/no-such-embedding", input: "x" },
    ];
    const generations = s.generations.size;
    for (const body of bad) {
      const r = await embeddings(body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      v.assertResponse("/embeddings", "post", 400, r.json);
      expect(r.json).toMatchObject({ error: { code: 400, message: expect.any(String) } });
    }
    const notJson = await embeddings(null, { raw: "{not json" });
    expect(notJson.status).toBe(400);
    expect(s.generations.size).toBe(generations);
  });

  it("refuses a missing or wrong key with 401, as the other routes do", async () => {
    const none = await embeddings({ model: MODEL, input: "x" }, { key: null });
    expect(none).toEqual({ status: 401, json: { error: { message: "Missing Authentication header", code: 401 } } });
    const wrong = await embeddings({ model: MODEL, input: "x" }, { key: "sk-or-v1-wrong" });
    expect(wrong.status).toBe(401);
    v.assertResponse("/embeddings", "post", 401, wrong.json);
  });

  it("refuses with 402 what the key's limit cannot pay for", async () => {
    const limited = await startLocalOpenRouter({ apiKey: KEY, generationDelayMs: 0, keyLimitUsd: nanoToUsd(priceNano(3)) });
    try {
      const first = await embeddings({ model: MODEL, input: [1, 2, 3] }, { base: limited.baseURL });
      expect(first.status).toBe(200);
      const second = await embeddings({ model: MODEL, input: [1] }, { base: limited.baseURL });
      expect(second.status).toBe(402);
      v.assertResponse("/embeddings", "post", 402, second.json);
      expect(limited.generations.size).toBe(1);
    } finally {
      await limited.close();
    }
  });

  it("serves @openrouter/ai-sdk-provider's embedding model through the AI SDK's embedMany", async () => {
    const or = createOpenRouter({ apiKey: KEY, baseURL: s.baseURL });
    const values = ["sunny day at the beach", "rainy day in the city"];
    const r = await embedMany({ model: or.textEmbeddingModel(MODEL), values });
    expect(r.embeddings).toHaveLength(2);
    expect(r.embeddings[0]).toHaveLength(1536);
    const direct = await ok({ input: values[1] });
    expect(r.embeddings[1]).toEqual(vec(direct.data[0].embedding));
    const tokens = values.reduce((n, t) => n + countTokens(t), 0);
    expect(r.usage.tokens).toBe(tokens);
    const meta = r.providerMetadata?.openrouter as { provider?: string; usage?: { cost?: number } } | undefined;
    expect(meta?.provider).toBe("OpenAI");
    expect(usdToNano(meta?.usage?.cost ?? -1)).toBe(priceNano(tokens));
  });
});
