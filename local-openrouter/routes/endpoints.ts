/** `GET /api/v1/models/{author}/{slug}/endpoints`: the providers serving one model (no key needed). */
import type http from "node:http";
import { type CatalogEndpoint, type CatalogModel, getModel } from "../catalog";
import { sendJson } from "../http";
import { errorBody } from "../wire";

/**
 * Latency percentiles in milliseconds, as the spec's `PercentileStats` ("Latency percentiles in
 * milliseconds over the last 30 minutes… returns null for unauthenticated requests",
 * shared/openrouter/openapi.yaml); the catalog keeps seconds, which routing and streaming use.
 */
function latencyMs(e: CatalogEndpoint): { p50: number; p75: number; p90: number; p99: number } {
  const ms = (seconds: number) => Math.round(seconds * 1000);
  return { p50: ms(e.latency.p50), p75: ms(e.latency.p75), p90: ms(e.latency.p90), p99: ms(e.latency.p99) };
}

/** An endpoint as the spec's `PublicEndpoint` object; `withStats` false gives the unauthenticated nulls. */
function endpointJson(m: CatalogModel, e: CatalogEndpoint, withStats: boolean): Record<string, unknown> {
  return {
    name: `${e.providerName} | ${m.id}`,
    model_id: m.id,
    model_name: m.name,
    context_length: e.contextLength,
    pricing: { ...e.pricing },
    provider_name: e.providerName,
    tag: e.tag,
    quantization: e.quantization,
    max_completion_tokens: e.maxCompletionTokens,
    max_prompt_tokens: e.contextLength,
    supported_parameters: [...e.supportedParameters],
    status: 0,
    uptime_last_30m: e.uptime.last30m,
    uptime_last_5m: e.uptime.last5m,
    uptime_last_1d: e.uptime.last1d,
    supports_implicit_caching: e.supportsImplicitCaching,
    latency_last_30m: withStats ? latencyMs(e) : null,
    throughput_last_30m: withStats ? { ...e.throughput } : null,
  };
}

function endpointsResponseJson(m: CatalogModel, withStats: boolean): Record<string, unknown> {
  return {
    data: {
      id: m.id,
      name: m.name,
      created: m.created,
      description: m.description,
      architecture: { ...m.architecture },
      endpoints: m.endpoints.map((e) => endpointJson(m, e, withStats)),
    },
  };
}

export function handleEndpoints(author: string, slug: string, req: http.IncomingMessage, res: http.ServerResponse): void {
  const m = getModel(`${author}/${slug}`);
  if (!m) return sendJson(res, 404, errorBody(404, `Model ${author}/${slug} not found`));
  // The listing needs no key, but its statistics are "only visible when authenticated"
  // (spec `PercentileStats`): without a Bearer token both come back null.
  const withStats = /^Bearer\s+\S/i.test(req.headers.authorization ?? "");
  sendJson(res, 200, endpointsResponseJson(m, withStats));
}
