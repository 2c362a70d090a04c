import "server-only";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { summariseListing } from "./catalog";
import type { ModelSummary } from "./types";

// The OpenAI-compatible API's way upstream: a request body sent to OpenRouter as the client wrote
// it (after the gateway's checks), and the response handed back untouched, so a client gets
// OpenRouter's exact bytes. The server's key goes in the Authorization header here and nowhere else.

export type PassthroughPath = "/chat/completions" | "/embeddings";

/** POSTs `body` to OpenRouter; the response is returned whatever its status. A network failure is a 502. */
export async function postUpstream(path: PassthroughPath, body: unknown, signal: AbortSignal): Promise<Response> {
  const env = getEnv();
  if (!env.OPENROUTER_API_KEY) throw new AppError("unavailable:upstream", "The model provider is not configured.");
  try {
    return await fetch(`${env.OPENROUTER_BASE_URL}${path}`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${env.OPENROUTER_API_KEY}`,
        "content-type": "application/json",
        "x-openrouter-title": env.OPENROUTER_APP_TITLE,
        ...(env.OPENROUTER_APP_URL ? { "http-referer": env.OPENROUTER_APP_URL } : {}),
      },
      body: JSON.stringify(body),
      signal,
    });
  } catch (error) {
    if (signal.aborted) throw error;
    throw new AppError("upstream:network", "The model provider could not be reached.", { cause: error });
  }
}

const EMBEDDING_MODELS_TTL_MS = 5 * 60_000;
const holder = globalThis as unknown as { __sbEmbeddingModels?: { at: number; models: Map<string, ModelSummary> } };

/**
 * OpenRouter's embedding models (`GET /embeddings/models`, the `/models` listing's shape), for
 * their prices: they are not in the chat catalog. Cached for a few minutes; the last good copy is
 * kept when a refresh fails.
 */
export async function embeddingModels(): Promise<Map<string, ModelSummary>> {
  const cached = holder.__sbEmbeddingModels;
  if (cached && Date.now() - cached.at < EMBEDDING_MODELS_TTL_MS) return cached.models;
  const env = getEnv();
  try {
    const response = await fetch(`${env.OPENROUTER_BASE_URL}/embeddings/models`, { signal: AbortSignal.timeout(15_000) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const { models } = summariseListing(await response.json());
    const byId = new Map(models.map((m) => [m.id, m]));
    holder.__sbEmbeddingModels = { at: Date.now(), models: byId };
    return byId;
  } catch (error) {
    if (cached) return cached.models;
    throw new AppError("unavailable:catalog", "The list of embedding models cannot be loaded right now. Try again shortly.", { cause: error });
  }
}
