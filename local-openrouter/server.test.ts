/**
 * Faithfulness of the local OpenRouter over raw HTTP: every response body and every stream
 * chunk of every scripted behaviour is validated against OpenRouter's OpenAPI description
 * (spec/openapi.yaml), and the numbers (tokens, exact nano-USD costs) are checked against the
 * catalog.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AUTO_MODEL_ID, CATALOG, getModel } from "./catalog";
import { computeCostNano, nanoToUsd, priceToNano, type UsageForCost, usdToNano } from "./cost";
import { directive } from "./directive";
import { type LocalOpenRouter, startLocalOpenRouter } from "./server";
import { loadSpecValidator } from "./spec-validator";
import { assertChatResponseMatchesSpec, getJson, parseStream, type RawResponse, rawRequest, waitForGeneration } from "./test-utils";
import { countPromptTokens, tokenize } from "./tokenizer";
import type { GenerationData } from "./types";

const KEY = "sk-or-v1-local-test-key-0123456789abcdef";
const v = loadSpecValidator();
let s: LocalOpenRouter;
/** Every response body this file received: the key must appear in none of them. */
const bodies: string[] = [];

interface Delta {
  role?: string;
  content?: string | null;
  reasoning?: string | null;
  reasoning_details?: { type: string; text?: string; format?: string; index?: number }[];
  tool_calls?: { index: number; id?: string; type?: string; function?: { name?: string; arguments?: string } }[];
  images?: { type: string; image_url: { url: string } }[];
  annotations?: { type: string; url_citation: { url: string; title: string; start_index: number; end_index: number } }[];
}
interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  cost: number;
  is_byok: boolean;
  prompt_tokens_details: { cached_tokens: number };
  completion_tokens_details: { reasoning_tokens: number };
  cost_details: { upstream_inference_cost: number };
  server_tool_use_details?: { web_search_requests: number };
}
interface Chunk {
  id: string;
  object: string;
  created: number;
  model: string;
  provider: string;
  choices: { index: number; delta: Delta; finish_reason: string | null; native_finish_reason: string | null }[];
  usage?: Usage;
  error?: { code: number; message: string; metadata?: Record<string, unknown> };
}
interface Result {
  id: string;
  model: string;
  provider: string;
  choices: {
    finish_reason: string;
    message: {
      content: string;
      reasoning: string | null;
      tool_calls?: { id: string; function: { name: string; arguments: string } }[];
      images?: unknown[];
    };
  }[];
  usage: Usage;
}

type Body = Record<string, unknown> & { messages: { role: string; content: unknown }[] };

function userBody(text: string, extra: Record<string, unknown> = {}): Body {
  return { model: "openai/gpt-4o", stream: true, messages: [{ role: "user", content: text }], ...extra };
}

