// Every recorded (or documented) OpenRouter error of tests/fixtures/openrouter-recorded/ replayed
// through the app's mapping: each file listed in index.json as an error, or a stream or body that
// carries one, must be here with the code and the words it becomes. A new error file in the corpus
// fails the last test until it is given its expectation.
import { readFileSync } from "node:fs";
import { APICallError, StreamProviderError } from "ai";
import { describe, expect, it } from "vitest";
import { statusForCode } from "@/lib/errors";
import { mapUpstreamError, nextUtcMidnight, type UpstreamRequestContext } from "@/lib/openrouter/errors";

const dir = new URL("../../tests/fixtures/openrouter-recorded/", import.meta.url);
const text = (file: string) => readFileSync(new URL(file, dir), "utf8");
const index = JSON.parse(text("index.json")) as { files: { file: string; kind: string; headers?: string | null }[] };

/** What OpenRouter sent, as the provider hands it to the app: an APICallError with the body and headers. */
function apiError(status: number, body: string, headers?: Record<string, string>): APICallError {
  return new APICallError({
    message: "recorded",
    url: "https://openrouter.ai/api/v1/chat/completions",
    requestBodyValues: {},
    statusCode: status,
    responseBody: body,
    responseHeaders: headers,
  });
}

function recordedError(file: string): APICallError {
  const entry = index.files.find((f) => f.file === file)!;
  const headers = entry.headers ? (JSON.parse(text(entry.headers)) as { status: number; headers: Record<string, string> }) : undefined;
  const raw = text(file).trim();
  if (file.endsWith(".message.txt")) {
    // Only the message was quoted: the status is the one its source reports (in the file name).
    const status = Number(/^error-(\d{3})-/.exec(file)![1]);
    return apiError(status, JSON.stringify({ error: { message: raw, code: status } }), headers?.headers);
  }
  const body = JSON.parse(raw) as { error: { code?: number; http_status?: number } };
  return apiError(headers?.status ?? body.error.code ?? body.error.http_status!, raw, headers?.headers);
}

/**
 * The in-band error of a stream file (the `error` of its chunk that has one), as the AI SDK hands it
 * on: wrapped in a StreamProviderError whose `data` is the payload (normalizeStreamProviderError).
 */
function streamError(file: string): unknown {
  for (const line of text(file).split("\n")) {
    if (!line.startsWith("data: {")) continue;
    const chunk = JSON.parse(line.slice(6)) as { error?: { code: number; message: string } };
    if (chunk.error)
      return new StreamProviderError({ message: chunk.error.message, code: chunk.error.code, statusCode: chunk.error.code, data: chunk.error });
  }
  throw new Error(`no error chunk in ${file}`);
}

type Case = { error: () => unknown; request?: UpstreamRequestContext; code: string; words: (string | RegExp)[]; retryAfter?: number };

