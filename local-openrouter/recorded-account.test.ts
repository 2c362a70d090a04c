/**
 * `/key` and `/credits` of the local OpenRouter against the recorded ones in
 * tests/fixtures/openrouter-recorded/ (README point 21): every key the recording has, with a value of the
 * same JSON type — `limit` and `limit_remaining` null for an unlimited key, `rate_limit {requests, interval}` —
 * and `/credits` answering an ordinary key HTTP 200 with zeros whatever the account holds.
 */
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { type LocalOpenRouter, startLocalOpenRouter } from "./server";
import type { LocalOpenRouterOptions } from "./types";

const KEY = "sk-or-v1-local-recorded-account-0123456789";
const dir = new URL("../tests/fixtures/openrouter-recorded/", import.meta.url);
const recorded = (file: string) => JSON.parse(readFileSync(new URL(file, dir), "utf8")) as Record<string, unknown>;

let s: LocalOpenRouter | null = null;
afterEach(async () => {
  await s?.close();
  s = null;
});

async function start(opts: Partial<LocalOpenRouterOptions> = {}): Promise<LocalOpenRouter> {
  s = await startLocalOpenRouter({ apiKey: KEY, tokensPerSecond: 0, generationDelayMs: 0, ...opts });
  return s;
}

async function get(server: LocalOpenRouter, path: string): Promise<{ status: number; body: { data: Record<string, unknown> } }> {
  const r = await fetch(`${server.baseURL}${path}`, { headers: { authorization: `Bearer ${KEY}` } });
  return { status: r.status, body: (await r.json()) as { data: Record<string, unknown> } };
}

const jsonType = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);

/** Each key of `recorded` is in `local` with a value of the same JSON type, objects compared key by key. */
function expectRecordedKeys(local: Record<string, unknown>, rec: Record<string, unknown>, at: string): void {
  for (const [key, value] of Object.entries(rec)) {
    expect(Object.keys(local), `${at}: has ${key}`).toContain(key);
    expect(jsonType(local[key]), `${at}.${key}`).toBe(jsonType(value));
    if (jsonType(value) === "object") expectRecordedKeys(local[key] as Record<string, unknown>, value as Record<string, unknown>, `${at}.${key}`);
  }
}

describe("GET /key against key-auth-key-data.json", () => {
  const rec = recorded("key-auth-key-data.json");

  it("an unlimited key: the recorded keys and types, limit and limit_remaining null, on /key and the older /auth/key", async () => {
    expect(rec.limit).toBeNull();
    const server = await start();
    for (const path of ["/key", "/auth/key"]) {
      const { status, body } = await get(server, path);
      expect(status, path).toBe(200);
      expectRecordedKeys(body.data, rec, path);
      expect(body.data.limit).toBeNull();
      expect(body.data.limit_remaining).toBeNull();
      expect(body.data.label).toMatch(/^sk-or-v1-[0-9a-f]{3}\.\.\.[0-9a-f]{3}$/);
      const rate = body.data.rate_limit as { requests: number; interval: string };
      expect(Number.isInteger(rate.requests)).toBe(true);
      expect(rate.interval).toMatch(/^\d+[smhd]$/);
    }
  });

  it("a limited key: limit and limit_remaining are numbers, the rest as recorded", async () => {
    const server = await start({ keyLimitUsd: 30 });
    const { body } = await get(server, "/key");
    expectRecordedKeys(body.data, { ...rec, limit: 30, limit_remaining: 30 }, "/key");
    expect(body.data.limit).toBe(30);
    expect(body.data.limit_remaining).toBe(30);
  });
});

describe("GET /credits against credits-inference-key-http-200-zeros.json", () => {
  const rec = recorded("credits-inference-key-http-200-zeros.json");

  it("an ordinary key gets HTTP 200 with zeros, even with credits on the account and after a billed answer", async () => {
    expect(rec).toEqual({ total_credits: 0, total_usage: 0 });
    const server = await start({ creditsUsd: 100 });
    const chat = await fetch(`${server.baseURL}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${KEY}` },
      body: JSON.stringify({ model: "openai/gpt-4o-mini", max_tokens: 50, messages: [{ role: "user", content: "hello" }] }),
    });
    expect(chat.status).toBe(200);
    await chat.json();
    const key = await get(server, "/key");
    expect(key.body.data.usage as number).toBeGreaterThan(0);

    // The quote is the `data` member's content; the spec wraps it in `data`.
    const { status, body } = await get(server, "/credits");
    expect(status).toBe(200);
    expect(Object.keys(body)).toEqual(["data"]);
    expect(body.data).toEqual(rec);
  });

  it("without a valid key, 401 as every other endpoint", async () => {
    const server = await start();
    const r = await fetch(`${server.baseURL}/credits`, { headers: { authorization: "Bearer other" } });
    expect(r.status).toBe(401);
  });
});