async function chat(body: unknown, key: string | null = KEY, opts: { malformedJson?: boolean } = {}): Promise<RawResponse> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (key !== null) headers.authorization = `Bearer ${key}`;
  const r = await rawRequest(`${s.baseURL}/chat/completions`, {
    method: "POST",
    headers,
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  bodies.push(r.raw);
  // Everything is checked against the spec, except the one body a `malformed` directive breaks on purpose.
  if (!opts.malformedJson) assertChatResponseMatchesSpec(v, r);
  return r;
}

function chunksOf(r: RawResponse) {
  const p = parseStream(r.raw);
  return { ...p, chunks: p.chunks as unknown as Chunk[] };
}

function contentOf(chunks: Chunk[]): string {
  return chunks.map((c) => c.choices[0]?.delta.content ?? "").join("");
}

function usageOf(chunks: Chunk[]): Usage {
  const u = chunks.find((c) => c.usage)?.usage;
  if (!u) throw new Error("no usage chunk");
  return u;
}

async function generation(id: string): Promise<GenerationData> {
  const d = await waitForGeneration(s.baseURL, KEY, id);
  const r = await getJson(`${s.baseURL}/generation?id=${id}`, KEY);
  bodies.push(r.raw);
  v.assertResponse("/generation", "get", 200, r.json);
  return d;
}

function expectedNano(
  modelId: string,
  provider: string | null,
  body: Body,
  u: Omit<UsageForCost, "promptTokens"> & { promptTokens?: number },
): bigint {
  const m = getModel(modelId);
  if (!m) throw new Error(`no model ${modelId}`);
  const e = provider ? m.endpoints.find((x) => x.providerName === provider) : m.endpoints[0];
  if (!e) throw new Error(`no endpoint ${provider} for ${modelId}`);
  return computeCostNano(e.pricing, { ...u, promptTokens: u.promptTokens ?? countPromptTokens(body as Parameters<typeof countPromptTokens>[0]) })
    .totalNano;
}

beforeAll(async () => {
  s = await startLocalOpenRouter({ apiKey: KEY, tokensPerSecond: 0 });
});

afterAll(async () => {
  await s.close();
  for (const b of bodies) expect(b.includes(KEY)).toBe(false);
});

describe("catalog: /models and /models/{author}/{slug}/endpoints", () => {
  it("lists a realistic catalog, valid against ModelsListResponse, without a key", async () => {
    const r = await getJson(`${s.baseURL}/models`);
    bodies.push(r.raw);
    expect(r.status).toBe(200);
    v.assertResponse("/models", "get", 200, r.json);
    const data = (r.json as { data: Record<string, unknown>[]; total_count: number }).data as unknown as {
      id: string;
      pricing: Record<string, string>;
      architecture: { input_modalities: string[]; output_modalities: string[] };
      supported_parameters: string[];
    }[];
    // Generated from a recorded listing (catalog-recorded.json: 321 models on 2025-05-23, plus the 2026 subset):
    // a real-sized catalog, so the app is tested with the few hundred models OpenRouter lists.
    expect(data.length).toBeGreaterThanOrEqual(300);
    const authors = new Set(data.map((m) => m.id.split("/")[0]));
    for (const a of ["openai", "anthropic", "google", "meta-llama", "mistralai", "deepseek", "qwen", "x-ai"]) expect(authors).toContain(a);
    const free = data.filter((m) => m.id.endsWith(":free"));
    expect(free.length).toBeGreaterThanOrEqual(3);
    for (const m of free) expect([m.pricing.prompt, m.pricing.completion]).toEqual(["0", "0"]);
    expect(data.some((m) => m.architecture.input_modalities.includes("image"))).toBe(true);
    expect(data.some((m) => m.architecture.input_modalities.includes("file"))).toBe(true);
    expect(data.some((m) => m.architecture.output_modalities.includes("image"))).toBe(true);
    expect(data.some((m) => !m.supported_parameters.includes("tools"))).toBe(true);
    expect(data.some((m) => m.supported_parameters.includes("reasoning"))).toBe(true);
    for (const f of ["input_cache_read", "internal_reasoning", "web_search", "image"]) expect(data.some((m) => f in m.pricing)).toBe(true);
    expect(data.map((m) => m.id)).toContain(AUTO_MODEL_ID);
    for (const m of data) {
      const { overrides, ...prices } = m.pricing as Record<string, unknown>;
      // Long-context tiers: `overrides: [{min_prompt_tokens, …prices}]` (models-listing-subset-tiered-alias-router.json).
      const tiers = (overrides ?? []) as Record<string, unknown>[];
      for (const { min_prompt_tokens, ...tierPrices } of tiers) {
        expect(typeof min_prompt_tokens).toBe("number");
        Object.assign(prices, Object.fromEntries(Object.entries(tierPrices).map(([k, v]) => [`tier.${k}`, v])));
      }
      for (const p of Object.values(prices)) {
        expect(typeof p).toBe("string");
        expect(() => priceToNano(p as string)).not.toThrow();
      }
    }
    expect(data.some((m) => "overrides" in m.pricing)).toBe(true);
  });

  it("lists what the real listing has: router at -1, aliases, tiers, per-request and per-image prices, default reasoning, dated slugs", async () => {
    // models-listing-subset-tiered-alias-router.json (tests/fixtures/openrouter-recorded), corpus point 20.
    const data = ((await getJson(`${s.baseURL}/models?output_modalities=all`)).json as { data: Record<string, unknown>[] }).data;
    const byId = new Map(data.map((m) => [m.id as string, m]));
    expect((byId.get(AUTO_MODEL_ID)!.pricing as Record<string, string>).prompt).toBe("-1");
    const alias = byId.get("~google/gemini-pro-latest")!;
    expect(alias.alias_target).toEqual({ name: "Google: Gemini 3.1 Pro Preview", slug: "google/gemini-3.1-pro-preview" });
    expect((alias.pricing as { overrides: unknown[] }).overrides).toEqual([
      {
        min_prompt_tokens: 200000,
        prompt: "0.000004",
        completion: "0.000018",
        audio: "0.000004",
        input_audio_cache: "0.0000004",
        input_cache_read: "0.0000004",
      },
    ]);
    const opus = byId.get("anthropic/claude-opus-5")!;
    expect(opus.canonical_slug).toBe("anthropic/claude-opus-5-20260723");
    expect(opus.reasoning).toMatchObject({ mandatory: false, default_enabled: true, default_effort: "high" });
    expect((opus.pricing as Record<string, string>).input_cache_write_1h).toBe("0.00001");
    expect((byId.get("openai/gpt-audio")!.architecture as { output_modalities: string[] }).output_modalities).toContain("audio");
    expect(data.some((m) => Number((m.pricing as Record<string, string>).request ?? 0) > 0)).toBe(true);
    expect(data.some((m) => Number((m.pricing as Record<string, string>).image ?? 0) > 0)).toBe(true);
    expect(data.filter((m) => (m.id as string).endsWith(":free")).length).toBeGreaterThanOrEqual(50);
  });

  it("names the served model by its dated slug where a recording shows it, and by the requested id elsewhere", async () => {
    // stream-usage-empty-choices-dated-slug-claude-sonnet-4.6-bedrock.sse: requested anthropic/claude-sonnet-4.6,
    // chunks say "anthropic/claude-4.6-sonnet-20260217"; /generation names the dated slug too (generation-data-claude-3.7-sonnet.partial.txt).
    const dated = await chat(userBody("hi", { model: "anthropic/claude-sonnet-4.6" }));
    const { chunks } = chunksOf(dated);
    expect(new Set(chunks.map((c) => c.model))).toEqual(new Set(["anthropic/claude-4.6-sonnet-20260217"]));
    expect(chunks[0].provider).toBe("Amazon Bedrock");
    expect((await generation(dated.headers.get("x-generation-id") ?? "")).model).toBe("anthropic/claude-4.6-sonnet-20260217");
    const json = JSON.parse((await chat(userBody("hi", { model: "anthropic/claude-3.7-sonnet", stream: false }))).raw) as Result;
    expect(json.model).toBe("anthropic/claude-3-7-sonnet-20250219");
    // stream-reasoning-text-signature-anthropic-claude-sonnet-4.5.sse: claude-sonnet-4.5 came back under its own id,
    // although its canonical slug is dated.
    expect(getModel("anthropic/claude-sonnet-4.5")!.canonicalSlug).toBe("anthropic/claude-4.5-sonnet-20250929");
    expect(chunksOf(await chat(userBody("hi", { model: "anthropic/claude-sonnet-4.5" }))).chunks[0].model).toBe("anthropic/claude-sonnet-4.5");
    // An alias is answered by the model it points at.
    expect(chunksOf(await chat(userBody("hi", { model: "~google/gemini-pro-latest" }))).chunks[0].model).toBe("google/gemini-3.1-pro-preview");
  });

  it("filters and paginates like the spec says", async () => {
    const all = (await getJson(`${s.baseURL}/models?output_modalities=all`)).json as { data: unknown[]; total_count: number };
    v.assertResponse("/models", "get", 200, all);
    expect(all.total_count).toBe(CATALOG.length);
    const tools = (await getJson(`${s.baseURL}/models?supported_parameters=tools,reasoning`)).json as { data: { supported_parameters: string[] }[] };
    expect(tools.data.length).toBeGreaterThan(0);
    for (const m of tools.data) expect(m.supported_parameters).toEqual(expect.arrayContaining(["tools", "reasoning"]));
    const page = (await getJson(`${s.baseURL}/models?offset=0&limit=10`)).json as { data: unknown[]; links: { next: string | null } };
    v.assertResponse("/models", "get", 200, page);
    expect(page.data).toHaveLength(10);
    expect(page.links.next).toContain("offset=10");
  });

  it("serves 1–3 endpoints with distinct providers for every model, valid against the spec", async () => {
    for (const m of CATALOG) {
      const r = await getJson(`${s.baseURL}/models/${m.id}/endpoints`);
      bodies.push(r.raw);
      expect(r.status).toBe(200);
      v.assertResponse("/models/{author}/{slug}/endpoints", "get", 200, r.json);
      const eps = (r.json as { data: { endpoints: { provider_name: string; pricing: { prompt: string } }[] } }).data.endpoints;
      if (m.id === AUTO_MODEL_ID) {
        expect(eps).toHaveLength(0);
        continue;
      }
      expect(eps.length).toBeGreaterThanOrEqual(1);
      expect(eps.length).toBeLessThanOrEqual(3);
      expect(new Set(eps.map((e) => e.provider_name)).size).toBe(eps.length);
      expect(eps[0].pricing.prompt).toBe(m.pricing.prompt);
    }
    const missing = await getJson(`${s.baseURL}/models/nobody/nothing/endpoints`);
    expect(missing.status).toBe(404);
    v.assertResponse("/models/{author}/{slug}/endpoints", "get", 404, missing.json);
  });

  it("gives endpoint latency in milliseconds with a key, and null statistics without one (spec PercentileStats)", async () => {
    type Stats = { p50: number; p75: number; p90: number; p99: number } | null;
    type Entry = { latency_last_30m: Stats; throughput_last_30m: Stats };
    const m = getModel("meta-llama/llama-3.3-70b-instruct")!;
    const keyed = await getJson(`${s.baseURL}/models/${m.id}/endpoints`, KEY);
    v.assertResponse("/models/{author}/{slug}/endpoints", "get", 200, keyed.json);
    const withKey = (keyed.json as { data: { endpoints: Entry[] } }).data.endpoints;
    expect(withKey.length).toBe(m.endpoints.length);
    for (const [i, e] of withKey.entries()) {
      // The catalog keeps seconds; the wire carries whole milliseconds (0.35 s → 350).
      expect(e.latency_last_30m?.p50).toBe(Math.round(m.endpoints[i].latency.p50 * 1000));
      expect(Number.isInteger(e.latency_last_30m?.p99)).toBe(true);
      expect(e.latency_last_30m!.p50).toBeGreaterThanOrEqual(10);
      expect(e.throughput_last_30m?.p50).toBe(m.endpoints[i].throughput.p50);
    }
    const anonymous = await getJson(`${s.baseURL}/models/${m.id}/endpoints`);
    v.assertResponse("/models/{author}/{slug}/endpoints", "get", 200, anonymous.json);
    for (const e of (anonymous.json as { data: { endpoints: Entry[] } }).data.endpoints) {
      expect(e.latency_last_30m).toBeNull();
      expect(e.throughput_last_30m).toBeNull();
    }
  });
});

describe("auth and request validation", () => {
  it("answers 401 without a key or with a wrong one", async () => {
    const none = await chat(userBody("hi"), null);
    expect(none.status).toBe(401);
    const wrong = await chat(userBody("hi"), "sk-wrong");
    expect(wrong.status).toBe(401);
    expect(none.headers.get("x-generation-id")).toBeNull();
    for (const p of ["/generation?id=gen-1", "/key"]) {
      const r = await getJson(`${s.baseURL}${p}`);
      expect(r.status).toBe(401);
      v.assertResponse(p.split("?")[0], "get", 401, r.json);
    }
  });

  it("rejects bad bodies and unknown models with 400 in OpenRouter’s error shape", async () => {
    const cases: unknown[] = [
      "{not json",
      { model: "openai/gpt-4o", messages: [] },
      { model: "openai/gpt-4o", messages: [{ role: "wizard", content: "x" }] },
      { model: "openai/gpt-4o", messages: [{ role: "user", content: "x" }], temperature: 7 },
      { model: "openai/gpt-4o", messages: [{ role: "user", content: "x" }], provider: { sort: "price", colour: "blue" } },
      { model: "nope/not-a-model", messages: [{ role: "user", content: "x" }] },
    ];
    for (const c of cases) {
      const r = await chat(c);
      expect(r.status).toBe(400);
      expect(r.headers.get("x-generation-id")).toBeNull();
    }
    const unknown = JSON.parse((await chat({ model: "nope/not-a-model", messages: [{ role: "user", content: "x" }] })).raw) as {
      error: { message: string };
    };
    expect(unknown.error.message).toBe("nope/not-a-model is not a valid model ID");
  });

  it("logs requests with the raw Authorization header", async () => {
    await chat(userBody("log me", { stream: false }));
    const log = (await getJson(`${s.url}/__log`)).json as { path: string; headers: Record<string, string>; body: unknown }[];
    const last = log.filter((e) => e.path === "/api/v1/chat/completions").at(-1);
    expect(last?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(last?.body).toMatchObject({ messages: [{ content: "log me" }] });
  });
});

describe("every scripted behaviour matches the spec, streamed and not", () => {
  const weather = {
    type: "function",
    function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } },
  };
  const followUp = [
    { role: "user", content: "[[sb:tool name=get_weather]]" },
    {
      role: "assistant",
      content: null,
      tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"x"}' } }],
    },
    { role: "tool", tool_call_id: "call_1", content: "sunny" },
  ];
  const cases: [string, Record<string, unknown>][] = [
    ["default", userBody("hello")],
    ["text", userBody("[[sb:text tokens=12]]")],
    ["long", userBody("[[sb:long rate=0]]")],
    ["say", userBody(directive("say", { text: "<img src=x onerror=alert(1)> **md**" }))],
    ["reasoning", userBody("[[sb:reasoning tokens=5]]", { model: "deepseek/deepseek-r1" })],
    ["reasoning excluded", userBody("x", { model: "openai/o4-mini", reasoning: { exclude: true } })],
    ["tool", userBody("[[sb:tool name=get_weather]]", { tools: [weather] })],
    ["tools", userBody("[[sb:tools calls=get_weather]]", { tools: [weather], tool_choice: "required" })],
    ["tool follow-up", { model: "openai/gpt-4o", stream: true, tools: [weather], messages: followUp }],
    ["midstream-error", userBody("[[sb:midstream-error after=2]]")],
    ["midstream-error 429", userBody("[[sb:midstream-error after=2 code=429]]")],
    ["midstream-error 400", userBody("[[sb:midstream-error after=2 code=400]]")],
    ["midstream-error non-streaming", userBody("[[sb:midstream-error after=2]]", { stream: false })],
    ["drop", userBody("[[sb:drop after=2]]")],
    ["stall", userBody("[[sb:stall after=1 ms=60 every=20 tokens=4]]")],
    ["slow-first", userBody("[[sb:slow-first ms=60 every=20]]")],
    ["fallback models", userBody("[[sb:fallback]]", { models: ["x-ai/grok-3-mini"] })],
    ["fallback provider", userBody("[[sb:fallback]]", { model: "anthropic/claude-opus-4.1" })],
    ["routing", userBody("x", { model: "qwen/qwen3-32b", provider: { sort: "latency", require_parameters: true }, temperature: 0.2 })],
    ["auto", userBody("x", { model: AUTO_MODEL_ID })],
    ["web", userBody("x", { plugins: [{ id: "web" }] })],
    ["image output", userBody("x", { model: "google/gemini-2.5-flash-image" })],
    ["max_tokens", userBody("x", { max_tokens: 3 })],
    ["cached", userBody("[[sb:text tokens=3 cached=5]]", { model: "anthropic/claude-sonnet-4.5" })],
    [
      "structured",
      userBody("x", {
        response_format: { type: "json_schema", json_schema: { name: "x", schema: { type: "object", properties: { a: { type: "string" } } } } },
      }),
    ],
    ["free model", userBody("x", { model: "deepseek/deepseek-r1:free" })],
    ...[400, 401, 402, 403, 408, 429, 502, 503].map((st): [string, Record<string, unknown>] => [
      `error ${st}`,
      userBody(`[[sb:error status=${st}]]`),
    ]),
  ];
  it.each(cases)("%s", async (_name, body) => {
    const ids: string[] = [];
    for (const stream of [true, false]) {
      const r = await chat({ ...body, stream });
      const id = r.headers.get("x-generation-id");
      if (id) ids.push(id);
      if (r.status === 200 && stream) {
        const p = chunksOf(r);
        expect(p.nonJson).toEqual([]);
        for (const c of p.chunks) expect(c.id).toBe(id);
      }
    }
    for (const id of ids) await generation(id);
  });

  it("malformed (non-streaming): the body is cut short, the only response that does not parse", async () => {
    const malformed = await chat({ ...userBody("[[sb:malformed after=1]]"), stream: false }, KEY, { malformedJson: true });
    expect(malformed.status).toBe(200);
    expect(() => JSON.parse(malformed.raw)).toThrow();
  });
});

