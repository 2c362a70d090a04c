/** Public types of the local OpenRouter server. */

export interface LocalOpenRouterOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** When set, only `Authorization: Bearer <apiKey>` is accepted; otherwise any non-empty Bearer token. */
  apiKey?: string;
  /** How long after a generation ends before `/generation` knows it (404 until then). Default 300 (`DEFAULT_GENERATION_DELAY_MS`). */
  generationDelayMs?: number;
  /** Default streaming speed in tokens per second when a directive has no `rate=` (default 200; 0 = no pacing). */
  tokensPerSecond?: number;
  /** Credit limit of every key in USD (`/key`'s `limit`); a key whose usage reached it gets 402. Default null (no limit). */
  keyLimitUsd?: number | null;
  /**
   * Every stream in this shape ("2025" or "2026", see `StreamShape` in wire.ts) instead of its provider's
   * recorded one; a directive's `shape=` still wins. Default: by provider (Amazon Bedrock 2026, others 2025).
   */
  streamShape?: "2025" | "2026";
  /**
   * The account's credits in USD, spent by every key's generations. With this or `keyLimitUsd`, a
   * request whose `max_tokens` (else the model's maximum output) it cannot afford gets the recorded
   * affordability 402 (affordability.ts). Default null (unlimited).
   */
  creditsUsd?: number | null;
}

export interface RequestLogEntry {
  /** ISO time the request arrived. */
  at: string;
  method: string;
  /** Path with query string. */
  path: string;
  /** Raw request headers, lower-case names (Authorization included as sent). */
  headers: Record<string, string>;
  /** Parsed JSON body; the raw text when it is not JSON; null when empty. */
  body: unknown;
  status?: number;
  generationId?: string;
  /** True when the client closed the connection before the response was complete. */
  closedByClient?: boolean;
  /** ISO time the client closed the connection early. */
  closedAt?: string;
}

/** The `data` object of `GET /api/v1/generation` (the spec's GenerationResponse.data). */
export interface GenerationData {
  id: string;
  upstream_id: string | null;
  total_cost: number;
  cache_discount: number | null;
  upstream_inference_cost: number | null;
  created_at: string;
  model: string;
  app_id: number | null;
  streamed: boolean | null;
  cancelled: boolean | null;
  provider_name: string | null;
  latency: number | null;
  moderation_latency: number | null;
  generation_time: number | null;
  finish_reason: string | null;
  native_finish_reason: string | null;
  service_tier: string | null;
  tokens_prompt: number | null;
  tokens_completion: number | null;
  native_tokens_prompt: number | null;
  native_tokens_completion: number | null;
  native_tokens_completion_images: number | null;
  native_tokens_reasoning: number | null;
  native_tokens_cached: number | null;
  num_media_prompt: number | null;
  num_input_audio_prompt: number | null;
  num_media_completion: number | null;
  num_search_results: number | null;
  num_fetches: number | null;
  web_search_engine: string | null;
  origin: string;
  usage: number;
  is_byok: boolean;
  external_user: string | null;
  /** `embeddings` for `POST /embeddings` (the spec's GenerationResponse enum); `completions` otherwise. */
  api_type: "completions" | "embeddings";
  preset_id: string | null;
  router: string | null;
  provider_responses: ProviderResponseData[] | null;
  user_agent: string | null;
  http_referer: string | null;
  data_region: "global" | "europe" | "us";
  workspace_id: string | null;
  request_id: string | null;
  session_id: string | null;
  response_cache_source_id: string | null;
}

export interface ProviderResponseData {
  id?: string;
  endpoint_id?: string;
  model_permaslug?: string;
  provider_name?: string;
  status: number | null;
  latency?: number;
  is_byok?: boolean;
}

export interface GenerationRecord {
  id: string;
  /** sha256 of the key that made the request (first 16 hex digits). */
  keyHash: string;
  /** `running` while the response is being produced; `done` once it ended in any way. */
  state: "running" | "done";
  createdAtMs: number;
  /** Epoch ms from which `/generation` returns it (end + generationDelayMs); null while running. */
  availableAtMs: number | null;
  /** Exact cost in nano-USD (`data.total_cost` is this / 1e9). */
  costNano: bigint;
  upstreamNano: bigint;
  /** How the response ended: a normal end, an error (pre-stream or mid-stream), a client cancel, or a dropped connection. */
  outcome: "completed" | "error" | "cancelled" | "dropped" | null;
  data: GenerationData;
}

export interface LocalOpenRouter {
  /** e.g. http://127.0.0.1:4010 */
  url: string;
  /** url + '/api/v1' (what `createOpenRouter({ baseURL })` takes). */
  baseURL: string;
  port: number;
  log: RequestLogEntry[];
  generations: Map<string, GenerationRecord>;
  close(): Promise<void>;
}
