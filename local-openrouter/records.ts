/**
 * Generation records: created when a request gets an id, finished (cost, tokens, timings) when
 * its response ends in any way, and read back by `/generation`, `/key` and the test controls.
 */
import type http from "node:http";
import { performance } from "node:perf_hooks";
import type { CatalogEndpoint, CatalogModel } from "./catalog";
import { computeCostNano, type CostBreakdown, nanoToUsd } from "./cost";
import { sendJson, sha256 } from "./http";
import type { Plan } from "./plan";
import type { ChatRequest } from "./request";
import type { ServerState } from "./state";
import type { GenerationData, GenerationRecord, ProviderResponseData } from "./types";
import { nativeFinishReason, randomId, usageJson } from "./wire";

type Json = Record<string, unknown>;

/** A generation in progress: what was asked, who serves it, and what it will emit. */
export interface GenContext {
  record: GenerationRecord;
  req: ChatRequest;
  model: CatalogModel;
  endpoint: CatalogEndpoint;
  router: string | null;
  plan: Plan;
  promptTokens: number;
  inputImages: number;
  mediaParts: number;
  /** performance.now() when the request arrived. */
  startedAt: number;
  created: number;
  providerResponses: ProviderResponseData[];
  upstreamId: string;
}

/** What a generation has produced so far. */
export interface Counts {
  completion: number;
  reasoning: number;
  imagesOut: number;
  /** performance.now() of the first token, if any. */
  firstTokenAt: number | null;
}

export function newRecord(
  state: ServerState,
  id: string,
  keyHash: string,
  chat: Pick<ChatRequest, "stream" | "user" | "session_id">,
  req: http.IncomingMessage,
  model: Pick<CatalogModel, "servedModel">,
  router: string | null,
): GenerationRecord {
  const referer = typeof req.headers["http-referer"] === "string" ? req.headers["http-referer"] : null;
  const ua = typeof req.headers["user-agent"] === "string" ? req.headers["user-agent"] : null;
  const sessionHeader = req.headers["x-session-id"];
  const now = Date.now();
  const data: GenerationData = {
    id,
    upstream_id: null,
    total_cost: 0,
    cache_discount: null,
    upstream_inference_cost: null,
    created_at: new Date(now).toISOString(),
    model: model.servedModel,
    app_id: null,
    streamed: chat.stream === true,
    cancelled: false,
    provider_name: null,
    latency: null,
    moderation_latency: null,
    generation_time: null,
    finish_reason: null,
    native_finish_reason: null,
    service_tier: null,
    tokens_prompt: 0,
    tokens_completion: 0,
    native_tokens_prompt: 0,
    native_tokens_completion: 0,
    native_tokens_completion_images: 0,
    native_tokens_reasoning: 0,
    native_tokens_cached: 0,
    num_media_prompt: 0,
    num_input_audio_prompt: 0,
    num_media_completion: 0,
    num_search_results: 0,
    num_fetches: 0,
    web_search_engine: null,
    origin: referer ?? "",
    usage: 0,
    is_byok: false,
    external_user: chat.user ?? null,
    api_type: "completions",
    preset_id: null,
    router,
    provider_responses: null,
    user_agent: ua,
    http_referer: referer,
    data_region: "global",
    workspace_id: null,
    request_id: `req-${Math.floor(now / 1000)}-${randomId(20)}`,
    session_id: chat.session_id ?? (typeof sessionHeader === "string" ? sessionHeader : null),
    response_cache_source_id: null,
  };
  const record: GenerationRecord = {
    id,
    keyHash,
    state: "running",
    createdAtMs: now,
    availableAtMs: null,
    costNano: 0n,
    upstreamNano: 0n,
    outcome: null,
    data,
  };
  state.generations.set(id, record);
  return record;
}

export function providerResponse(model: CatalogModel, e: CatalogEndpoint, status: number, latencyMs: number): ProviderResponseData {
  return {
    id: `chatcmpl-${randomId(29)}`,
    endpoint_id: sha256(`${model.id}|${e.tag}`)
      .slice(0, 32)
      .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, "$1-$2-$3-$4-$5"),
    model_permaslug: model.canonicalSlug,
    provider_name: e.providerName,
    status,
    latency: Math.round(latencyMs),
    is_byok: false,
  };
}