describe("streaming shape", () => {
  it("streams the default answer chunk by chunk, then finish, usage and [DONE]", async () => {
    const body = userBody("Tell me about switchboards");
    const r = await chat(body);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const gid = r.headers.get("x-generation-id") ?? "";
    expect(gid).toMatch(/^gen-\d+-[A-Za-z0-9]{20}$/);
    const { chunks, done, doneIndex, dataCount } = chunksOf(r);
    expect(done).toBe(true);
    expect(doneIndex).toBe(dataCount - 1);
    for (const c of chunks) {
      expect(c).toMatchObject({ id: gid, object: "chat.completion.chunk", model: "openai/gpt-4o", provider: "OpenAI" });
      expect(typeof c.created).toBe("number");
      expect(c.choices[0]).toHaveProperty("native_finish_reason");
    }
    const text = contentOf(chunks);
    expect(text).toContain("Tell me about switchboards");
    const finish = chunks.filter((c) => c.choices[0].finish_reason !== null);
    expect(finish).toHaveLength(1);
    expect(finish[0].choices[0].finish_reason).toBe("stop");
    const last = chunks.at(-1) as Chunk;
    expect(last.usage).toBeDefined();
    const u = usageOf(chunks);
    expect(u.completion_tokens).toBe(tokenize(text).length);
    expect(u.prompt_tokens).toBe(countPromptTokens(body as Parameters<typeof countPromptTokens>[0]));
    expect(u.total_tokens).toBe(u.prompt_tokens + u.completion_tokens);
    expect(u.is_byok).toBe(false);
    expect(u.prompt_tokens_details.cached_tokens).toBe(0);
    expect(u.completion_tokens_details.reasoning_tokens).toBe(0);
    expect(usdToNano(u.cost)).toBe(expectedNano("openai/gpt-4o", null, body, { completionTokens: u.completion_tokens }));
    expect(u.cost_details.upstream_inference_cost).toBe(u.cost);
    // Deterministic: the same prompt gives the same answer, streamed or not.
    expect(contentOf(chunksOf(await chat(body)).chunks)).toBe(text);
    const plain = JSON.parse((await chat({ ...body, stream: false })).raw) as Result;
    expect(plain.choices[0].message.content).toBe(text);
    // /generation knows it, with the same numbers.
    const g = await generation(gid);
    expect(g).toMatchObject({ id: gid, model: "openai/gpt-4o", provider_name: "OpenAI", streamed: true, cancelled: false, finish_reason: "stop" });
    expect(g.total_cost).toBe(u.cost);
    expect(g.tokens_prompt).toBe(u.prompt_tokens);
    expect(g.tokens_completion).toBe(u.completion_tokens);
  });

  it("answers non-streaming requests with a ChatResult", async () => {
    const body = userBody(`Hi ${directive("say", { text: "Hello there" })}`, { stream: false, model: "anthropic/claude-haiku-4.5" });
    const r = await chat(body);
    expect(r.headers.get("content-type")).toMatch(/^application\/json/);
    const res = JSON.parse(r.raw) as Result;
    expect(res.id).toBe(r.headers.get("x-generation-id"));
    expect(res.provider).toBe("Anthropic");
    expect(res.choices[0].message.content).toBe("Hello there");
    expect(res.choices[0].finish_reason).toBe("stop");
    expect(usdToNano(res.usage.cost)).toBe(expectedNano("anthropic/claude-haiku-4.5", null, body, { completionTokens: 2 }));
    expect((await generation(res.id)).streamed).toBe(false);
  });

  it("say: reproduces the exact text, Markdown and hostile HTML included", async () => {
    const texts = [
      "# Title\n\n**bold** _it_ `code`\n\n```js\nconsole.log(1)\n```\n- a\n- b",
      '<script>alert("x")</script><img src=x onerror="alert(1)">',
      "[click](javascript:alert(1)) and trailing spaces   ",
      "Unicode: café — 日本語 🎉🎉🎉🎉🎉",
    ];
    for (const t of texts) {
      const r = await chat(userBody(`go ${directive("say", { text: t })}`));
      expect(contentOf(chunksOf(r).chunks)).toBe(t);
    }
    const single = await chat(userBody(`[[sb:say text='{"a":"b c"}']]`));
    expect(contentOf(chunksOf(single).chunks)).toBe('{"a":"b c"}');
    const bare = await chat(userBody("[[sb:say text=Hello%20world%5D%5D]]"));
    expect(contentOf(chunksOf(bare).chunks)).toBe("Hello world]]");
  });

  it("text tokens=n streams exactly n tokens, at the requested rate", async () => {
    const r = await chat(userBody("[[sb:text tokens=37]]"));
    const { chunks } = chunksOf(r);
    expect(usageOf(chunks).completion_tokens).toBe(37);
    expect(tokenize(contentOf(chunks))).toHaveLength(37);
    expect(chunks.filter((c) => (c.choices[0].delta.content ?? "") !== "")).toHaveLength(37);
    const t0 = performance.now();
    await chat(userBody("[[sb:text tokens=20 rate=100]]"));
    expect(performance.now() - t0).toBeGreaterThanOrEqual(180);
  });

  it("long streams about 1000 tokens", async () => {
    const { chunks } = chunksOf(await chat(userBody("[[sb:long]]")));
    expect(usageOf(chunks).completion_tokens).toBe(1000);
    expect(contentOf(chunks)).toContain("\n\n");
  });

  it("max_tokens stops with finish_reason length", async () => {
    const { chunks } = chunksOf(await chat(userBody("[[sb:text tokens=50]]", { max_tokens: 12 })));
    expect(usageOf(chunks).completion_tokens).toBe(12);
    expect(chunks.find((c) => c.choices[0].finish_reason)?.choices[0].finish_reason).toBe("length");
  });

  it("cached prompt tokens are reported and billed at the cache-read price", async () => {
    const body = userBody('cache me please [[sb:say text="ok" cached=10]]');
    const { chunks } = chunksOf(await chat(body));
    const u = usageOf(chunks);
    expect(u.prompt_tokens_details.cached_tokens).toBe(10);
    expect(usdToNano(u.cost)).toBe(expectedNano("openai/gpt-4o", null, body, { completionTokens: 1, cachedTokens: 10 }));
  });
});

