import "server-only";
import { z } from "zod";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import type { ModelEndpoint, ModelEndpoints } from "./endpoint-types";

// GET /models/{author}/{slug}/endpoints: who serves a model, at what price and how well. Cached
// per model for SWITCHBOARD_CATALOG_TTL_SECONDS like the catalog; an old copy is served (and
// refreshed in the background) when it is past its time, and kept when OpenRouter is down. A model
// OpenRouter does not know is remembered as unknown for as long.

// The spec's `PercentileStats` (object or null): latency in milliseconds, throughput in tokens/s;
// null without a key or without recent traffic.
export const percentiles = z.object({ p50: z.number().nullish() }).partial().nullish();

export const upstreamEndpoint = z.object({
  provider_name: z.string(),
  tag: z.string().default(""),
  quantization: z.string().nullish(),
  context_length: z.number().nullish(),
  max_completion_tokens: z.number().nullish(),
  pricing: z.object({
    prompt: z.string(),
    completion: z.string(),
    request: z.string().nullish(),
    image: z.string().nullish(),
    web_search: z.string().nullish(),
    input_cache_read: z.string().nullish(),
  }),
  uptime_last_30m: z.number().nullish(),
  uptime_last_1d: z.number().nullish(),
  latency_last_30m: percentiles,
  throughput_last_30m: percentiles,
  supported_parameters: z.array(z.string()).nullish(),
});

const upstreamResponse = z.object({ data: z.object({ id: z.string(), endpoints: z.array(z.unknown()) }) });

/** `author/slug` (optionally `:variant`): nothing that could climb out of the upstream path. */
const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._:-]*$/;

export function toEndpoint(raw: z.infer<typeof upstreamEndpoint>): ModelEndpoint {
  const optional = (v: string | null | undefined) => (v && v !== "0" ? v : undefined);
  return {
    provider: raw.provider_name,
    tag: raw.tag,
    quantization: raw.quantization ?? null,
    contextLength: raw.context_length ?? 0,
    maxCompletionTokens: raw.max_completion_tokens ?? null,
    pricing: {
      prompt: raw.pricing.prompt,
      completion: raw.pricing.completion,
      request: optional(raw.pricing.request),
      image: optional(raw.pricing.image),
      webSearch: optional(raw.pricing.web_search),
      inputCacheRead: optional(raw.pricing.input_cache_read),
    },
    uptime30m: raw.uptime_last_30m ?? null,
    uptime1d: raw.uptime_last_1d ?? null,
    latencyP50: raw.latency_last_30m?.p50 ?? null,
    throughputP50: raw.throughput_last_30m?.p50 ?? null,
    supportsTools: (raw.supported_parameters ?? []).includes("tools"),
  };
}

type Entry = { endpoints: ModelEndpoint[]; fetchedAt: number; refreshing?: Promise<void>; lastError?: string };

const holder = globalThis as unknown as { __sbEndpoints?: Map<string, Entry> };
const cache = () => (holder.__sbEndpoints ??= new Map());
/** Models whose endpoints are kept at once (the least recently fetched go first). */
const MAX_CACHED_MODELS = 500;

class UnknownModel extends Error {}

const missHolder = globalThis as unknown as { __sbEndpointMisses?: Map<string, number> };
/**
 * Models OpenRouter answered 404 for, by when: asked again within the TTL they are 404 without
 * a request upstream. Kept apart from the endpoints so made-up ids cannot evict real ones.
 */
const misses = () => (missHolder.__sbEndpointMisses ??= new Map());

async function fetchEndpoints(modelId: string): Promise<ModelEndpoint[]> {
  const env = getEnv();
  const [author, slug] = modelId.split("/");
  const response = await fetch(`${env.OPENROUTER_BASE_URL}/models/${encodeURIComponent(author)}/${encodeURIComponent(slug)}/endpoints`, {
    // With the key OpenRouter includes latency and throughput (null without it).
    headers: { accept: "application/json", ...(env.OPENROUTER_API_KEY ? { authorization: `Bearer ${env.OPENROUTER_API_KEY}` } : {}) },
    signal: AbortSignal.timeout(15_000),
  });
  if (response.status === 404) throw new UnknownModel(modelId);
  if (!response.ok) throw new Error(`GET /models/${modelId}/endpoints answered ${response.status}`);
  const body = upstreamResponse.parse(await response.json());
  const endpoints: ModelEndpoint[] = [];
  for (const entry of body.data.endpoints) {
    const parsed = upstreamEndpoint.safeParse(entry);
    if (parsed.success) endpoints.push(toEndpoint(parsed.data));
  }
  return endpoints;
}

function remember<V>(map: Map<string, V>, modelId: string, value: V): void {
  map.delete(modelId);
  map.set(modelId, value);
  while (map.size > MAX_CACHED_MODELS) map.delete(map.keys().next().value!);
}

const unknownModel = (modelId: string) => new AppError("not_found:model", `OpenRouter does not know the model "${modelId.slice(0, 100)}".`);

/** The model's endpoints, from the cache when fresh; `not_found:model` for a model OpenRouter does not know. */
export async function getModelEndpoints(modelId: string): Promise<ModelEndpoints> {
  if (!MODEL_ID.test(modelId) || modelId.length > 200) throw new AppError("not_found:model", "Unknown model.");
  const ttlMs = getEnv().SWITCHBOARD_CATALOG_TTL_SECONDS * 1000;
  const entry = cache().get(modelId);
  const view = (e: Entry, state: "fresh" | "stale"): ModelEndpoints => ({
    modelId,
    state,
    fetchedAt: new Date(e.fetchedAt).toISOString(),
    endpoints: e.endpoints,
  });
  if (entry && Date.now() - entry.fetchedAt <= ttlMs) return view(entry, entry.lastError ? "stale" : "fresh");
  if (entry) {
    // Old: served as is while one background request refreshes it.
    entry.refreshing ??= fetchEndpoints(modelId)
      .then((endpoints) => remember(cache(), modelId, { endpoints, fetchedAt: Date.now() }))
      .catch((error: unknown) => {
        entry.lastError = error instanceof Error ? error.message : String(error);
      })
      .finally(() => {
        entry.refreshing = undefined;
      });
    return view(entry, "stale");
  }
  const missedAt = misses().get(modelId);
  if (missedAt !== undefined && Date.now() - missedAt <= ttlMs) throw unknownModel(modelId);
  try {
    const endpoints = await fetchEndpoints(modelId);
    const fresh: Entry = { endpoints, fetchedAt: Date.now() };
    misses().delete(modelId);
    remember(cache(), modelId, fresh);
    return view(fresh, "fresh");
  } catch (error) {
    if (error instanceof UnknownModel) {
      remember(misses(), modelId, Date.now());
      throw unknownModel(modelId);
    }
    throw new AppError("unavailable:catalog", "The model's providers cannot be loaded from OpenRouter right now. Try again shortly.", {
      cause: error,
    });
  }
}
