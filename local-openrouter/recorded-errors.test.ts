/**
 * The local OpenRouter's error bodies and headers against the recorded (and documented) ones in
 * tests/fixtures/openrouter-recorded/ (README points 7, 8, 15–18): for each situation, the same keys
 * with values of the same JSON types, and the recorded texts where they are fixed. Values that differ
 * by nature (provider names, ids, the reset time) are not compared; what the recording says of them
 * (lowercase slugs, strings, a `user_` id) is.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getModel } from "./catalog";
import { directive } from "./directive";
import { type LocalOpenRouter, startLocalOpenRouter } from "./server";
import { parseStream, type RawResponse, rawRequest } from "./test-utils";

const KEY = "sk-or-v1-local-recorded-errors-0123456789";
let s: LocalOpenRouter;

beforeAll(async () => {
  s = await startLocalOpenRouter({ apiKey: KEY, tokensPerSecond: 0 });
});
afterAll(() => s.close());

const dir = new URL("../tests/fixtures/openrouter-recorded/", import.meta.url);
const text = (file: string) => readFileSync(new URL(file, dir), "utf8");
const json = (file: string) => JSON.parse(text(file)) as Record<string, unknown>;

type Shape = string | { [key: string]: Shape } | Shape[];

/**
 * The key set and value types of a JSON value: objects by key, arrays by their first element (an
 * empty array is `[]`, which matches an array of anything), primitives by JSON type.
 */
function shape(value: unknown): Shape {
  if (value === null) return "null";
  if (Array.isArray(value)) return value.length === 0 ? [] : [shape(value[0])];
  if (typeof value === "object") {
    const out: { [key: string]: Shape } = {};
    for (const key of Object.keys(value as object).sort()) out[key] = shape((value as Record<string, unknown>)[key]);
    return out;
  }
  return typeof value;
}

/** `local` has the same shape as `recorded`; an empty array on either side matches any array. */
function expectSameShape(local: unknown, recorded: unknown, at = "body"): void {
  const l = shape(local);
  const r = shape(recorded);
  compare(l, r, at);
}

function compare(l: Shape, r: Shape, at: string): void {
  if (Array.isArray(l) || Array.isArray(r)) {
    expect(Array.isArray(l) && Array.isArray(r), `${at}: array on both sides`).toBe(true);
    const [la, ra] = [l as Shape[], r as Shape[]];
    if (la.length > 0 && ra.length > 0) compare(la[0], ra[0], `${at}[0]`);
    return;
  }
  if (typeof l === "string" || typeof r === "string") {
    expect(l, at).toEqual(r);
    return;
  }
  expect(Object.keys(l), `${at}: keys`).toEqual(Object.keys(r));
  for (const key of Object.keys(r)) compare(l[key], r[key], `${at}.${key}`);
}

async function chat(body: Record<string, unknown>): Promise<RawResponse> {
  return rawRequest(`${s.baseURL}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${KEY}` },
    body: JSON.stringify({ stream: true, messages: [{ role: "user", content: "hello" }], ...body }),
  });
}

const say = (extra: string) => [{ role: "user", content: `hello ${extra}` }];