describe("reasoning", () => {
  it("streams reasoning deltas with reasoning_details before the text, billed at internal_reasoning", async () => {
    const body = userBody('why? [[sb:reasoning tokens=9 text="Because."]]', { model: "google/gemini-2.5-flash" });
    const { chunks } = chunksOf(await chat(body));
    const reasoning = chunks.filter((c) => c.choices[0].delta.reasoning);
    expect(reasoning).toHaveLength(9);
    for (const c of reasoning) {
      expect(c.choices[0].delta.content).toBe("");
      expect(c.choices[0].delta.reasoning_details).toEqual([
        { type: "reasoning.text", text: c.choices[0].delta.reasoning, format: "google-gemini-v1", index: 0 },
      ]);
    }
    const firstText = chunks.findIndex((c) => (c.choices[0].delta.content ?? "") !== "");
    expect(firstText).toBeGreaterThan(chunks.indexOf(reasoning[8]));
    expect(contentOf(chunks)).toBe("Because.");
    const u = usageOf(chunks);
    expect(u.completion_tokens_details.reasoning_tokens).toBe(9);
    expect(u.completion_tokens).toBe(10);
    const nano = expectedNano("google/gemini-2.5-flash", null, body, { completionTokens: 10, reasoningTokens: 9 });
    expect(usdToNano(u.cost)).toBe(nano);
    // internal_reasoning differs from completion on this model: the price used matters.
    expect(nano).not.toBe(expectedNano("google/gemini-2.5-flash", null, body, { completionTokens: 10 }));
  });

  it("reasoning.exclude hides reasoning but still bills it; effort sets the amount", async () => {
    const { chunks } = chunksOf(await chat(userBody("hm", { model: "anthropic/claude-sonnet-4.5", reasoning: { effort: "high", exclude: true } })));
    expect(chunks.some((c) => c.choices[0].delta.reasoning)).toBe(false);
    expect(usageOf(chunks).completion_tokens_details.reasoning_tokens).toBe(64);
    const low = chunksOf(await chat(userBody("hm", { model: "anthropic/claude-sonnet-4.5", reasoning: { effort: "low" } })));
    expect(low.chunks.filter((c) => c.choices[0].delta.reasoning)).toHaveLength(16);
    const off = chunksOf(await chat(userBody("hm", { model: "anthropic/claude-sonnet-4.5" })));
    expect(usageOf(off.chunks).completion_tokens_details.reasoning_tokens).toBe(0);
  });
});

describe("tool calls", () => {
  const weather = {
    type: "function",
    function: {
      name: "get_weather",
      description: "Weather",
      parameters: {
        type: "object",
        properties: { city: { type: "string" }, unit: { type: "string", enum: ["c", "f"] } },
        required: ["city", "unit"],
      },
    },
  };
  const clock = {
    type: "function",
    function: { name: "get_time", description: "Time", parameters: { type: "object", properties: { tz: { type: "string" } }, required: ["tz"] } },
  };

  it("tool: first delta carries id, type and name; arguments arrive in pieces; finish tool_calls", async () => {
    const args = '{"city":"Paris","unit":"c"}';
    const body = userBody(`weather? [[sb:tool name=get_weather args='${args}']]`, { tools: [weather] });
    const { chunks } = chunksOf(await chat(body));
    const calls = chunks.flatMap((c) => c.choices[0].delta.tool_calls ?? []);
    expect(calls[0]).toMatchObject({ index: 0, type: "function", function: { name: "get_weather", arguments: "" } });
    expect(calls[0].id).toMatch(/^call_/);
    const pieces = calls.slice(1);
    expect(pieces.length).toBeGreaterThanOrEqual(2);
    for (const p of pieces) {
      expect(p.id).toBeUndefined();
      expect(p.function?.name).toBeUndefined();
    }
    expect(pieces.map((p) => p.function?.arguments).join("")).toBe(args);
    expect(chunks.find((c) => c.choices[0].finish_reason)?.choices[0].finish_reason).toBe("tool_calls");
    expect(usageOf(chunks).completion_tokens).toBe(tokenize("get_weather").length + tokenize(args).length);
    // Not offered, or tool_choice none: plain text.
    const notOffered = chunksOf(await chat(userBody(`weather? [[sb:tool name=get_weather]]`, { tools: [clock] })));
    expect(notOffered.chunks.some((c) => c.choices[0].delta.tool_calls)).toBe(false);
    const none = chunksOf(await chat(userBody(`weather? [[sb:tool name=get_weather]]`, { tools: [weather], tool_choice: "none" })));
    expect(none.chunks.some((c) => c.choices[0].delta.tool_calls)).toBe(false);
    // Non-streaming form.
    const plain = JSON.parse((await chat({ ...body, stream: false })).raw) as Result;
    expect(plain.choices[0].finish_reason).toBe("tool_calls");
    expect(plain.choices[0].message.tool_calls?.[0].function).toEqual({ name: "get_weather", arguments: args });
  });

  it("tools: parallel calls in one response, then an answer that uses the results", async () => {
    const body = userBody("both please [[sb:tools calls=get_weather,get_time]]", { tools: [weather, clock] });
    const { chunks } = chunksOf(await chat(body));
    const calls = chunks.flatMap((c) => c.choices[0].delta.tool_calls ?? []);
    const starts = calls.filter((c) => c.id);
    expect(starts.map((c) => [c.index, c.function?.name])).toEqual([
      [0, "get_weather"],
      [1, "get_time"],
    ]);
    const argsOf = (i: number) =>
      JSON.parse(
        calls
          .filter((c) => c.index === i)
          .map((c) => c.function?.arguments ?? "")
          .join(""),
      ) as Record<string, unknown>;
    expect(argsOf(0)).toEqual({ city: "sample city", unit: "c" });
    expect(argsOf(1)).toEqual({ tz: "sample tz" });
    const followUp: Body = {
      ...body,
      messages: [
        ...body.messages,
        {
          role: "assistant",
          content: null,
          tool_calls: starts.map((c) => ({
            id: c.id,
            type: "function",
            function: { name: c.function?.name, arguments: JSON.stringify(argsOf(c.index)) },
          })),
        } as unknown as Body["messages"][number],
        { role: "tool", tool_call_id: starts[0].id, content: '{"temp":21}' } as unknown as Body["messages"][number],
        { role: "tool", tool_call_id: starts[1].id, content: "12:00" } as unknown as Body["messages"][number],
      ],
    };
    const answer = chunksOf(await chat(followUp));
    const text = contentOf(answer.chunks);
    expect(text).toContain('get_weather returned {"temp":21}');
    expect(text).toContain("get_time returned 12:00");
    expect(answer.chunks.find((c) => c.choices[0].finish_reason)?.choices[0].finish_reason).toBe("stop");
  });

  it("a model without tool support answers 404 when tools are sent", async () => {
    const r = await chat(userBody("x", { model: "meta-llama/llama-3.1-8b-instruct", tools: [weather] }));
    expect(r.status).toBe(404);
    // error-404-no-endpoints-tool-use-via-kilo-gateway.message.txt: the message names the first tool.
    expect(JSON.parse(r.raw)).toEqual({
      error: {
        code: 404,
        message:
          'No endpoints found that support tool use. Try disabling "get_weather". To learn more about provider routing, visit: https://openrouter.ai/docs/guides/routing/provider-selection',
      },
    });
  });
});