const cases: Record<string, Case[]> = {
  "error-400-models-too-many.message.txt": [
    {
      error: () => recordedError("error-400-models-too-many.message.txt"),
      code: "bad_request:upstream_fallbacks",
      words: ["at most 3 fallback models"],
    },
  ],
  // The affordability 402s name what was asked for and what can be afforded; the key-limit one says whose limit binds.
  "error-402-affordability-65536-vs-10114.json": [
    {
      error: () => recordedError("error-402-affordability-65536-vs-10114.json"),
      code: "upstream:affordability",
      words: [/65536/, /10114/, /credits/],
    },
  ],
  "error-402-affordability-64000-vs-2666-grok-4.json": [
    { error: () => recordedError("error-402-affordability-64000-vs-2666-grok-4.json"), code: "upstream:affordability", words: [/64000/, /2666/] },
  ],
  "error-402-affordability-32000-vs-27342.json": [
    { error: () => recordedError("error-402-affordability-32000-vs-27342.json"), code: "upstream:affordability", words: [/32000/, /27342/] },
  ],
  "error-402-key-limit-free-model.message.txt": [
    { error: () => recordedError("error-402-key-limit-free-model.message.txt"), code: "upstream:affordability", words: [/key/, /limit/] },
  ],
  "error-404-no-allowed-providers-openrouter-free.json": [
    // Nothing in our request restricted providers: the account's allowed providers did.
    {
      error: () => recordedError("error-404-no-allowed-providers-openrouter-free.json"),
      code: "unavailable:routing_account",
      words: ["allowed providers of this deployment's OpenRouter account (openai, mistral, cloudflare)", "google-ai-studio, liquid", "administrator"],
    },
  ],
  "error-404-no-allowed-providers-glm-4.5-air-free.json": [
    {
      error: () => recordedError("error-404-no-allowed-providers-glm-4.5-air-free.json"),
      request: { provider: { ignore: ["Z.AI", "z-ai"] } },
      code: "unavailable:routing_preference",
      words: ["Your ignored providers (Z.AI, z-ai)", "served by z-ai", "routing settings"],
    },
    {
      error: () => recordedError("error-404-no-allowed-providers-glm-4.5-air-free.json"),
      request: { provider: { order: ["anthropic"], allow_fallbacks: false } },
      code: "unavailable:routing_preference",
      words: ["your provider list (anthropic)", "fallbacks to other providers are off", "served by z-ai"],
    },
    {
      error: () => recordedError("error-404-no-allowed-providers-glm-4.5-air-free.json"),
      code: "unavailable:routing_account",
      words: ["(anthropic) include none of this model's providers (it is served by z-ai)"],
    },
  ],
  "error-404-data-policy-paid-model-training.json": [
    {
      error: () => recordedError("error-404-data-policy-paid-model-training.json"),
      request: { provider: { data_collection: "deny" } },
      code: "unavailable:routing_preference",
      words: ["data collection: deny", "Allow data collection"],
    },
    {
      error: () => recordedError("error-404-data-policy-paid-model-training.json"),
      code: "unavailable:routing_account",
      words: ["data policy of this deployment's OpenRouter account (Paid model training)", "administrator"],
    },
  ],
  "error-404-availability-privacy-restricted.doc.json": [
    {
      error: () => recordedError("error-404-availability-privacy-restricted.doc.json"),
      request: { provider: { zdr: true } },
      code: "unavailable:routing_preference",
      words: ["zero-data-retention", "served by openai, azure", "zero data retention only"],
    },
    {
      error: () => recordedError("error-404-availability-privacy-restricted.doc.json"),
      code: "unavailable:routing_account",
      words: ["data policy of this deployment's OpenRouter account (zero data retention)"],
    },
  ],
  "error-404-no-endpoints-tool-use-via-kilo-gateway.message.txt": [
    {
      error: () => recordedError("error-404-no-endpoints-tool-use-via-kilo-gateway.message.txt"),
      request: { tools: true },
      code: "unavailable:routing_tools",
      words: ["Tool use is not supported by any provider of this model", "Pick another model"],
    },
  ],
  "error-429-provider-rate-limited-upstream-gemini-free.json": [
    {
      error: () => recordedError("error-429-provider-rate-limited-upstream-gemini-free.json"),
      code: "rate_limited:upstream",
      words: ["The provider Google is rate-limiting this model upstream", "Retry shortly", "another model"],
    },
  ],
  "error-429-free-models-per-day.partial.txt": [
    {
      // The quote ends inside metadata.headers: the body as far as quoted, closed.
      error: () => {
        const partial = text("error-429-free-models-per-day.partial.txt");
        const message = /"message": "([^"]+)"/.exec(partial)![1];
        const headers = Object.fromEntries([...partial.matchAll(/"(X-RateLimit-[A-Za-z]+)": "(\d+)/g)].map((m) => [m[1], m[2]]));
        return apiError(429, JSON.stringify({ error: { message, code: 429, metadata: { headers } } }));
      },
      code: "rate_limited:free_daily",
      words: [
        "whole Switchboard deployment's",
        "one OpenRouter key",
        "50 free requests a day",
        `resets at midnight UTC (${nextUtcMidnight().toISOString()})`,
      ],
    },
  ],
  "error-429-availability-capacity-exhausted.doc.json": [
    {
      error: () => recordedError("error-429-availability-capacity-exhausted.doc.json"),
      code: "rate_limited:capacity",
      words: ["at capacity", "Retry in 40 s", "anthropic/claude-haiku-4.5"],
      retryAfter: 40,
    },
  ],
  "stream-keepalives-reasoning-midstream-error-minimax-m2-free.sse": [
    {
      error: () => streamError("stream-keepalives-reasoning-midstream-error-minimax-m2-free.sse"),
      code: "bad_request:token_limit",
      words: ["token limit", "maximum output tokens"],
    },
  ],
  "stream-midstream-error-429.doc.sse": [
    { error: () => streamError("stream-midstream-error-429.doc.sse"), code: "rate_limited:upstream", words: ["rate-limiting this model upstream"] },
  ],
  "completion-http-200-choice-error.doc.json": [
    {
      error: () => (JSON.parse(text("completion-http-200-choice-error.doc.json")) as { choices: { error: unknown }[] }).choices[0].error,
      code: "upstream:stream",
      words: ["Provider disconnected mid-stream"],
    },
  ],
};

describe("recorded OpenRouter errors through the app's mapping", () => {
  for (const [file, list] of Object.entries(cases)) {
    it.each(list.map((c, i) => [i, c] as const))(`${file} #%i`, (_i, c) => {
      const mapped = mapUpstreamError(c.error(), c.request);
      expect(mapped.code).toBe(c.code);
      expect(mapped.status).toBe(statusForCode(mapped.code));
      for (const w of c.words) expect(mapped.message).toMatch(typeof w === "string" ? new RegExp(w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")) : w);
      expect(mapped.retryAfter).toBe(c.retryAfter);
      // Our own invention, gone: no "provider.<field>" in what the person reads.
      expect(mapped.message).not.toMatch(/provider\.[a-z_]+/);
    });
  }

  it("an availability code without words of its own keeps its code and constraint in the details", () => {
    const body = {
      error: {
        message: "No endpoints for x/y satisfy the request.",
        error_type: "not_found",
        http_status: 404,
        availability: { code: "something_new", retryable: false, constraint: "context_length" },
      },
    };
    const mapped = mapUpstreamError(apiError(404, JSON.stringify(body)));
    expect(mapped.code).toBe("unavailable:routing");
    expect(mapped.details).toEqual({ upstream: body.error.message, availability: "something_new", constraint: "context_length" });
  });

  it("an in-band error as a plain payload maps the same as wrapped", () => {
    const payload = { code: 400, message: "Token limit reached" };
    expect(mapUpstreamError(payload).code).toBe("bad_request:token_limit");
    expect(mapUpstreamError({ code: 502, message: "Provider disconnected", metadata: { error_type: "provider_unavailable" } }).code).toBe(
      "upstream:stream",
    );
  });

  it("the daily free cap carries its reset time, as ISO, for the API and the client", () => {
    const mapped = mapUpstreamError(cases["error-429-free-models-per-day.partial.txt"][0].error());
    expect(mapped.details).toMatchObject({ resetsAt: nextUtcMidnight().toISOString(), limit: 50 });
    const reset = Date.UTC(2031, 0, 2);
    const withHeader = mapUpstreamError(
      apiError(429, JSON.stringify({ error: { message: "Rate limit exceeded: free-models-per-day. ", code: 429 } }), {
        "X-RateLimit-Reset": String(reset),
      }),
    );
    expect(withHeader.details).toMatchObject({ resetsAt: "2031-01-02T00:00:00.000Z" });
    expect(withHeader.toBody().error.details).toMatchObject({ resetsAt: "2031-01-02T00:00:00.000Z" });
  });

  it("every error in the corpus is replayed here", () => {
    const carriesError = (f: { file: string; kind: string }) =>
      f.kind.startsWith("json-error") || ((f.kind.startsWith("sse") || f.kind === "json-body") && /"error"\s*:/.test(text(f.file)));
    expect(
      index.files
        .filter(carriesError)
        .map((f) => f.file)
        .sort(),
    ).toEqual(Object.keys(cases).sort());
  });
});