describe("routing 404s", () => {
  it("provider lists nobody meets: the recorded body with lowercase provider slugs", async () => {
    const recorded = json("error-404-no-allowed-providers-glm-4.5-air-free.json");
    expectSameShape(json("error-404-no-allowed-providers-openrouter-free.json"), recorded);
    const r = await chat({ model: "openai/gpt-4o", provider: { only: ["Anthropic"] } });
    expect(r.status).toBe(404);
    const local = JSON.parse(r.raw) as { error: { message: string; metadata: { available_providers: string[]; requested_providers: string[] } } };
    expectSameShape(local, recorded);
    expect(local.error.message).toBe((recorded.error as { message: string }).message);
    for (const slug of [...local.error.metadata.available_providers, ...local.error.metadata.requested_providers]) {
      expect(slug).toMatch(/^[a-z0-9-]+$/);
    }
    expect(local.error.metadata.requested_providers).toEqual(["anthropic"]);
  });

  it("data collection denied: the recorded data-policy body, no metadata", async () => {
    const recorded = json("error-404-data-policy-paid-model-training.json");
    const r = await chat({ model: "meta-llama/llama-3.3-70b-instruct:free", provider: { data_collection: "deny" } });
    expect(r.status).toBe(404);
    expect(JSON.parse(r.raw)).toEqual(recorded);
  });

  it("zero data retention: the documented availability body", async () => {
    const documented = json("error-404-availability-privacy-restricted.doc.json");
    const r = await chat({ model: "openai/gpt-4.1", provider: { zdr: true } });
    expect(r.status).toBe(404);
    const local = JSON.parse(r.raw) as { error: { message: string; availability: { affected_providers: string[] } } };
    expectSameShape(local, documented);
    expect(local.error.message).toBe(
      "No endpoints for openai/gpt-4.1 match your data policy (zero data retention). Adjust at https://openrouter.ai/settings/privacy.",
    );
    expect(local.error.availability).toMatchObject({ code: "privacy_restricted", retryable: false, excluded_by: ["data_policy:zdr"] });
    expect(local.error.availability.affected_providers).toEqual(getModel("openai/gpt-4.1")!.endpoints.map((e) => e.slug));
  });

  it("tools on a model without tool support: the recorded message, naming the first tool", async () => {
    const recorded = text("error-404-no-endpoints-tool-use-via-kilo-gateway.message.txt").trim();
    const tool = { type: "function", function: { name: "question", parameters: { type: "object", properties: {} } } };
    const r = await chat({ model: "meta-llama/llama-3.1-8b-instruct", tools: [tool] });
    expect(r.status).toBe(404);
    expect(JSON.parse(r.raw)).toEqual({ error: { message: recorded, code: 404 } });
  });
});

