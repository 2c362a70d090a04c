// An endpoints entry shaped like the spec's `PublicEndpoint` (shared/openrouter/openapi.yaml):
// statistics in milliseconds, or null without a key or without recent traffic. No recording of a
// real endpoints response was found, so the shape follows the spec's required fields and types.
import { describe, expect, it } from "vitest";
import { toEndpoint, upstreamEndpoint } from "./endpoints";

const base = {
  name: "DeepInfra | meta-llama/llama-3.3-70b-instruct",
  model_id: "meta-llama/llama-3.3-70b-instruct",
  model_name: "Meta: Llama 3.3 70B Instruct",
  context_length: 131072,
  pricing: { prompt: "0.00000023", completion: "0.0000004", request: "0", image: "0" },
  provider_name: "DeepInfra",
  tag: "deepinfra/fp8",
  quantization: "fp8",
  max_completion_tokens: null,
  max_prompt_tokens: null,
  supported_parameters: ["tools", "temperature"],
  status: 0,
  supports_implicit_caching: false,
};

describe("endpoints entry parse", () => {
  it("keeps null statistics null (no NaN, no zero)", () => {
    const raw = { ...base, uptime_last_30m: null, uptime_last_5m: null, uptime_last_1d: null, latency_last_30m: null, throughput_last_30m: null };
    const endpoint = toEndpoint(upstreamEndpoint.parse(raw));
    expect(endpoint).toMatchObject({ uptime30m: null, uptime1d: null, latencyP50: null, throughputP50: null, maxCompletionTokens: null });
    expect(endpoint.supportsTools).toBe(true);
  });

  it("passes milliseconds through unchanged", () => {
    const raw = {
      ...base,
      uptime_last_30m: 99.5,
      uptime_last_5m: 100,
      uptime_last_1d: 99.8,
      latency_last_30m: { p50: 480, p75: 620, p90: 910, p99: 2100 },
      throughput_last_30m: { p50: 45.2, p75: 38.5, p90: 28.3, p99: 15.1 },
    };
    expect(toEndpoint(upstreamEndpoint.parse(raw))).toMatchObject({ latencyP50: 480, throughputP50: 45.2, uptime30m: 99.5 });
  });
});
