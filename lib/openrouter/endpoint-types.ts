// A model's endpoints (one per provider serving it), as the picker's detail view shows them. Client-safe.

export type ModelEndpoint = {
  /** Provider's display name ("DeepInfra"); what `order` and `ignore` take. */
  provider: string;
  /** Endpoint tag ("deepinfra/fp8"); also accepted by `order` and `ignore`. */
  tag: string;
  quantization: string | null;
  contextLength: number;
  maxCompletionTokens: number | null;
  /** USD per token (decimal strings, as OpenRouter gives them). */
  pricing: { prompt: string; completion: string; request?: string; image?: string; webSearch?: string; inputCacheRead?: string };
  /** Percent, last 30 minutes and last day; null when unknown. */
  uptime30m: number | null;
  uptime1d: number | null;
  /** Milliseconds to first token, median over the last 30 minutes; null when OpenRouter has no figure. */
  latencyP50: number | null;
  /** Tokens per second, median over the last 30 minutes; null when OpenRouter has no figure. */
  throughputP50: number | null;
  supportsTools: boolean;
};

export type ModelEndpoints = {
  modelId: string;
  state: "fresh" | "stale";
  fetchedAt: string;
  endpoints: ModelEndpoint[];
};