describe("429s", () => {
  it("a provider's own limit: the recorded body and headers (no Retry-After, no X-RateLimit-*)", async () => {
    const recorded = json("error-429-provider-rate-limited-upstream-gemini-free.json");
    const recordedHeaders = json("error-429-provider-rate-limited-upstream-gemini-free.headers.json") as { headers: Record<string, string> };
    const r = await chat({ model: "google/gemini-2.5-flash", messages: say("[[sb:error status=429 kind=provider]]") });
    expect(r.status).toBe(429);
    const local = JSON.parse(r.raw) as { error: { metadata: { raw: string } }; user_id: string };
    expectSameShape(local, recorded);
    expect(local.error).toMatchObject({ code: 429, message: "Provider returned error", metadata: { provider_name: "Google AI Studio" } });
    expect(local.error.metadata.raw).toBe(
      "google/gemini-2.5-flash is temporarily rate-limited upstream. Please retry shortly, or add your own key to accumulate your rate limits: https://openrouter.ai/settings/integrations",
    );
    expect(local.user_id).toMatch(/^user_[A-Za-z0-9]{27}$/);
    for (const name of ["retry-after", "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"]) {
      expect(Object.keys(recordedHeaders.headers)).not.toContain(name);
      expect(r.headers.get(name), name).toBeNull();
    }
    expect(r.headers.get("content-type")).toMatch(/^application\/json/);
  });

  it("the daily free cap: the recorded message, and X-RateLimit-* headers mirrored as strings in metadata.headers", async () => {
    const partial = text("error-429-free-models-per-day.partial.txt");
    const message = /"message": "([^"]+)"/.exec(partial)?.[1];
    const quotedHeaders = Object.fromEntries([...partial.matchAll(/"(X-RateLimit-[A-Za-z]+)": "(\d+)/g)].map((m) => [m[1], m[2]]));
    expect(Object.keys(quotedHeaders)).toEqual(["X-RateLimit-Limit", "X-RateLimit-Remaining"]);
    const r = await chat({ model: "google/gemma-3-27b-it:free", messages: say("[[sb:error status=429]]") });
    expect(r.status).toBe(429);
    const local = JSON.parse(r.raw) as { error: { message: string; code: number; metadata: { headers: Record<string, unknown> } } };
    expect(local.error.message).toBe(message);
    expect(local.error.code).toBe(429);
    // The quote stops after Remaining: Limit and Remaining as recorded, the rest strings too.
    expect(local.error.metadata.headers).toMatchObject(quotedHeaders);
    for (const [name, value] of Object.entries(local.error.metadata.headers)) {
      expect(typeof value).toBe("string");
      expect(r.headers.get(name)).toBe(value);
    }
    expect(r.headers.get("retry-after")).toBeNull();
    const reset = Number(local.error.metadata.headers["X-RateLimit-Reset"]);
    expect(new Date(reset).toISOString()).toMatch(/T00:00:00\.000Z$/);
    expect(reset).toBeGreaterThan(Date.now());
    expect(reset - Date.now()).toBeLessThanOrEqual(24 * 3600 * 1000);
  });

  it("all providers at capacity: the documented availability body", async () => {
    const documented = json("error-429-availability-capacity-exhausted.doc.json");
    const r = await chat({ model: "anthropic/claude-sonnet-4.5", messages: say("[[sb:error status=429 kind=capacity retry=40]]") });
    expect(r.status).toBe(429);
    const local = JSON.parse(r.raw) as { error: { message: string } };
    expectSameShape(local, documented);
    expect(local.error.message).toBe((documented.error as { message: string }).message);
  });
});

describe("in-band errors", () => {
  it("400 after the finish, with the usage, then [DONE], as recorded", async () => {
    const recorded = parseStream(text("stream-keepalives-reasoning-midstream-error-minimax-m2-free.sse"));
    const r = await chat({ model: "openai/gpt-4o", messages: say("[[sb:midstream-error after=3 code=400]]") });
    const local = parseStream(r.raw);
    const recordedAt = recorded.chunks.findIndex((c) => c.error);
    const localAt = local.chunks.findIndex((c) => c.error);
    const recordedError = recorded.chunks[recordedAt];
    const localError = local.chunks[localAt];
    // The error chunk: the same top-level keys, the same error, a null finish, and a usage object.
    expect(Object.keys(localError).sort()).toEqual(Object.keys(recordedError).sort());
    expect(localError.error).toEqual(recordedError.error);
    const finishOf = (c: Record<string, unknown>) => (c.choices as { finish_reason: string | null }[])[0].finish_reason;
    expect(finishOf(localError)).toBe(finishOf(recordedError));
    expect(typeof localError.usage).toBe("object");
    // Before it a finish chunk `length`; after it [DONE] and nothing else.
    expect(finishOf(local.chunks[localAt - 1])).toBe(finishOf(recorded.chunks[recordedAt - 1]));
    expect(local.done).toBe(recorded.done);
    expect(localAt).toBe(local.chunks.length - 1);
    expect(recordedAt).toBe(recorded.chunks.length - 1);
  });

  it("429 mid-stream: the documented chunk", async () => {
    const documented = parseStream(text("stream-midstream-error-429.doc.sse")).chunks[0];
    const r = await chat({ model: "openai/gpt-4o", messages: say("[[sb:midstream-error after=2 code=429]]") });
    const local = parseStream(r.raw);
    const last = local.chunks.at(-1)!;
    expect(Object.keys(last).sort()).toEqual(Object.keys(documented).sort());
    expect(last.error).toEqual(documented.error);
    const finish = (c: Record<string, unknown>) => (c.choices as { finish_reason: string | null }[])[0].finish_reason;
    expect(finish(last)).toBe(finish(documented));
  });

  it("a provider error without streaming: HTTP 200 with choices[0].error beside the partial content", async () => {
    const documented = json("completion-http-200-choice-error.doc.json") as { choices: Record<string, unknown>[] };
    const r = await chat({ model: "openai/gpt-4o", stream: false, messages: say(directive("midstream-error", { after: 2 })) });
    expect(r.status).toBe(200);
    const local = JSON.parse(r.raw) as { choices: Record<string, unknown>[] };
    const { error, finish_reason, message } = local.choices[0];
    expectSameShape(error, documented.choices[0].error, "choices[0].error");
    expect(finish_reason).toBe(documented.choices[0].finish_reason);
    expectSameShape(
      { role: (message as { role: unknown }).role, content: (message as { content: unknown }).content },
      documented.choices[0].message,
      "choices[0].message",
    );
  });
});
