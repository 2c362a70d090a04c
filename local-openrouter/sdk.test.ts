/**
 * The real `@openrouter/ai-sdk-provider` + `ai` against the local OpenRouter, over HTTP, exactly
 * as production talks to openrouter.ai. Every request the provider sends and every response or
 * chunk it receives is validated against OpenRouter's OpenAPI description on the side (a
 * pass-through `fetch`), and text, reasoning, tool calls, usage and exact costs are asserted.
 */
import { createOpenRouter } from "@openrouter/ai-sdk-provider";
import { APICallError, generateText, isStepCount, Output, streamText, tool } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { getModel } from "./catalog";
import { computeCostNano, priceToNano, type UsageForCost, usdToNano } from "./cost";
import { directive } from "./directive";
import { type LocalOpenRouter, startLocalOpenRouter } from "./server";
import { loadSpecValidator } from "./spec-validator";
import { type FetchReport, validatingFetch, waitForGeneration } from "./test-utils";
import { countPromptTokens, type PromptLike, tokenize } from "./tokenizer";

const KEY = "sk-or-v1-sdk-test-key";
const v = loadSpecValidator();
let s: LocalOpenRouter;

beforeAll(async () => {
  s = await startLocalOpenRouter({ apiKey: KEY, tokensPerSecond: 2000 });
});

afterAll(async () => {
  await s.close();
});

const APP_URL = "https://switchboard.test/";
const APP_NAME = "Switchboard tests";

/**
 * The provider as production builds it (strict compatibility, app name and URL), with a fetch that
 * validates everything on the side. The fetch detaches the abort signal once the response head
 * has arrived: see `detachedAbortFetch` for the provider bug this avoids.
 */
function setup() {
  const { fetch, report } = validatingFetch(v);
  const or = createOpenRouter({ apiKey: KEY, baseURL: s.baseURL, fetch, compatibility: "strict", appName: APP_NAME, appUrl: APP_URL });
  return { or, report };
}

async function clean(report: FetchReport): Promise<void> {
  await report.settle();
  expect(report.problems).toEqual([]);
}

/** Exact cost of a request the provider sent, from the catalog prices of the endpoint that served it. */
function expectedNano(request: unknown, modelId: string, provider: string | null, u: Omit<UsageForCost, "promptTokens">): bigint {
  const m = getModel(modelId);
  const e = provider ? m?.endpoints.find((x) => x.providerName === provider) : m?.endpoints[0];
  if (!e) throw new Error(`no endpoint ${provider} for ${modelId}`);
  return computeCostNano(e.pricing, { ...u, promptTokens: countPromptTokens(request as PromptLike) }).totalNano;
}

interface OpenRouterUsageMeta {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  cost?: number;
  promptTokensDetails?: { cachedTokens: number };
  completionTokensDetails?: { reasoningTokens: number };
  costDetails?: { upstreamInferenceCost: number };
}

function orUsage(meta: unknown): OpenRouterUsageMeta {
  const u = (meta as { openrouter?: { usage?: OpenRouterUsageMeta } } | undefined)?.openrouter?.usage;
  if (!u) throw new Error(`no openrouter usage in ${JSON.stringify(meta)}`);
  return u;
}