/**
 * How long `/generation` answers 404 after a generation ended, unless `generationDelayMs` says otherwise.
 * The real service does so for a while (tests/fixtures/openrouter-recorded/generation-404-not-yet-available.message.txt,
 * where the fix asked for is retrying after 1-second delays); a few hundred ms keep tests fast but make every
 * reader of `/generation` cope with it.
 */
export const DEFAULT_GENERATION_DELAY_MS = 300;

export function completeRecord(state: ServerState, rec: GenerationRecord, outcome: NonNullable<GenerationRecord["outcome"]>): void {
  rec.outcome = outcome;
  rec.state = "done";
  rec.availableAtMs = Date.now() + (state.opts.generationDelayMs ?? DEFAULT_GENERATION_DELAY_MS);
}

/** Ends a record that failed before any token, with zero cost, and sends the error. */
export function finishError(
  state: ServerState,
  res: http.ServerResponse,
  record: GenerationRecord,
  status: number,
  body: Json,
  startedAt: number,
  headers: Record<string, string>,
): void {
  const elapsed = Math.round(performance.now() - startedAt);
  record.data.finish_reason = "error";
  record.data.native_finish_reason = "error";
  record.data.latency = elapsed;
  record.data.generation_time = 0;
  completeRecord(state, record, "error");
  sendJson(res, status, body, { "x-generation-id": record.id, ...headers });
}

/** Exact cost of what a generation produced so far. */
export function costOf(ctx: GenContext, counts: Counts): CostBreakdown {
  return computeCostNano(ctx.endpoint.pricing, {
    promptTokens: ctx.promptTokens,
    completionTokens: counts.completion,
    reasoningTokens: counts.reasoning,
    cachedTokens: ctx.plan.cachedTokens,
    inputImages: ctx.inputImages,
    outputImages: counts.imagesOut,
    webSearch: ctx.plan.webSearch,
  });
}

/**
 * What OpenRouter charges (`cost`, `/generation.total_cost`) and what the provider charges
 * (`upstream_inference_cost`). With BYOK the provider bills the user's own key for the inference and
 * OpenRouter charges only its fee (`cost: 0` in tests/fixtures/openrouter-recorded/usage-byok.json,
 * with the provider's charge and its prompt/completion split in `cost_details`) plus any plugin fee.
 */
export function chargesOf(ctx: GenContext, cost: CostBreakdown): { chargeNano: bigint; upstreamNano: bigint; isByok: boolean } {
  const percent = ctx.plan.byokFeePercent;
  if (percent === null) return { chargeNano: cost.totalNano, upstreamNano: cost.upstreamNano, isByok: false };
  const feeNano = (cost.upstreamNano * BigInt(Math.round(percent * 1000))) / 100_000n;
  return { chargeNano: cost.totalNano - cost.upstreamNano + feeNano, upstreamNano: cost.upstreamNano, isByok: true };
}

export function usageOf(ctx: GenContext, counts: Counts): Json {
  const cost = costOf(ctx, counts);
  const usage = usageJson(
    {
      promptTokens: ctx.promptTokens,
      completionTokens: counts.completion,
      reasoningTokens: counts.reasoning,
      cachedTokens: ctx.plan.cachedTokens,
      webSearchRequests: ctx.plan.webSearch ? 1 : 0,
    },
    cost,
    ctx.endpoint.pricing,
  );
  const charges = chargesOf(ctx, cost);
  if (charges.isByok) {
    usage.cost = nanoToUsd(charges.chargeNano);
    usage.is_byok = true;
  }
  if (ctx.plan.nullUsage) {
    // OpenRouter's spec allows these three as null (ChatUsage); no recording has them (corpus README).
    usage.cost = null;
    usage.prompt_tokens_details = null;
    usage.completion_tokens_details = { reasoning_tokens: null };
  }
  return usage;
}

/**
 * Providers that go on generating, and billing, after the client went away. OpenRouter's streaming
 * documentation (https://openrouter.ai/docs/api-reference/streaming, "Stream Cancellation") lists the
 * providers where a disconnect stops billing; among this catalog's providers these are not on it.
 */
export const PROVIDERS_WITHOUT_CANCELLATION: ReadonlySet<string> = new Set([
  "Amazon Bedrock",
  "Google",
  "Google AI Studio",
  "Groq",
  "Mistral",
  "Alibaba",
  "Nebius",
  "SambaNova",
]);