describe("errors before the stream", () => {
  it.each([400, 401, 402, 403, 408, 429, 502, 503])("error status=%i", async (status) => {
    const body = userBody(`please [[sb:error status=${status} retry=7]]`);
    const r = await chat(body);
    expect(r.status).toBe(status);
    expect(r.headers.get("content-type")).toMatch(/^application\/json/);
    const err = (JSON.parse(r.raw) as { error: { code: number; message: string; metadata?: Record<string, unknown> } }).error;
    expect(err.code).toBe(status);
    expect(err.message.length).toBeGreaterThan(0);
    if (status === 403) expect(err.metadata).toMatchObject({ reasons: ["harassment"], flagged_input: "please", provider_name: "OpenAI" });
    if (status === 429) expect(r.headers.get("retry-after")).toBe("7");
    if (status === 429) expect(err.metadata).toMatchObject({ provider_name: "OpenAI", raw: expect.any(String) });
    if (status === 502) expect(err.metadata).toMatchObject({ provider_name: "OpenAI", raw: expect.any(String) });
    const gid = r.headers.get("x-generation-id");
    if (status <= 402) {
      expect(gid).toBeNull();
    } else {
      const g = await generation(gid ?? "");
      expect(g.total_cost).toBe(0);
      expect(g.finish_reason).toBe("error");
    }
  });

  it("429 kinds: the daily free cap with X-RateLimit headers, a provider's own limit, all providers at capacity", async () => {
    // error-429-free-models-per-day.partial.txt: no Retry-After; metadata.headers mirror the headers as strings.
    const free = await chat(userBody("x [[sb:error status=429]]", { model: "meta-llama/llama-3.3-70b-instruct:free" }));
    expect(free.status).toBe(429);
    expect(free.headers.get("retry-after")).toBeNull();
    const reset = Number(free.headers.get("x-ratelimit-reset"));
    const now = new Date();
    expect(reset).toBe(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
    expect(JSON.parse(free.raw)).toEqual({
      error: {
        message: "Rate limit exceeded: free-models-per-day. Add 10 credits to unlock 1000 free model requests per day",
        code: 429,
        metadata: { headers: { "X-RateLimit-Limit": "50", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": String(reset) } },
      },
    });
    expect(free.headers.get("x-ratelimit-limit")).toBe("50");
    // error-429-provider-rate-limited-upstream-gemini-free.json: raw a string (or an object), top-level user_id.
    const provider = await chat(userBody("x [[sb:error status=429]]"));
    expect(provider.headers.get("retry-after")).toBeNull();
    const pb = JSON.parse(provider.raw) as { error: { metadata: { raw: unknown } }; user_id: string };
    expect(pb).toMatchObject({ error: { code: 429, message: "Provider returned error", metadata: { provider_name: "OpenAI" } } });
    expect(pb.error.metadata.raw).toEqual(expect.stringContaining("is temporarily rate-limited upstream"));
    expect(pb.user_id).toMatch(/^user_\w{27}$/);
    const objectRaw = JSON.parse((await chat(userBody("x [[sb:error status=429 raw=object]]"))).raw) as typeof pb;
    expect(objectRaw.error.metadata.raw).toMatchObject({ error: { code: 429 } });
    // error-429-availability-capacity-exhausted.doc.json: no numeric code; retry_after in the body.
    const capacity = await chat(userBody("x [[sb:error status=429 kind=capacity retry=40]]"));
    expect(capacity.status).toBe(429);
    expect(JSON.parse(capacity.raw)).toMatchObject({
      error: { error_type: "rate_limit_exceeded", http_status: 429, availability: { code: "capacity_exhausted", retryable: true, retry_after: 40 } },
    });
  });

  it("times=n fails only the first n identical requests", async () => {
    const body = userBody("[[sb:error status=429 retry=0 times=1]] once");
    expect((await chat(body)).status).toBe(429);
    expect((await chat(body)).status).toBe(200);
  });
});

describe("broken streams", () => {
  it("midstream-error: n tokens, then an error chunk with finish_reason error, no [DONE]", async () => {
    const body = userBody("[[sb:midstream-error after=4]]");
    const r = await chat(body);
    expect(r.status).toBe(200);
    const { chunks, done } = chunksOf(r);
    expect(done).toBe(false);
    expect(chunks.filter((c) => (c.choices[0].delta.content ?? "") !== "")).toHaveLength(4);
    const last = chunks.at(-1) as Chunk;
    expect(last.error).toMatchObject({ code: 502, message: "Provider disconnected unexpectedly" });
    expect(last.choices[0].finish_reason).toBe("error");
    expect(chunks.some((c) => c.usage)).toBe(false);
    const g = await generation(r.headers.get("x-generation-id") ?? "");
    expect(g.finish_reason).toBe("error");
    expect(g.tokens_completion).toBe(4);
    expect(usdToNano(g.total_cost)).toBe(expectedNano("openai/gpt-4o", null, body, { completionTokens: 4 }));
  });

  it("midstream-error code=400: finish length, then the error chunk carrying the usage, then [DONE], as recorded", async () => {
    // stream-keepalives-reasoning-midstream-error-minimax-m2-free.sse
    const body = userBody("[[sb:midstream-error after=3 code=400]]");
    const { chunks, done } = chunksOf(await chat(body));
    expect(done).toBe(true);
    const at = chunks.findIndex((c) => c.error);
    expect(chunks[at - 1].choices[0].finish_reason).toBe("length");
    expect(chunks[at].error).toEqual({ code: 400, message: "Token limit reached" });
    expect(chunks[at].choices[0].finish_reason).toBeNull();
    expect(chunks[at].usage?.completion_tokens).toBe(3);
    expect(usdToNano(chunks[at].usage?.cost ?? -1)).toBe(expectedNano("openai/gpt-4o", null, body, { completionTokens: 3 }));
    expect(at).toBe(chunks.length - 1);
  });

  it("midstream-error code=429: an error chunk without metadata, finish_reason error, as documented", async () => {
    // stream-midstream-error-429.doc.sse
    const { chunks, done } = chunksOf(await chat(userBody("[[sb:midstream-error after=2 code=429]]")));
    expect(done).toBe(false);
    const last = chunks.at(-1) as Chunk;
    expect(last.error).toEqual({ code: 429, message: "Rate limit exceeded" });
    expect(last.choices[0].finish_reason).toBe("error");
  });

  it("midstream-error without streaming: HTTP 200 with the error in the choice beside the partial content", async () => {
    // completion-http-200-choice-error.doc.json
    const body = userBody(`${directive("midstream-error", { after: 3, text: "one two three four five" })}`, { stream: false });
    const r = await chat(body);
    expect(r.status).toBe(200);
    const result = JSON.parse(r.raw) as Result & { choices: { error?: unknown }[] };
    expect(result.choices[0].finish_reason).toBe("error");
    expect(result.choices[0].error).toEqual({
      code: 502,
      message: "Provider disconnected unexpectedly",
      metadata: { error_type: "provider_unavailable" },
    });
    expect(result.choices[0].message.content).toBe("one two three");
    expect(result.usage.completion_tokens).toBe(3);
  });

  it("drop: n tokens, then the connection dies without usage or [DONE]; /generation has the partial cost", async () => {
    const body = userBody("[[sb:drop after=6]]");
    const r = await chat(body);
    expect(r.streamError).not.toBeNull();
    const { chunks, done } = chunksOf(r);
    expect(done).toBe(false);
    // The 2025 shape's empty opening chunk, then the 6 tokens.
    expect(chunks).toHaveLength(7);
    expect(chunks.filter((c) => (c.choices[0].delta.content ?? "") !== "")).toHaveLength(6);
    const gid = r.headers.get("x-generation-id") ?? "";
    const g = await generation(gid);
    expect(g.tokens_completion).toBe(6);
    expect(g.cancelled).toBe(false);
    expect(usdToNano(g.total_cost)).toBe(expectedNano("openai/gpt-4o", null, body, { completionTokens: 6 }));
    const log = s.log.find((e) => e.generationId === gid);
    expect(log?.closedByClient).toBeUndefined();
  });

  it("stall: tokens, then only keep-alive comments, then the rest", async () => {
    const r = await chat(userBody("[[sb:stall after=3 ms=700 every=200 tokens=8 keepalives=0]]"));
    const events = r.raw.split("\n\n").filter(Boolean);
    const firstComment = events.findIndex((e) => e.startsWith(":"));
    // The empty opening chunk and 3 tokens, then the stall's keep-alives.
    expect(firstComment).toBe(4);
    const comments = events.filter((e) => e === ": OPENROUTER PROCESSING");
    expect(comments.length).toBeGreaterThanOrEqual(2);
    const { chunks, done } = chunksOf(r);
    expect(done).toBe(true);
    expect(usageOf(chunks).completion_tokens).toBe(8);
    const gap = r.arrivals.find((a) => a.text.includes("OPENROUTER"));
    expect(gap).toBeDefined();
  });

  it("slow-first: keep-alives, then the first token after the delay", async () => {
    const r = await chat(userBody('[[sb:slow-first ms=500 every=150 text="late"]]'));
    const firstData = r.arrivals.find((a) => a.text.includes("data:"));
    expect(firstData?.at).toBeGreaterThanOrEqual(480);
    expect(r.raw.startsWith(": OPENROUTER PROCESSING")).toBe(true);
    expect(contentOf(chunksOf(r).chunks)).toBe("late");
  });

  it("every stream starts with keep-alive comments, 3 for a reasoning model, else 2; keepalives=N sets how many", async () => {
    // As every recorded stream does (tests/fixtures/openrouter-recorded/stream-reasoning-encrypted-openai-o3.sse,
    // stream-keepalives-before-first-token-openai-gpt-4o-mini.partial.sse).
    const leading = (raw: string) => raw.split("\n\n").findIndex((e) => !e.startsWith(":"));
    const reasoning = await chat(userBody("Hi", { model: "deepseek/deepseek-r1" }));
    expect(leading(reasoning.raw)).toBe(3);
    expect(reasoning.raw.split("\n\n")[0]).toBe(": OPENROUTER PROCESSING");
    expect(chunksOf(reasoning).done).toBe(true);
    expect(leading((await chat(userBody('Hi [[sb:say text="ok" keepalives=7]]', { model: "deepseek/deepseek-r1" }))).raw)).toBe(7);
    expect(leading((await chat(userBody('Hi [[sb:say text="ok" keepalives=0]]', { model: "deepseek/deepseek-r1" }))).raw)).toBe(0);
    expect(leading((await chat(userBody("Hi"))).raw)).toBe(2);
  });

  it("stall without every=: silence, not keep-alives", async () => {
    const r = await chat(userBody("[[sb:stall after=2 ms=300 tokens=4]]"));
    // Only the leading keep-alives every stream starts with; none once the first chunk came.
    expect(r.raw.slice(r.raw.indexOf("data: "))).not.toContain("OPENROUTER PROCESSING");
    expect(chunksOf(r).done).toBe(true);
  });

  it("malformed: one chunk that is not JSON in an otherwise normal stream (or closing it)", async () => {
    const r = await chat(userBody("[[sb:malformed after=2 tokens=6]]"));
    const p = chunksOf(r);
    expect(p.nonJson).toHaveLength(1);
    expect(() => JSON.parse(p.nonJson[0])).toThrow();
    expect(p.done).toBe(true);
    expect(usageOf(p.chunks).completion_tokens).toBe(6);
    const closed = chunksOf(await chat(userBody("[[sb:malformed after=2 then=close]]")));
    expect(closed.nonJson).toHaveLength(1);
    expect(closed.done).toBe(false);
  });

  it("a client that goes away mid-stream: the log shows it, /generation bills what was sent", async () => {
    const ac = new AbortController();
    const body = userBody("[[sb:text tokens=200 rate=100]]");
    let gid = "";
    const r = await rawRequest(
      `${s.baseURL}/chat/completions`,
      {
        method: "POST",
        headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: ac.signal,
      },
      // At least five tokens of text: the 2025 shape opens with an empty-content chunk that carries none.
      (_t, soFar) => {
        if (contentOf(parseStream(soFar).chunks as unknown as Chunk[]).split(" ").length > 5) ac.abort();
      },
    ).catch((e: unknown) => {
      throw e;
    });
    gid = r.headers.get("x-generation-id") ?? "";
    expect(r.streamError).toMatch(/Abort/);
    const g = await generation(gid);
    expect(g.cancelled).toBe(true);
    expect(g.tokens_completion).toBeGreaterThanOrEqual(5);
    expect(g.tokens_completion).toBeLessThan(200);
    expect(usdToNano(g.total_cost)).toBe(expectedNano("openai/gpt-4o", null, body, { completionTokens: g.tokens_completion ?? 0 }));
    const entry = s.log.find((e) => e.generationId === gid);
    expect(entry?.closedByClient).toBe(true);
    expect(entry?.closedAt).toBeDefined();
  });
});

describe("routing", () => {
  const model = "meta-llama/llama-3.3-70b-instruct";
  async function served(
    provider: Record<string, unknown>,
    m = model,
  ): Promise<{ status: number; provider?: string; raw: string; cost?: number; body: Body }> {
    const body = userBody('[[sb:say text="routed"]]', { model: m, provider });
    const r = await chat(body);
    if (r.status !== 200) return { status: r.status, raw: r.raw, body };
    const { chunks } = chunksOf(r);
    return { status: 200, provider: chunks[0].provider, raw: r.raw, cost: usageOf(chunks).cost, body };
  }

  it("honours sort, order, only, ignore, quantizations, zdr and max_price, and bills the chosen endpoint", async () => {
    expect((await served({})).provider).toBe("DeepInfra");
    expect((await served({ sort: "price" })).provider).toBe("DeepInfra");
    expect((await served({ sort: "throughput" })).provider).toBe("Groq");
    expect((await served({ sort: "latency" })).provider).toBe("Together");
    expect((await served({ sort: { by: "throughput" } })).provider).toBe("Groq");
    expect((await served({ order: ["together", "groq"] })).provider).toBe("Together");
    expect((await served({ order: ["Groq"], allow_fallbacks: false })).provider).toBe("Groq");
    expect((await served({ only: ["groq", "together"] })).provider).toBe("Groq");
    expect((await served({ ignore: ["deepinfra"] })).provider).toBe("Groq");
    expect((await served({ quantizations: ["fp8"], sort: "latency" })).provider).toBe("Together");
    expect((await served({ zdr: true }, "openai/gpt-4o")).provider).toBe("Azure");
    expect((await served({ max_price: { prompt: 0.5 }, ignore: ["DeepInfra"] })).status).toBe(404);
    const cheapest = await served({ max_price: { prompt: "0.6", completion: "0.8" }, sort: "throughput" });
    expect(cheapest.provider).toBe("Groq");
    const together = await served({ order: ["together"] });
    expect(usdToNano(together.cost ?? -1)).toBe(expectedNano(model, "Together", together.body, { completionTokens: 1 }));
    // The first chunk, after the keep-alive comments every stream starts with.
    const g = await generation(parseStream(together.raw).chunks[0].id as string);
    expect(g.provider_name).toBe("Together");
  });

  // The recorded bodies (tests/fixtures/openrouter-recorded/, README point 15): the provider lists with
  // lowercase slugs, the data-policy text without metadata, the availability object for zero data
  // retention; the filters nothing recorded names answer "No endpoints found for <model>." Before, each
  // 404 carried a "provider.<field>" of our own invention, which the app then parsed.
  it("answers each routing 404 with the body OpenRouter gives for it", async () => {
    const bodyOf = async (prefs: Record<string, unknown>, m = model) => {
      const r = await served(prefs, m);
      expect(r.status).toBe(404);
      return (JSON.parse(r.raw) as { error: Record<string, unknown> }).error;
    };
    const slugs = getModel(model)!.endpoints.map((e) => e.slug);
    expect(await bodyOf({ only: ["Azure"] })).toEqual({
      message: "No allowed providers are available for the selected model.",
      code: 404,
      metadata: { available_providers: slugs, requested_providers: ["azure"] },
    });
    expect(await bodyOf({ order: ["azure"], allow_fallbacks: false })).toMatchObject({
      metadata: { available_providers: slugs, requested_providers: ["azure"] },
    });
    expect(await bodyOf({ ignore: ["deepinfra", "groq", "together"] })).toMatchObject({
      message: "No allowed providers are available for the selected model.",
      metadata: { available_providers: slugs, requested_providers: [] },
    });
    expect(await bodyOf({ data_collection: "deny" }, "meta-llama/llama-3.3-70b-instruct:free")).toEqual({
      message: "No endpoints found matching your data policy (Paid model training). Configure: https://openrouter.ai/settings/privacy",
      code: 404,
    });
    const zdr = await bodyOf({ zdr: true }, "openai/gpt-4.1");
    expect(zdr).toMatchObject({ error_type: "not_found", http_status: 404, message: expect.stringContaining("zero data retention") });
    expect(zdr.code).toBeUndefined();
    expect(zdr.availability).toMatchObject({
      code: "privacy_restricted",
      retryable: false,
      excluded_by: ["data_policy:zdr"],
      requested_models: ["openai/gpt-4.1"],
    });
    for (const prefs of [{ max_price: { completion: 0.01 } }, { quantizations: ["int4"] }]) {
      expect(await bodyOf(prefs)).toEqual({ message: `No endpoints found for ${model}.`, code: 404 });
    }
  });

  it("fallback: the first model fails and the next one serves (or the next provider)", async () => {
    const body = userBody("[[sb:fallback]] hi", { model: "openai/gpt-4o", models: ["anthropic/claude-haiku-4.5"] });
    const r = await chat(body);
    const { chunks } = chunksOf(r);
    expect(chunks[0].model).toBe("anthropic/claude-haiku-4.5");
    expect(chunks[0].provider).toBe("Anthropic");
    const g = await generation(r.headers.get("x-generation-id") ?? "");
    expect(g.model).toBe("anthropic/claude-haiku-4.5");
    expect(g.provider_responses?.map((p) => [p.provider_name, p.status])).toEqual([
      ["OpenAI", 502],
      ["Azure", 502],
      ["Anthropic", 200],
    ]);
    const nextProvider = chunksOf(await chat(userBody("[[sb:fallback]]", { model: "openai/gpt-4o" })));
    expect(nextProvider.chunks[0].provider).toBe("Azure");
    const noFallback = await chat(userBody("[[sb:fallback]]", { model: "openai/gpt-4o", provider: { allow_fallbacks: false } }));
    expect(noFallback.status).toBe(502);
  });

  it("refuses more than 3 entries in `models` with the recorded 400; 3 beside a different `model` are served", async () => {
    // tests/fixtures/openrouter-recorded/error-400-models-too-many.message.txt
    const message = readFileSync(
      new URL("../tests/fixtures/openrouter-recorded/error-400-models-too-many.message.txt", import.meta.url),
      "utf8",
    ).trim();
    const four = ["anthropic/claude-haiku-4.5", "google/gemini-2.5-flash", "x-ai/grok-3-mini", "mistralai/mistral-nemo"];
    const refused = await chat(userBody("[[sb:fallback]] hi", { model: "openai/gpt-4o", models: four }));
    expect(refused.status).toBe(400);
    expect(refused.headers.get("x-generation-id")).toBeNull();
    expect(JSON.parse(refused.raw)).toEqual({ error: { code: 400, message } });
    const three = await chat(userBody("[[sb:fallback]] hi", { model: "openai/gpt-4o", models: four.slice(0, 3) }));
    expect(three.status).toBe(200);
    expect(chunksOf(three).chunks[0].model).toBe("anthropic/claude-haiku-4.5");
  });

  it("openrouter/auto picks a concrete model and says which", async () => {
    const r = await chat(userBody('[[sb:say text="auto"]]', { model: AUTO_MODEL_ID }));
    const { chunks } = chunksOf(r);
    expect(chunks[0].model).toBe("openai/gpt-4o-mini");
    const g = await generation(r.headers.get("x-generation-id") ?? "");
    expect(g.model).toBe("openai/gpt-4o-mini");
    expect(g.router).toBe(AUTO_MODEL_ID);
    const claude = chunksOf(await chat(userBody("x", { model: AUTO_MODEL_ID, plugins: [{ id: "auto-router", allowed_models: ["anthropic/*"] }] })));
    expect(claude.chunks[0].model).toBe("anthropic/claude-sonnet-4.5");
  });
});

describe("plugins, media and images", () => {
  it("web plugin: url_citation annotations and the search price in usage.cost", async () => {
    const body = userBody('latest news [[sb:say text="Here is the news."]]', {
      model: "meta-llama/llama-3.3-70b-instruct",
      plugins: [{ id: "web", max_results: 3 }],
    });
    const { chunks } = chunksOf(await chat(body));
    const ann = chunks.flatMap((c) => c.choices[0].delta.annotations ?? []);
    expect(ann).toHaveLength(3);
    const text = contentOf(chunks);
    for (const a of ann) {
      expect(a.type).toBe("url_citation");
      expect(text.slice(a.url_citation.start_index, a.url_citation.end_index)).toContain(a.url_citation.url);
    }
    const u = usageOf(chunks);
    expect(u.server_tool_use_details?.web_search_requests).toBe(1);
    expect(usdToNano(u.cost)).toBe(
      expectedNano("meta-llama/llama-3.3-70b-instruct", null, body, {
        completionTokens: u.completion_tokens,
        webSearch: { engine: "exa", results: 3 },
      }),
    );
    expect(usdToNano(u.cost) - usdToNano(u.cost_details.upstream_inference_cost)).toBe(3n * priceToNano("0.004"));
    // A model with native search bills its own web_search price once.
    const native = userBody('news [[sb:say text="ok"]]', { model: "openai/gpt-4o:online" });
    const n = chunksOf(await chat(native));
    expect(n.chunks[0].model).toBe("openai/gpt-4o");
    const nu = usageOf(n.chunks);
    expect(usdToNano(nu.cost)).toBe(
      expectedNano("openai/gpt-4o", null, native, { completionTokens: nu.completion_tokens, webSearch: { engine: "native" } }),
    );
  });

  it("accepts image and file parts, logs them and bills images", async () => {
    const png = "data:image/png;base64,iVBORw0KGgo=";
    const body: Body = {
      model: "openai/gpt-4o",
      stream: true,
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: 'what is this? [[sb:say text="A picture."]]' },
            { type: "image_url", image_url: { url: png } },
            { type: "file", file: { filename: "a.pdf", file_data: "data:application/pdf;base64,JVBERi0=" } },
          ],
        },
      ],
    };
    const r = await chat(body);
    const u = usageOf(chunksOf(r).chunks);
    expect(usdToNano(u.cost)).toBe(expectedNano("openai/gpt-4o", null, body, { completionTokens: 2, inputImages: 1 }));
    const entry = s.log.find((e) => e.generationId === r.headers.get("x-generation-id"));
    expect(JSON.stringify(entry?.body)).toContain(png);
    expect((await generation(r.headers.get("x-generation-id") ?? "")).num_media_prompt).toBe(2);
    const noVision = await chat({ ...body, model: "deepseek/deepseek-chat-v3.1" });
    expect(noVision.status).toBe(404);
  });

  it("an image-output model returns an image in the delta and in the message", async () => {
    const body = userBody("draw a cat", { model: "google/gemini-2.5-flash-image", modalities: ["image", "text"] });
    const { chunks } = chunksOf(await chat(body));
    const images = chunks.flatMap((c) => c.choices[0].delta.images ?? []);
    expect(images).toHaveLength(1);
    expect(images[0]).toMatchObject({ type: "image_url", image_url: { url: expect.stringMatching(/^data:image\/png;base64,/) } });
    const u = usageOf(chunks);
    expect(usdToNano(u.cost)).toBe(
      expectedNano("google/gemini-2.5-flash-image", null, body, { completionTokens: u.completion_tokens, outputImages: 1 }),
    );
    const plain = JSON.parse((await chat({ ...body, stream: false })).raw) as Result;
    expect(plain.choices[0].message.images).toHaveLength(1);
  });

  it("rejects prompts longer than the context window", async () => {
    const r = await chat(userBody("x", { model: "mistralai/mistral-7b-instruct:free", max_tokens: 40000 }));
    expect(r.status).toBe(400);
    expect(r.raw).toContain("maximum context length");
  });
});