describe("text", () => {
  it("streamText: exact text, usage and cost; /generation agrees", async () => {
    const { or, report } = setup();
    const text = "Hello **world**, <b>this</b> is [a link](https://example.com).";
    const r = streamText({ model: or("openai/gpt-4o"), instructions: "Be brief.", prompt: `Say it ${directive("say", { text })}`, maxRetries: 0 });
    expect(await r.text).toBe(text);
    expect(await r.finishReason).toBe("stop");
    const meta = await r.providerMetadata;
    const u = orUsage(meta);
    const req = report.requests[0];
    expect(u.promptTokens).toBe(countPromptTokens(req as PromptLike));
    expect(u.completionTokens).toBe(tokenize(text).length);
    expect(u.totalTokens).toBe(u.promptTokens + u.completionTokens);
    expect(u.promptTokensDetails?.cachedTokens).toBe(0);
    expect(u.completionTokensDetails?.reasoningTokens).toBe(0);
    const nano = expectedNano(req, "openai/gpt-4o", null, { completionTokens: u.completionTokens });
    expect(usdToNano(u.cost ?? -1)).toBe(nano);
    expect(usdToNano(u.costDetails?.upstreamInferenceCost ?? -1)).toBe(nano);
    expect((meta as { openrouter: { provider: string } }).openrouter.provider).toBe("OpenAI");
    const usage = await r.usage;
    expect(usage.inputTokens).toBe(u.promptTokens);
    expect(usage.outputTokens).toBe(u.completionTokens);
    expect((usage.raw as { is_byok?: boolean } | undefined)?.is_byok).toBe(false);
    const response = await r.response;
    expect(response.modelId).toBe("openai/gpt-4o");
    expect(report.generationIds).toHaveLength(1);
    expect(response.id).toBe(report.generationIds[0]);
    const g = await waitForGeneration(s.baseURL, KEY, report.generationIds[0]);
    expect(usdToNano(g.total_cost)).toBe(nano);
    expect(g.cancelled).toBe(false);
    expect(g.http_referer).toBe(APP_URL);
    // The key went only into the Authorization header; the app identifies itself as OpenRouter documents.
    const entry = s.log.find((e) => e.generationId === report.generationIds[0]);
    expect(entry?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(entry?.headers["http-referer"]).toBe(APP_URL);
    expect(entry?.headers["x-openrouter-title"] ?? entry?.headers["x-title"]).toBe(APP_NAME);
    expect(JSON.stringify(entry?.body)).not.toContain(KEY);
    expect(entry?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    await clean(report);
  });

  it("generateText (non-streaming) gives the same text and cost", async () => {
    const { or, report } = setup();
    const r = await generateText({
      model: or("anthropic/claude-haiku-4.5"),
      prompt: `${directive("say", { text: "Plain answer." })}`,
      maxRetries: 0,
    });
    expect(r.text).toBe("Plain answer.");
    const u = orUsage(r.providerMetadata);
    expect(usdToNano(u.cost ?? -1)).toBe(expectedNano(report.requests[0], "anthropic/claude-haiku-4.5", null, { completionTokens: 2 }));
    await clean(report);
  });

  it("long: 1000 tokens quickly", async () => {
    const { or, report } = setup();
    const t0 = performance.now();
    const r = streamText({ model: or("mistralai/mistral-nemo"), prompt: "[[sb:long]]", maxRetries: 0 });
    const text = await r.text;
    expect(tokenize(text)).toHaveLength(1000);
    expect(orUsage(await r.providerMetadata).completionTokens).toBe(1000);
    expect(performance.now() - t0).toBeLessThan(3000);
    await clean(report);
  });
});

describe("structured output", () => {
  it("Output.object gets JSON matching its zod schema", async () => {
    const { or, report } = setup();
    const r = await generateText({
      model: or("openai/gpt-4.1-mini"),
      prompt: "Describe a lamp",
      output: Output.object({ schema: z.object({ name: z.string(), watts: z.number(), tags: z.array(z.string()) }) }),
      maxRetries: 0,
    });
    expect(r.output).toEqual({ name: "sample name", watts: 1, tags: ["sample tags"] });
    expect(report.requests[0]).toMatchObject({ response_format: { type: "json_schema" } });
    await clean(report);
  });
});

describe("reasoning", () => {
  it("reasoning deltas become reasoning text, billed as reasoning tokens", async () => {
    const { or, report } = setup();
    const r = streamText({ model: or("google/gemini-2.5-flash"), prompt: '[[sb:reasoning tokens=12 text="Done thinking."]]', maxRetries: 0 });
    expect(await r.text).toBe("Done thinking.");
    const reasoning = await r.reasoningText;
    expect(tokenize(reasoning ?? "")).toHaveLength(12);
    const u = orUsage(await r.providerMetadata);
    expect(u.completionTokensDetails?.reasoningTokens).toBe(12);
    expect(u.completionTokens).toBe(12 + tokenize("Done thinking.").length);
    expect((await r.usage).outputTokenDetails.reasoningTokens).toBe(12);
    expect(usdToNano(u.cost ?? -1)).toBe(
      expectedNano(report.requests[0], "google/gemini-2.5-flash", null, { completionTokens: u.completionTokens, reasoningTokens: 12 }),
    );
    await clean(report);
  });

  it("reasoning set through the model settings reaches the server", async () => {
    const { or, report } = setup();
    const r = streamText({ model: or("anthropic/claude-sonnet-4.5", { reasoning: { effort: "low" } }), prompt: "think a little", maxRetries: 0 });
    await r.text;
    expect(report.requests[0]).toMatchObject({ reasoning: { effort: "low" } });
    expect(tokenize((await r.reasoningText) ?? "")).toHaveLength(16);
    await clean(report);
  });
});

describe("tools", () => {
  it("a tool loop with parallel calls: zod inputs, execute, isStepCount(5), summed cost", async () => {
    const { or, report } = setup();
    const calls: string[] = [];
    const r = streamText({
      model: or("openai/gpt-4o"),
      prompt: `Weather and time in Oslo? ${directive("tools", { calls: "weather,time", steps: 2, "args.weather": '{"city":"Oslo"}' })}`,
      maxRetries: 0,
      stopWhen: isStepCount(5),
      tools: {
        weather: tool({
          description: "Current weather for a city",
          inputSchema: z.object({ city: z.string() }),
          execute: async ({ city }) => {
            calls.push(`weather:${city}`);
            return { city, tempC: 21 };
          },
        }),
        time: tool({
          description: "Current time in a time zone",
          inputSchema: z.object({ tz: z.string() }),
          execute: async ({ tz }) => {
            calls.push(`time:${tz}`);
            return `12:00 in ${tz}`;
          },
        }),
      },
    });
    const text = await r.text;
    const steps = await r.steps;
    expect(steps).toHaveLength(3);
    for (const st of steps.slice(0, 2)) {
      expect(st.finishReason).toBe("tool-calls");
      expect(st.toolCalls.map((c) => [c.toolName, c.input])).toEqual([
        ["weather", { city: "Oslo" }],
        ["time", { tz: "sample tz" }],
      ]);
      expect(st.toolResults).toHaveLength(2);
    }
    expect(calls).toEqual(["weather:Oslo", "time:sample tz", "weather:Oslo", "time:sample tz"]);
    expect(text).toContain('weather returned {"city":"Oslo","tempC":21}');
    expect(text).toContain("time returned 12:00 in sample tz");
    // The SDK does not add cost across steps: the sum over steps is the loop's cost.
    expect(report.requests).toHaveLength(3);
    let expected = 0n;
    let got = 0n;
    steps.forEach((st, i) => {
      const u = orUsage(st.providerMetadata);
      got += usdToNano(u.cost ?? -1);
      expected += expectedNano(report.requests[i], "openai/gpt-4o", null, { completionTokens: u.completionTokens });
    });
    expect(got).toBe(expected);
    // The tool results went back to the server as role "tool" messages.
    const last = report.requests[2] as { messages: { role: string; content: unknown }[] };
    expect(last.messages.filter((m) => m.role === "tool")).toHaveLength(4);
    await clean(report);
  });
});

describe("errors before the stream", () => {
  it.each([400, 401, 402, 403, 408, 429, 502, 503])("HTTP %i surfaces as an APICallError with OpenRouter’s message", async (status) => {
    const { or, report } = setup();
    let caught: unknown;
    try {
      await generateText({ model: or("openai/gpt-4o"), prompt: `x [[sb:error status=${status}]]`, maxRetries: 0 });
    } catch (e) {
      caught = e;
    }
    expect(APICallError.isInstance(caught)).toBe(true);
    const err = caught as APICallError;
    expect(err.statusCode).toBe(status);
    expect(err.isRetryable).toBe(status === 408 || status === 429 || status >= 500);
    // A provider 429 comes without Retry-After (error-429-provider-rate-limited-upstream-gemini-free.headers.json).
    if (status === 429) expect(err.responseHeaders?.["retry-after"]).toBeUndefined();
    if (status === 502) expect(err.message).toMatch(/^\[OpenAI\] /);
    if (status === 402) expect(err.message).toContain("Insufficient credits");
    await clean(report);
  });

  it("streamText reports the same error through onError", async () => {
    const { or, report } = setup();
    const errors: unknown[] = [];
    const r = streamText({
      model: or("openai/gpt-4o"),
      prompt: "x [[sb:error status=403 reason=violence]]",
      maxRetries: 0,
      onError: ({ error }) => void errors.push(error),
    });
    await r.consumeStream();
    expect(errors).toHaveLength(1);
    expect((errors[0] as APICallError).statusCode).toBe(403);
    expect((errors[0] as APICallError).message).toContain("violence");
    await clean(report);
  });

  it("the SDK retries a 429 after Retry-After and then succeeds", async () => {
    const { or, report } = setup();
    const r = await generateText({ model: or("openai/gpt-4o"), prompt: "[[sb:error status=429 retry=0 times=1]] retry me", maxRetries: 1 });
    expect(r.text).toContain("retry me");
    expect(report.requests).toHaveLength(2);
    await clean(report);
  });
});

describe("broken streams", () => {
  it('mid-stream error: the text so far, an error part, finish "error", true partial cost in /generation', async () => {
    const { or, report } = setup();
    const parts: string[] = [];
    let errorPart: unknown;
    const r = streamText({ model: or("openai/gpt-4o"), prompt: "[[sb:midstream-error after=4]]", maxRetries: 0, onError: () => undefined });
    for await (const p of r.fullStream) {
      parts.push(p.type);
      if (p.type === "error") errorPart = p.error;
    }
    expect(parts).toContain("error");
    expect(errorPart).toMatchObject({ statusCode: 502 });
    expect(await r.finishReason).toBe("error");
    expect(tokenize(await r.text)).toHaveLength(4);
    const g = await waitForGeneration(s.baseURL, KEY, report.generationIds[0]);
    expect(g.finish_reason).toBe("error");
    expect(usdToNano(g.total_cost)).toBe(expectedNano(report.requests[0], "openai/gpt-4o", null, { completionTokens: 4 }));
    await clean(report);
  });

  it("dropped connection: error part, no usage; /generation has the true partial cost", async () => {
    const { or, report } = setup();
    let sawError = false;
    const r = streamText({ model: or("openai/gpt-4o"), prompt: "[[sb:drop after=6]]", maxRetries: 0, onError: () => void (sawError = true) });
    await r.consumeStream();
    expect(sawError).toBe(true);
    expect(await r.finishReason).toBe("error");
    expect(tokenize(await r.text)).toHaveLength(6);
    expect(orUsage(await r.providerMetadata).cost).toBeUndefined();
    const g = await waitForGeneration(s.baseURL, KEY, report.generationIds[0]);
    expect(g.tokens_completion).toBe(6);
    expect(usdToNano(g.total_cost)).toBe(expectedNano(report.requests[0], "openai/gpt-4o", null, { completionTokens: 6 }));
    await clean(report);
  });

  it("stall: keep-alives are ignored, an abort signal timeout ends it, the upstream connection is closed", async () => {
    const { or, report } = setup();
    let aborted = false;
    let ended = false;
    const r = streamText({
      model: or("openai/gpt-4o"),
      prompt: "[[sb:stall after=3 every=50]]",
      maxRetries: 0,
      abortSignal: AbortSignal.timeout(700),
      onAbort: () => void (aborted = true),
      onEnd: () => void (ended = true),
      onError: () => undefined,
    });
    let text = "";
    try {
      for await (const t of r.textStream) text += t;
    } catch {
      // an abort may surface as a rejection
    }
    expect(aborted).toBe(true);
    expect(ended).toBe(false);
    expect(tokenize(text)).toHaveLength(3);
    const gid = report.generationIds[0];
    const g = await waitForGeneration(s.baseURL, KEY, gid);
    expect(g.cancelled).toBe(true);
    expect(g.tokens_completion).toBe(3);
    expect(usdToNano(g.total_cost)).toBe(expectedNano(report.requests[0], "openai/gpt-4o", null, { completionTokens: 3 }));
    expect(s.log.find((e) => e.generationId === gid)?.closedByClient).toBe(true);
    await clean(report);
  });

  it("slow first token: the stream waits, then answers", async () => {
    const { or, report } = setup();
    const t0 = performance.now();
    let firstAt = 0;
    const r = streamText({ model: or("openai/gpt-4o"), prompt: '[[sb:slow-first ms=400 every=100 text="finally here"]]', maxRetries: 0 });
    let text = "";
    for await (const t of r.textStream) {
      firstAt ||= performance.now() - t0;
      text += t;
    }
    expect(text).toBe("finally here");
    expect(firstAt).toBeGreaterThanOrEqual(390);
    await clean(report);
  });

  it("malformed chunk: a JSON parse error part, the rest of the stream still arrives with its usage", async () => {
    const { or, report } = setup();
    const errors: unknown[] = [];
    const r = streamText({
      model: or("openai/gpt-4o"),
      prompt: "[[sb:malformed after=2 tokens=8]]",
      maxRetries: 0,
      onError: ({ error }) => void errors.push(error),
    });
    const text = await r.text;
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).name).toBe("AI_JSONParseError");
    expect(tokenize(text)).toHaveLength(8);
    expect(orUsage(await r.providerMetadata).completionTokens).toBe(8);
    await report.settle();
    expect(report.nonJsonChunks).toHaveLength(1);
    await clean(report);
  });

  it("a stop (AbortController) mid-stream: onAbort, no usage, and /generation bills exactly what was sent", async () => {
    const { or, report } = setup();
    const ac = new AbortController();
    let aborted = false;
    let ended = false;
    const r = streamText({
      model: or("deepseek/deepseek-chat-v3.1"),
      prompt: "[[sb:text tokens=300 rate=100]]",
      maxRetries: 0,
      abortSignal: ac.signal,
      onAbort: () => void (aborted = true),
      onEnd: () => void (ended = true),
      onError: () => undefined,
    });
    let deltas = 0;
    try {
      for await (const _ of r.textStream) {
        if (++deltas === 5) ac.abort();
      }
    } catch {
      // aborted
    }
    expect(aborted).toBe(true);
    expect(ended).toBe(false);
    const gid = report.generationIds[0];
    const g = await waitForGeneration(s.baseURL, KEY, gid);
    expect(g.cancelled).toBe(true);
    expect(g.tokens_completion).toBeGreaterThanOrEqual(5);
    expect(g.tokens_completion).toBeLessThan(300);
    expect(g.provider_name).toBe("DeepSeek");
    expect(usdToNano(g.total_cost)).toBe(
      expectedNano(report.requests[0], "deepseek/deepseek-chat-v3.1", null, { completionTokens: g.tokens_completion ?? 0 }),
    );
    const entry = s.log.find((e) => e.generationId === gid);
    expect(entry?.closedByClient).toBe(true);
    await clean(report);
  });
});

