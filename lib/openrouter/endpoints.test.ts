// GET /api/models/:author/:slug/endpoints against the local OpenRouter over HTTP: the endpoints
// as OpenRouter lists them, cached for the catalog's TTL, 404 for a model it does not know.
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { getEnv } from "@/lib/env";
import type { LocalOpenRouter } from "@/local-openrouter";
import { APP, sessionMock, signInAs } from "@/tests/helpers/routes";
import { useLocalOpenRouter } from "@/tests/helpers/upstream";
import type { ModelEndpoints } from "./endpoint-types";

vi.mock("@/lib/auth", () => sessionMock());

let upstream: LocalOpenRouter;
beforeAll(async () => {
  upstream = await useLocalOpenRouter();
});

afterEach(() => {
  vi.useRealTimers();
});

async function get(author: string, slug: string): Promise<Response> {
  const { GET } = await import("@/app/api/models/[author]/[slug]/endpoints/route");
  return GET(new Request(`${APP}/api/models/${author}/${slug}/endpoints`), { params: Promise.resolve({ author, slug }) });
}

describe("model endpoints", () => {
  it("lists each provider with prices, context, quantization, uptime, latency and throughput, then serves from the cache", async () => {
    signInAs({ id: "u1", email: "u1@example.com", name: "u1", role: "user" });
    const upstreamCalls = () => upstream.log.filter((e) => e.path.endsWith("/endpoints")).length;
    const before = upstreamCalls();
    const response = await get("meta-llama", "llama-3.3-70b-instruct");
    expect(response.status).toBe(200);
    const body = (await response.json()) as ModelEndpoints;
    const raw = (await (await fetch(`${upstream.baseURL}/models/meta-llama/llama-3.3-70b-instruct/endpoints`)).json()) as {
      data: { endpoints: { provider_name: string; pricing: { prompt: string; completion: string }; quantization: string; context_length: number }[] };
    };
    expect(body.state).toBe("fresh");
    expect(body.endpoints.map((e) => [e.provider, e.pricing.prompt, e.pricing.completion, e.quantization, e.contextLength])).toEqual(
      raw.data.endpoints.map((e) => [e.provider_name, e.pricing.prompt, e.pricing.completion, e.quantization, e.context_length]),
    );
    expect(body.endpoints.length).toBeGreaterThan(1);
    for (const e of body.endpoints) {
      expect(e.uptime30m).not.toBeNull();
      expect(e.latencyP50).toBeGreaterThan(0);
      expect(e.throughputP50).toBeGreaterThan(0);
    }
    const calls = upstreamCalls();
    expect(calls).toBe(before + 2);
    expect((await get("meta-llama", "llama-3.3-70b-instruct")).status).toBe(200);
    expect(upstreamCalls()).toBe(calls);
  });

  it("answers 404 for a model OpenRouter does not know and for ids that cannot be models; 401 signed out", async () => {
    signInAs({ id: "u1", email: "u1@example.com", name: "u1", role: "user" });
    const unknown = await get("nobody", "no-such-model");
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe("not_found:model");
    expect((await get("..", "..")).status).toBe(404);
    expect((await get("a", "b%2F..%2F..%2Fkey")).status).toBe(404);
    signInAs(null);
    expect((await get("meta-llama", "llama-3.3-70b-instruct")).status).toBe(401);
  });

  it("remembers a model OpenRouter does not know for the catalog's TTL: asked again, no request goes upstream", async () => {
    signInAs({ id: "u1", email: "u1@example.com", name: "u1", role: "user" });
    const slug = `never-heard-of-${Date.now().toString(36)}`;
    const upstreamCalls = () => upstream.log.filter((e) => e.path.endsWith(`/nobody/${slug}/endpoints`)).length;
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
    const first = await get("nobody", slug);
    expect(first.status).toBe(404);
    expect(upstreamCalls()).toBe(1);
    for (let i = 0; i < 5; i++) {
      const again = await get("nobody", slug);
      expect(again.status).toBe(404);
      expect(((await again.json()) as { error: { code: string } }).error.code).toBe("not_found:model");
    }
    expect(upstreamCalls()).toBe(1);
    // Past the TTL OpenRouter is asked again (the model may have been published since).
    vi.setSystemTime(Date.now() + getEnv().SWITCHBOARD_CATALOG_TTL_SECONDS * 1000 + 1000);
    expect((await get("nobody", slug)).status).toBe(404);
    expect(upstreamCalls()).toBe(2);
    expect((await get("nobody", slug)).status).toBe(404);
    expect(upstreamCalls()).toBe(2);
  });
});