/** Everything the plan would have produced (up to a scripted failure): what a provider that cannot cancel bills. */
function plannedCounts(ctx: GenContext, counts: Counts): Counts {
  const plan = ctx.plan;
  const total = plan.reasoning.length + plan.content.length + plan.toolCalls.reduce((n, t) => n + t.nameTokens + t.argPieces.length, 0);
  const completion = plan.failure ? Math.min(plan.failure.afterTokens, total) : total;
  return {
    completion: Math.max(completion, counts.completion),
    reasoning: Math.max(Math.min(plan.reasoning.length, completion), counts.reasoning),
    imagesOut: plan.failure ? counts.imagesOut : plan.images.length,
    firstTokenAt: counts.firstTokenAt,
  };
}

/** Fills in and publishes the generation record of a request that produced tokens (or tried to). */
export function finalize(
  state: ServerState,
  ctx: GenContext,
  outcome: NonNullable<GenerationRecord["outcome"]>,
  produced: Counts,
  finishReason: string | null,
): void {
  const rec = ctx.record;
  if (rec.state === "done") return;
  const counts = outcome === "cancelled" && PROVIDERS_WITHOUT_CANCELLATION.has(ctx.endpoint.providerName) ? plannedCounts(ctx, produced) : produced;
  const cost = costOf(ctx, counts);
  const now = performance.now();
  const d = rec.data;
  const charges = chargesOf(ctx, cost);
  rec.costNano = charges.chargeNano;
  rec.upstreamNano = charges.upstreamNano;
  d.total_cost = nanoToUsd(charges.chargeNano);
  d.usage = d.total_cost;
  d.upstream_inference_cost = nanoToUsd(charges.upstreamNano);
  d.is_byok = charges.isByok;
  d.cache_discount = ctx.plan.cachedTokens > 0 ? nanoToUsd(cost.cacheDiscountNano) : null;
  d.upstream_id = ctx.upstreamId;
  d.provider_name = ctx.endpoint.providerName;
  d.model = ctx.model.servedModel;
  d.router = ctx.router;
  d.cancelled = outcome === "cancelled";
  d.finish_reason = finishReason;
  d.native_finish_reason = nativeFinishReason(ctx.endpoint.providerName, ctx.model.id, finishReason);
  d.latency = Math.round((counts.firstTokenAt ?? now) - ctx.startedAt);
  d.generation_time = Math.round(now - (counts.firstTokenAt ?? now));
  d.tokens_prompt = ctx.promptTokens;
  d.tokens_completion = counts.completion;
  d.native_tokens_prompt = ctx.promptTokens;
  d.native_tokens_completion = counts.completion;
  d.native_tokens_reasoning = counts.reasoning;
  d.native_tokens_cached = ctx.plan.cachedTokens;
  d.native_tokens_completion_images = 0;
  d.num_media_prompt = ctx.mediaParts;
  d.num_media_completion = counts.imagesOut;
  d.num_search_results = ctx.plan.numSearchResults;
  d.web_search_engine = ctx.plan.webSearch ? ctx.plan.webSearch.engine : null;
  d.provider_responses = [
    ...ctx.providerResponses,
    {
      ...providerResponse(ctx.model, ctx.endpoint, outcome === "error" ? 502 : 200, (counts.firstTokenAt ?? now) - ctx.startedAt),
      id: ctx.upstreamId,
      is_byok: charges.isByok,
    },
  ];
  completeRecord(state, rec, outcome);
}

/** A key's spend, summed exactly from its finished generations: in total, this UTC day, week (from Monday) and month. */
export function keyUsage(state: ServerState, keyHash: string): { total: bigint; day: bigint; week: bigint; month: bigint } {
  const now = new Date();
  const dayStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const weekStart = dayStart - ((now.getUTCDay() + 6) % 7) * 86_400_000;
  const monthStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  const sums = { total: 0n, day: 0n, week: 0n, month: 0n };
  for (const g of state.generations.values()) {
    if (g.keyHash !== keyHash || g.state !== "done") continue;
    sums.total += g.costNano;
    if (g.createdAtMs >= dayStart) sums.day += g.costNano;
    if (g.createdAtMs >= weekStart) sums.week += g.costNano;
    if (g.createdAtMs >= monthStart) sums.month += g.costNano;
  }
  return sums;
}