describe("routing", () => {
  it("fallback models: the next model serves and is reported", async () => {
    const { or, report } = setup();
    const r = streamText({
      model: or("openai/gpt-4o", { models: ["anthropic/claude-haiku-4.5"] }),
      prompt: '[[sb:fallback text="from the fallback"]]',
      maxRetries: 0,
    });
    expect(await r.text).toBe("from the fallback");
    expect((await r.response).modelId).toBe("anthropic/claude-haiku-4.5");
    const meta = await r.providerMetadata;
    expect((meta as { openrouter: { provider: string } }).openrouter.provider).toBe("Anthropic");
    const u = orUsage(meta);
    expect(usdToNano(u.cost ?? -1)).toBe(
      expectedNano(report.requests[0], "anthropic/claude-haiku-4.5", "Anthropic", { completionTokens: u.completionTokens }),
    );
    await clean(report);
  });

  it("provider preferences choose the endpoint, and its prices are billed", async () => {
    const { or, report } = setup();
    const r = streamText({
      model: or("meta-llama/llama-3.3-70b-instruct", { provider: { sort: "throughput" } }),
      prompt: '[[sb:say text="fast one"]]',
      maxRetries: 0,
    });
    await r.text;
    const meta = await r.providerMetadata;
    expect((meta as { openrouter: { provider: string } }).openrouter.provider).toBe("Groq");
    expect(usdToNano(orUsage(meta).cost ?? -1)).toBe(
      expectedNano(report.requests[0], "meta-llama/llama-3.3-70b-instruct", "Groq", { completionTokens: 2 }),
    );
    const none = streamText({
      model: or("meta-llama/llama-3.3-70b-instruct:free", { provider: { data_collection: "deny" } }),
      prompt: "x",
      maxRetries: 0,
      onError: () => undefined,
    });
    await none.consumeStream();
    expect(s.log.at(-1)?.status).toBe(404);
    await clean(report);
  });

  it("openrouter/auto reports the concrete model it picked", async () => {
    const { or, report } = setup();
    const r = streamText({ model: or("openrouter/auto"), prompt: "anything", maxRetries: 0 });
    await r.text;
    expect((await r.response).modelId).toBe("openai/gpt-4o-mini");
    await clean(report);
  });
});

