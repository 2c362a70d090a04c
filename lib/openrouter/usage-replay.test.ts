// Recorded OpenRouter streams (tests/fixtures/openrouter-recorded, index.json entries of kind
// `sse` plus the payload-only gpt-4o recording) replayed byte for byte through the app's provider
// (createUpstream: @openrouter/ai-sdk-provider 3.1.0 with our fetch wrappers) and `streamText`:
// the text is assembled and the usage extracted with the cost exact to the nano.
import { readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { createOpenRouter } from "@openrouter/ai-sdk-provider";
import { streamText } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { usdToNano } from "@/lib/money";
import { createUpstream } from "./provider";
import { extractStepUsage } from "./usage";

const DIR = path.join(process.cwd(), "tests/fixtures/openrouter-recorded");
const index = z
  .object({ files: z.array(z.object({ file: z.string(), kind: z.string(), request_model: z.string().nullish() })) })
  .parse(JSON.parse(readFileSync(path.join(DIR, "index.json"), "utf8")));

/** The recordings to replay: every `sse` entry, and the gpt-4o payloads (one JSON chunk a line) framed as SSE. */
const recordings = [
  ...index.files
    .filter((f) => f.kind === "sse")
    .map((f) => ({ file: f.file, model: f.request_model ?? "openai/gpt-4o", body: readFileSync(path.join(DIR, f.file), "utf8") })),
  {
    file: "stream-usage-after-finish-no-cost-openai-gpt-4o.chunks.txt",
    model: "openai/gpt-4o",
    body:
      readFileSync(path.join(DIR, "stream-usage-after-finish-no-cost-openai-gpt-4o.chunks.txt"), "utf8")
        .split("\n")
        .filter((line) => line.trim())
        .map((line) => `data: ${line}\n\n`)
        .join("") + "data: [DONE]\n\n",
  },
];

let served = "";
let server: http.Server;
let baseURL = "";

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    res.writeHead(200, { "content-type": "text/event-stream", "x-generation-id": "gen-replay" });
    res.end(served);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
  process.env.OPENROUTER_API_KEY = "sk-or-v1-replay-test-key-0123456789abcdef";
  process.env.OPENROUTER_BASE_URL = baseURL;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

type Chunk = { choices?: { delta?: { content?: string | null } }[]; usage?: Record<string, unknown>; error?: unknown };

/** What the recording says: its text, and its usage chunk's decimal `cost` text as sent. */
function expected(body: string) {
  const lines = body.split("\n").filter((line) => line.startsWith("data: ") && line.trim() !== "data: [DONE]");
  const chunks = lines.map((line) => JSON.parse(line.slice("data: ".length)) as Chunk);
  const text = chunks
    .filter((c) => !c.error)
    .flatMap((c) => c.choices ?? [])
    .map((choice) => choice.delta?.content ?? "")
    .join("");
  // The SDK drops a chunk that carries an in-band error, usage and all.
  const usageIndex = chunks.findLastIndex((c) => c.usage && !c.error);
  const usage = usageIndex === -1 ? null : chunks[usageIndex]!.usage!;
  const costText = usageIndex === -1 ? undefined : /"usage":\{.*?"cost":(-?[\d.eE+-]+)/.exec(lines[usageIndex]!)?.[1];
  return { text, usage, costText };
}

async function replay(body: string, model: string, upstream = createUpstream()) {
  served = body;
  const errors: unknown[] = [];
  const result = streamText({ model: upstream.chat(model), prompt: "replay", onError: ({ error }) => void errors.push(error) });
  const text = await result.text;
  const [step] = await result.steps;
  return { text, step: step!, errors };
}

describe("recorded streams through the provider", () => {
  it("replays at least the eight recorded usage streams", () => {
    expect(recordings.filter((r) => expected(r.body).usage).length).toBeGreaterThanOrEqual(8);
  });

  it.each(recordings)("$file: text assembled, usage extracted, cost exact to the nano", async ({ body, model }) => {
    const want = expected(body);
    const { text, step } = await replay(body, model);
    expect(text).toBe(want.text);
    const usage = extractStepUsage(step.providerMetadata, step.usage.raw);
    if (!want.usage) {
      expect(usage.costNano).toBeNull();
      expect(usage.isByok).toBe(false);
      return;
    }
    expect(usage.promptTokens).toBe(want.usage.prompt_tokens);
    expect(usage.completionTokens).toBe(want.usage.completion_tokens);
    expect(usage.isByok).toBe(want.usage.is_byok ?? false);
    // A missing cost stays unknown (settled from /generation), never 0.
    expect(usage.costNano).toBe(want.costText === undefined ? null : usdToNano(want.costText));
  });

  it("rounds float noise in a recorded cost to the nano, not off by one", async () => {
    const deepseek = recordings.find((r) => r.file === "stream-annotations-web-plugin-no-is-byok-deepseek-chat.sse")!;
    expect(expected(deepseek.body).costText).toBe("0.0076509169000000005");
    const { step } = await replay(deepseek.body, deepseek.model);
    const usage = extractStepUsage(step.providerMetadata, step.usage.raw);
    expect(usage.costNano).toBe(7_650_917n);
    // No `is_byok` in that recording: not BYOK, so its upstream cost is a breakdown, not added.
    expect(usage.isByok).toBe(false);
  });
});

describe("usage with the null fields the spec allows (written from the spec's ChatUsage schema, not recorded)", () => {
  // shared/openrouter/openapi.yaml `ChatUsage`: `cost` [number, null], `prompt_tokens_details`
  // [object, null], `completion_tokens_details.reasoning_tokens` [integer, null].
  const stream = [
    `data: {"id":"gen-spec-nulls","provider":"OpenAI","model":"openai/gpt-4o-mini","object":"chat.completion.chunk","created":1764031697,"choices":[{"index":0,"delta":{"role":"assistant","content":"Hello"},"finish_reason":null,"native_finish_reason":null,"logprobs":null}]}`,
    `data: {"id":"gen-spec-nulls","provider":"OpenAI","model":"openai/gpt-4o-mini","object":"chat.completion.chunk","created":1764031697,"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":"stop","native_finish_reason":"stop","logprobs":null}]}`,
    `data: {"id":"gen-spec-nulls","provider":"OpenAI","model":"openai/gpt-4o-mini","object":"chat.completion.chunk","created":1764031697,"choices":[],"usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15,"cost":null,"prompt_tokens_details":null,"completion_tokens_details":{"reasoning_tokens":null}}}`,
    `data: [DONE]`,
  ]
    .map((line) => `${line}\n\n`)
    .join("");

  it("the provider alone rejects the usage chunk (its schema types `cost` and `reasoning_tokens` as numbers)", async () => {
    const bare = createOpenRouter({ apiKey: "sk-or-v1-replay-test-key-0123456789abcdef", baseURL });
    const { text, step, errors } = await replay(stream, "openai/gpt-4o-mini", bare);
    expect(text).toBe("Hello");
    expect(errors.length).toBeGreaterThan(0);
    expect(step.finishReason).toBe("error");
  });

  it("through the app's provider the answer ends normally, its cost unknown (to settle from /generation)", async () => {
    const { text, step, errors } = await replay(stream, "openai/gpt-4o-mini");
    expect(errors).toEqual([]);
    expect(text).toBe("Hello");
    expect(step.finishReason).toBe("stop");
    const usage = extractStepUsage(step.providerMetadata, step.usage.raw);
    expect(usage).toMatchObject({ promptTokens: 12, completionTokens: 3, reasoningTokens: 0, cachedTokens: 0, costNano: null, isByok: false });
  });
});