describe("/key and /generation", () => {
  it("/key sums the generations of the key", async () => {
    const other = await startLocalOpenRouter({ tokensPerSecond: 0, keyLimitUsd: 10 });
    try {
      const k = "sk-or-v1-another-key";
      let total = 0n;
      for (const t of ["one", "two three", "four five six"]) {
        const res = await fetch(`${other.baseURL}/chat/completions`, {
          method: "POST",
          headers: { authorization: `Bearer ${k}`, "content-type": "application/json" },
          body: JSON.stringify({ model: "openai/gpt-4o", messages: [{ role: "user", content: `[[sb:say text="${t}"]]` }] }),
        });
        total += usdToNano(((await res.json()) as Result).usage.cost);
      }
      const r = await getJson(`${other.baseURL}/key`, k);
      expect(r.raw.includes(k)).toBe(false);
      v.assertResponse("/key", "get", 200, r.json);
      const d = (r.json as { data: { usage: number; usage_daily: number; usage_monthly: number; limit: number; limit_remaining: number } }).data;
      expect(usdToNano(d.usage)).toBe(total);
      expect(usdToNano(d.usage_daily)).toBe(total);
      expect(d.limit).toBe(10);
      expect(usdToNano(d.limit_remaining)).toBe(10_000_000_000n - total);
      // Another key has its own usage.
      const fresh = (await getJson(`${other.baseURL}/key`, "sk-or-v1-fresh")).json as { data: { usage: number } };
      expect(fresh.data.usage).toBe(0);
    } finally {
      await other.close();
    }
  });

  it("/generation is 404 for unknown ids, and until generationDelayMs has passed", async () => {
    const unknown = await getJson(`${s.baseURL}/generation?id=gen-0-nope`, KEY);
    expect(unknown.status).toBe(404);
    v.assertResponse("/generation", "get", 404, unknown.json);
    const slow = await startLocalOpenRouter({ apiKey: KEY, tokensPerSecond: 0, generationDelayMs: 300 });
    try {
      const res = await fetch(`${slow.baseURL}/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "openai/gpt-4o", messages: [{ role: "user", content: "hi" }] }),
      });
      const id = res.headers.get("x-generation-id") ?? "";
      await res.text();
      expect((await getJson(`${slow.baseURL}/generation?id=${id}`, KEY)).status).toBe(404);
      await new Promise((r) => setTimeout(r, 350));
      const g = await getJson(`${slow.baseURL}/generation?id=${id}`, KEY);
      expect(g.status).toBe(200);
      expect(slow.generations.get(id)?.costNano).toBe(usdToNano((g.json as { data: GenerationData }).data.total_cost));
    } finally {
      await slow.close();
    }
  });
});

describe("robustness", () => {
  it("serves 200 concurrent streams", async () => {
    const busy = await startLocalOpenRouter({ apiKey: KEY, tokensPerSecond: 400 });
    try {
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          rawRequest(`${busy.baseURL}/chat/completions`, {
            method: "POST",
            headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
            body: JSON.stringify(userBody(`stream ${i} [[sb:text tokens=40]]`)),
          }),
        ),
      );
      for (const r of results) {
        expect(r.status).toBe(200);
        const p = parseStream(r.raw);
        expect(p.done).toBe(true);
        expect(usageOf(p.chunks as unknown as Chunk[]).completion_tokens).toBe(40);
      }
      expect(busy.generations.size).toBe(200);
    } finally {
      await busy.close();
    }
  });

  it("close() ends stalled streams, frees every socket and leaves no timer behind", async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
    const before = timers();
    const srv = await startLocalOpenRouter({ apiKey: KEY, tokensPerSecond: 1000 });
    const pending = Array.from({ length: 10 }, () =>
      rawRequest(`${srv.baseURL}/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
        body: JSON.stringify(userBody("[[sb:stall after=2 every=50]]")),
      }),
    );
    await new Promise((r) => setTimeout(r, 200));
    const t0 = performance.now();
    await srv.close();
    expect(performance.now() - t0).toBeLessThan(1000);
    const results = await Promise.all(pending);
    for (const r of results) expect(r.streamError).not.toBeNull();
    for (const g of srv.generations.values()) expect(g.state).toBe("done");
    await new Promise((r) => setTimeout(r, 20));
    expect(timers()).toBeLessThanOrEqual(before);
  });

  it("main.ts prints one ready line without the key and stops on SIGTERM", async () => {
    const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
    const secret = "sk-or-v1-cli-secret-should-not-print";
    const child = spawn(process.execPath, [path.join(root, "node_modules", "tsx", "dist", "cli.mjs"), path.join(root, "local-openrouter/main.ts")], {
      cwd: root,
      env: { ...process.env, LOCAL_OPENROUTER_PORT: "0", LOCAL_OPENROUTER_KEY: secret },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ready line: ${out} ${err}`)), 20_000);
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        const m = /^local-openrouter listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
    });
    const ok = await fetch(`${url}/api/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "openai/gpt-4o", messages: [{ role: "user", content: '[[sb:say text="cli"]]' }] }),
    });
    expect(((await ok.json()) as Result).choices[0].message.content).toBe("cli");
    const bad = await fetch(`${url}/api/v1/key`, { headers: { authorization: "Bearer other" } });
    expect(bad.status).toBe(401);
    const code = await new Promise<number | null>((resolve) => {
      child.once("exit", (c) => resolve(c));
      child.kill("SIGTERM");
    });
    expect(code).toBe(0);
    expect(out.split("\n").filter(Boolean)).toHaveLength(1);
    expect(out + err).not.toContain(secret);
  });
});

describe("cost arithmetic", () => {
  it("every cost on the wire is an exact number of nano-USD", () => {
    expect(priceToNano("0.000000075")).toBe(75n);
    expect(priceToNano("0.0000025")).toBe(2500n);
    expect(priceToNano("0")).toBe(0n);
    expect(priceToNano("-1")).toBe(-1_000_000_000n);
    expect(() => priceToNano("0.0000000001")).toThrow();
    const c = computeCostNano(
      { prompt: "0.0000025", completion: "0.00001", input_cache_read: "0.00000125", internal_reasoning: "0.000012" },
      {
        promptTokens: 1000,
        cachedTokens: 400,
        completionTokens: 300,
        reasoningTokens: 100,
      },
    );
    // 600*2500 + 400*1250 + 200*10000 + 100*12000
    expect(c.totalNano).toBe(1_500_000n + 500_000n + 2_000_000n + 1_200_000n);
    expect(usdToNano(nanoToUsd(c.totalNano))).toBe(c.totalNano);
    for (let n = 0n; n < 5_000n; n += 7n) expect(usdToNano(nanoToUsd(n * 1_234_567n))).toBe(n * 1_234_567n);
  });
});