describe("plugins and media", () => {
  it("web search: url citations become sources; the search fee is in the cost", async () => {
    const { or, report } = setup();
    const r = streamText({
      model: or("deepseek/deepseek-chat-v3.1", { plugins: [{ id: "web", max_results: 4 }] }),
      prompt: "what happened today",
      maxRetries: 0,
    });
    const sources = await r.sources;
    expect(sources).toHaveLength(4);
    for (const src of sources) {
      expect(src.sourceType).toBe("url");
      if (src.sourceType === "url") expect(src.url).toMatch(/^https:\/\/www\.example\.(com|org|net)\//);
    }
    const u = orUsage(await r.providerMetadata);
    const nano = expectedNano(report.requests[0], "deepseek/deepseek-chat-v3.1", null, {
      completionTokens: u.completionTokens,
      webSearch: { engine: "exa", results: 4 },
    });
    expect(usdToNano(u.cost ?? -1)).toBe(nano);
    expect(usdToNano(u.cost ?? -1) - usdToNano(u.costDetails?.upstreamInferenceCost ?? -1)).toBe(4n * priceToNano("0.004"));
    await clean(report);
  });

  it("image input is sent as image_url and billed; an image model returns a file", async () => {
    const { or, report } = setup();
    const png = Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000", "hex");
    const r = await generateText({
      model: or("openai/gpt-4o"),
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: '[[sb:say text="A tiny image."]]' },
            { type: "file", data: png, mediaType: "image/png" },
          ],
        },
      ],
      maxRetries: 0,
    });
    expect(r.text).toBe("A tiny image.");
    const sent = JSON.stringify(report.requests[0]);
    expect(sent).toContain('"type":"image_url"');
    expect(usdToNano(orUsage(r.providerMetadata).cost ?? -1)).toBe(
      expectedNano(report.requests[0], "openai/gpt-4o", null, { completionTokens: 3, inputImages: 1 }),
    );
    const img = await generateText({ model: or("google/gemini-2.5-flash-image"), prompt: "draw a lamp", maxRetries: 0 });
    expect(img.files).toHaveLength(1);
    expect(img.files[0].mediaType).toBe("image/png");
    await clean(report);
  });
});
