// OpenRouter's 402 is mostly an affordability pre-check against `max_tokens` (tests/fixtures/
// openrouter-recorded/error-402-affordability-*.json, error-402-key-limit-free-model.message.txt):
// the local OpenRouter answers it as recorded, and the app reads it as a refusal in advance that
// names what to change — not as an account that ran out of credits.
import { readFileSync } from "node:fs";
import { APICallError } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mapUpstreamError } from "@/lib/openrouter/errors";
import { startLocalOpenRouter, type LocalOpenRouter } from "@/local-openrouter";

const recorded = (name: string) => readFileSync(new URL(`../../tests/fixtures/openrouter-recorded/${name}`, import.meta.url), "utf8").trim();
const RECORDED_402 = recorded("error-402-affordability-65536-vs-10114.json");
const RECORDED_KEY_LIMIT = recorded("error-402-key-limit-free-model.message.txt");

function apiError(status: number, body: string): APICallError {
  return new APICallError({
    message: "Payment Required",
    url: "https://openrouter.ai/api/v1/chat/completions",
    requestBodyValues: {},
    statusCode: status,
    responseBody: body,
  });
}

/** Key paths and value types of a JSON value, so two bodies can be compared by shape. */
function shape(value: unknown, path = ""): string[] {
  if (value === null) return [`${path}:null`];
  if (Array.isArray(value)) return [`${path}:array`];
  if (typeof value === "object") return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => shape(v, `${path}.${k}`));
  return [`${path}:${typeof value}`];
}

const KEY = "sk-or-v1-affordability-test-key-0123456789";
let credits: LocalOpenRouter;
let keyLimit: LocalOpenRouter;
beforeAll(async () => {
  credits = await startLocalOpenRouter({ apiKey: KEY, tokensPerSecond: 0, creditsUsd: 0.05 });
  keyLimit = await startLocalOpenRouter({ apiKey: KEY, tokensPerSecond: 0, keyLimitUsd: 0 });
});
afterAll(async () => {
  await credits.close();
  await keyLimit.close();
});

async function chat(server: LocalOpenRouter, body: Record<string, unknown>): Promise<{ status: number; text: string }> {
  const response = await fetch(`${server.baseURL}/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
    body: JSON.stringify({ messages: [{ role: "user", content: "Hello" }], ...body }),
  });
  return { status: response.status, text: await response.text() };
}

describe("the local OpenRouter's affordability 402", () => {
  it("weighs the model's default maximum output when max_tokens is absent, with the recorded body", async () => {
    // openai/gpt-4o: 16,384 tokens at USD 0.00001 is USD 0.16, more than the USD 0.05 left.
    const refused = await chat(credits, { model: "openai/gpt-4o" });
    expect(refused.status).toBe(402);
    const body = JSON.parse(refused.text) as { error: { message: string } };
    expect(shape(body)).toEqual(shape(JSON.parse(RECORDED_402)));
    expect(Object.keys(body)).toEqual(["error", "user_id"]);
    expect(body.error.message).toMatch(
      /^This request requires more credits, or fewer max_tokens\. You requested up to 16384 tokens, but can only afford \d+\. To increase, visit https:\/\/openrouter\.ai\/settings\/credits and upgrade to a paid account$/,
    );
    const affordable = Number(/can only afford (\d+)/.exec(body.error.message)![1]);
    expect(affordable).toBeGreaterThan(4000);
    expect(affordable).toBeLessThan(5000);
    // Refused before any provider: no generation.
    expect(credits.generations.size).toBe(0);
    // Asking for what it can afford is answered.
    expect((await chat(credits, { model: "openai/gpt-4o", max_tokens: affordable })).status).toBe(200);
  });

  it("refuses even a :free model once the key's limit is used up, with the key-limit advice", async () => {
    const refused = await chat(keyLimit, { model: "meta-llama/llama-3.3-70b-instruct:free", max_tokens: 100 });
    expect(refused.status).toBe(402);
    const message = (JSON.parse(refused.text) as { error: { message: string } }).error.message;
    expect(message).toBe(RECORDED_KEY_LIMIT.replace("32000", "100"));
  });
});

describe("the app's reading of a 402", () => {
  it("an affordability refusal names the tokens asked and affordable, and what to change", () => {
    const mapped = mapUpstreamError(apiError(402, RECORDED_402));
    expect(mapped.code).toBe("upstream:affordability");
    expect(mapped.status).toBe(502);
    expect(mapped.details).toEqual({ requestedTokens: 65536, affordableTokens: 10114, keyLimit: false });
    expect(mapped.message).toContain("up to 65536 tokens");
    expect(mapped.message).toContain("below 10114");
    expect(mapped.message).not.toMatch(/run out of credits/);
  });

  it("the key-limit variant says the key's limit, and that nothing is affordable", () => {
    const mapped = mapUpstreamError(apiError(402, JSON.stringify({ error: { message: RECORDED_KEY_LIMIT, code: 402 } })));
    expect(mapped.code).toBe("upstream:affordability");
    expect(mapped.details).toEqual({ requestedTokens: 32000, affordableTokens: 0, keyLimit: true });
    expect(mapped.message).toContain("raise the key's limit");
  });

  it("any other 402 is still an account without credits", () => {
    const mapped = mapUpstreamError(apiError(402, JSON.stringify({ error: { message: "Insufficient credits", code: 402 } })));
    expect(mapped.code).toBe("upstream:credits");
  });
});
