/** `GET /api/v1/models/{author}/{slug}/endpoints`: the providers serving one model (no key needed). */
import type http from "node:http";
import { type CatalogEndpoint, type CatalogModel, getModel } from "../catalog";
import { sendJson } from "../http";
import { errorBody } from "../wire";

/** An endpoint as the spec's `PublicEndpoint` object. */
function endpointJson(m: CatalogModel, e: CatalogEndpoint): Record<string, unknown> {
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
    latency_last_30m: { ...e.latency },
    throughput_last_30m: { ...e.throughput },
  };
}

function endpointsResponseJson(m: CatalogModel): Record<string, unknown> {
  return {
    data: {
      id: m.id,
      name: m.name,
      created: m.created,
      description: m.description,
      architecture: { ...m.architecture },
      endpoints: m.endpoints.map((e) => endpointJson(m, e)),
    },
  };
}

export function handleEndpoints(author: string, slug: string, res: http.ServerResponse): void {
  const m = getModel(`${author}/${slug}`);
  if (!m) return sendJson(res, 404, errorBody(404, `Model ${author}/${slug} not found`));
  sendJson(res, 200, endpointsResponseJson(m));
}
