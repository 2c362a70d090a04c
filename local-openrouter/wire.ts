/**
 * The JSON shapes the local OpenRouter puts on the wire: ids, stream chunks, usage, error bodies
 * and the non-streaming result. Every shape is validated against OpenRouter's OpenAPI
 * description by the tests (spec/openapi.yaml): ChatStreamChunk, ChatResult, ChatUsage and the
 * error response schemas.
 */
import { createHash, randomBytes } from "node:crypto";
import type { CatalogModel } from "./catalog";
import { type CostBreakdown, nanoToUsd, type PriceTable } from "./cost";
import type { UrlCitation } from "./plan";
import type { PlannedToolCall } from "./plan-tools";
import { type ReasoningDetail, reasoningPiece } from "./reasoning";

/** A random id of `n` letters and digits, as in OpenRouter's `gen-…`, `chatcmpl-…` and `call_…` ids. */
export function randomId(n: number): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const bytes = randomBytes(n);
  let s = "";
  for (let i = 0; i < n; i++) s += alphabet[bytes[i] % alphabet.length];
  return s;
}

export interface ChunkIdentity {
  id: string;
  provider: string;
  model: string;
  created: number;
}

export type Delta = Record<string, unknown>;

/**
 * The two stream shapes recorded from openrouter.ai (tests/fixtures/openrouter-recorded/README.md, point 2).
 * - "2025": chunk keys `id, provider, model, object, created, choices`; every choice has `logprobs: null`; text
 *   deltas are `{role, content, reasoning: null, reasoning_details: []}`; an opening chunk with empty content
 *   comes first; usage on a chunk of its own with one empty-content choice and `finish_reason: null`
 *   (stream-reasoning-text-signature-anthropic-claude-sonnet-4.5.sse, stream-reasoning-encrypted-openai-o3.sse,
 *   stream-keepalives-before-first-token-openai-gpt-4o-mini.partial.sse).
 * - "2026": chunk keys `id, object, created, model, provider, choices`; no `logprobs`; text deltas `{content, role}`;
 *   no opening chunk; usage placed by provider (`usagePlacement`)
 *   (stream-text-deltas-keepalives-openai-gpt-4o-mini-2026.sse, stream-web-search-server-tool-usage-openai-gpt-4.1-mini.sse,
 *   stream-usage-empty-choices-dated-slug-claude-sonnet-4.6-bedrock.sse).
 */
export type StreamShape = "2025" | "2026";

/**
 * The shape a provider's streams take unless `shape=` or the server's `streamShape` says otherwise: Amazon
 * Bedrock as recorded in 2026; every other provider the 2025 shape, whose null-valued keys on every text delta
 * are what a consumer written against `{role, content}` alone does not expect. OpenAI's 2025 recordings carry
 * only `logprobs: null` on text deltas; the null reasoning keys come from the Anthropic (Google-served) and
 * Minimax recordings and are sent here for every 2025-shaped provider (README, Known differences).
 */
export function defaultStreamShape(provider: string): StreamShape {
  return provider === "Amazon Bedrock" ? "2026" : "2025";
}

/**
 * Where the usage object goes (README.md of the corpus, point 3): "choice" — a chunk of its own with one
 * empty-content choice and `finish_reason: null` (every 2025 recording); "empty-choices" — `choices: []`
 * (stream-usage-empty-choices-dated-slug-claude-sonnet-4.6-bedrock.sse); "repeat-finish" — a second chunk that
 * repeats the finish and adds `service_tier` (stream-text-deltas-keepalives-openai-gpt-4o-mini-2026.sse,
 * stream-web-search-server-tool-usage-openai-gpt-4.1-mini.sse, and deepseek served as "OpenAI" in
 * stream-annotations-web-plugin-no-is-byok-deepseek-chat.sse).
 */
export type UsagePlacement = "choice" | "empty-choices" | "repeat-finish";

export function usagePlacement(shape: StreamShape, provider: string): UsagePlacement {
  if (shape === "2025") return "choice";
  if (provider === "Amazon Bedrock") return "empty-choices";
  if (provider === "OpenAI") return "repeat-finish";
  return "choice";
}

/**
 * Models whose recorded `native_finish_reason` for a normal end is the Responses API's `completed`:
 * openai/o3 (stream-reasoning-encrypted-openai-o3.sse), openai/gpt-4.1-mini
 * (stream-web-search-server-tool-usage-openai-gpt-4.1-mini.sse), openai/gpt-5-mini
 * (completion-reasoning-summary-encrypted-openai-gpt-5-mini.json), x-ai/grok-4
 * (stream-fallback-keepalives-reasoning-encrypted-xai-grok-4.sse). openai/gpt-4o and gpt-4o-mini say `stop`
 * (stream-usage-after-finish-no-cost-openai-gpt-4o.chunks.txt, stream-text-deltas-keepalives-openai-gpt-4o-mini-2026.sse).
 */
const RESPONSES_API_MODELS = /^(openai\/(o\d|gpt-4\.1|gpt-5)|x-ai\/grok-4)/;

/**
 * Provider-native finish reasons, as OpenRouter passes them through in `native_finish_reason`. Anthropic models
 * served by Google and Amazon Bedrock say `stop` / `tool_calls`, not Anthropic's `end_turn` / `tool_use`
 * (stream-usage-empty-choices-dated-slug-claude-sonnet-4.6-bedrock.sse, completion-tool-call-claude-sonnet-4.5.json,
 * stream-reasoning-text-signature-anthropic-claude-sonnet-4.5.sse); Gemini's own words for Gemini models on
 * Google are not recorded and stay `STOP` / `MAX_TOKENS`.
 */
export function nativeFinishReason(provider: string, modelId: string, finish: string | null): string | null {
  if (finish === null) return null;
  if (finish === "stop" && RESPONSES_API_MODELS.test(modelId)) return "completed";
  if ((provider === "Google" || provider === "Google AI Studio") && modelId.startsWith("google/")) {
    return { stop: "STOP", length: "MAX_TOKENS", tool_calls: "STOP", error: "error", content_filter: "SAFETY" }[finish] ?? finish;
  }
  return finish;
}

/** One stream chunk in `shape`, keys in the recorded order; `extra` goes after `choices` (`usage`, `error`). */
export function chunkJson(idt: ChunkIdentity, shape: StreamShape, delta: Delta, finish: string | null, extra?: Record<string, unknown>): string {
  const native = nativeFinishReason(idt.provider, idt.model, finish);
  if (shape === "2026") {
    return JSON.stringify({
      id: idt.id,
      object: "chat.completion.chunk",
      created: idt.created,
      model: idt.model,
      provider: idt.provider,
      choices: [{ index: 0, delta, finish_reason: finish, native_finish_reason: native }],
      ...extra,
    });
  }
  return JSON.stringify({
    id: idt.id,
    provider: idt.provider,
    model: idt.model,
    object: "chat.completion.chunk",
    created: idt.created,
    choices: [{ index: 0, delta, finish_reason: finish, native_finish_reason: native, logprobs: null }],
    ...extra,
  });
}

/** The usage chunk of `placement`: after the finish chunk, before `[DONE]`. */
export function usageChunkJson(idt: ChunkIdentity, shape: StreamShape, placement: UsagePlacement, finish: string | null, usage: unknown): string {
  switch (placement) {
    case "empty-choices":
      return JSON.stringify({
        id: idt.id,
        object: "chat.completion.chunk",
        created: idt.created,
        model: idt.model,
        provider: idt.provider,
        choices: [],
        usage,
      });
    case "repeat-finish":
      return JSON.stringify({
        id: idt.id,
        object: "chat.completion.chunk",
        created: idt.created,
        model: idt.model,
        provider: idt.provider,
        service_tier: "default",
        choices: [
          {
            index: 0,
            delta: { content: "", role: "assistant" },
            finish_reason: finish,
            native_finish_reason: nativeFinishReason(idt.provider, idt.model, finish),
          },
        ],
        usage,
      });
    case "choice":
      // The recorded 2025 usage chunks carry a bare `{role, content: ""}` delta, without the null reasoning keys.
      return chunkJson(idt, shape, shape === "2025" ? { role: "assistant", content: "" } : { content: "", role: "assistant" }, null, { usage });
  }
}

export function sse(data: string): string {
  return `data: ${data}\n\n`;
}

export const KEEPALIVE_COMMENT = ": OPENROUTER PROCESSING\n\n";

/** A text delta (also the empty opening and finish deltas) in `shape`. */
export function contentDelta(text: string, shape: StreamShape): Delta {
  return shape === "2026" ? { content: text, role: "assistant" } : { role: "assistant", content: text, reasoning: null, reasoning_details: [] };
}

/** One reasoning token, its detail in the model's format (reasoning.ts). */
export function reasoningDelta(text: string, format: CatalogModel["reasoningFormat"]): Delta {
  return { role: "assistant", content: "", reasoning: text, reasoning_details: [reasoningPiece(text, format)] };
}

/** A detail without reasoning text (Anthropic's opening and signature details, encrypted reasoning): `reasoning: null`, as recorded. */
export function reasoningDetailDelta(detail: ReasoningDetail): Delta {
  return { role: "assistant", content: "", reasoning: null, reasoning_details: [detail] };
}

/** A call's opening: `id` only when it has one (`ids=missing`), `arguments` only when it has them (`noargs=1`). */
function toolCallOpening(index: number, call: PlannedToolCall, args: string): Record<string, unknown> {
  return {
    index,
    ...(call.id === null ? {} : { id: call.id }),
    type: "function",
    function: call.noArguments ? { name: call.name } : { name: call.name, arguments: args },
  };
}

export function toolStartDelta(index: number, call: PlannedToolCall): Delta {
  return { role: "assistant", content: null, tool_calls: [toolCallOpening(index, call, "")] };
}

/**
 * Every call whole in one delta (`whole=1`): id, name and the complete arguments together, as providers behind
 * OpenAI-compatible APIs send them (Gemini's whole `tool_calls` array quoted in vercel/ai#7834).
 */
export function toolCallsWholeDelta(calls: PlannedToolCall[]): Delta {
  return { role: "assistant", content: null, tool_calls: calls.map((call, index) => toolCallOpening(index, call, call.arguments)) };
}

export function toolArgsDelta(index: number, text: string): Delta {
  return { role: "assistant", content: null, tool_calls: [{ index, function: { arguments: text } }] };
}

export function imagesDelta(urls: string[]): Delta {
  return { role: "assistant", content: "", images: urls.map((url) => ({ type: "image_url", image_url: { url } })) };
}

/** Citations on an otherwise empty text delta (stream-annotations-web-plugin-no-is-byok-deepseek-chat.sse). */
export function annotationsDelta(annotations: UrlCitation[], shape: StreamShape): Delta {
  return { ...contentDelta("", shape), annotations };
}

export interface UsageNumbers {
  promptTokens: number;
  completionTokens: number;
  reasoningTokens: number;
  cachedTokens: number;
  webSearchRequests: number;
}

/** The `usage` object (spec ChatUsage), with `cost` as a JSON number of USD. */
export function usageJson(u: UsageNumbers, cost: CostBreakdown, pricing: PriceTable): Record<string, unknown> {
  const promptDetails: Record<string, number> = { cached_tokens: u.cachedTokens, audio_tokens: 0, video_tokens: 0 };
  if (pricing.input_cache_write !== undefined) promptDetails.cache_write_tokens = 0;
  const usage: Record<string, unknown> = {
    prompt_tokens: u.promptTokens,
    completion_tokens: u.completionTokens,
    total_tokens: u.promptTokens + u.completionTokens,
    cost: nanoToUsd(cost.totalNano),
    is_byok: false,
    prompt_tokens_details: promptDetails,
    cost_details: {
      upstream_inference_cost: nanoToUsd(cost.upstreamNano),
      upstream_inference_prompt_cost: nanoToUsd(cost.promptNano),
      upstream_inference_completions_cost: nanoToUsd(cost.completionNano),
    },
    // image_tokens and audio_tokens: recorded next to reasoning_tokens (stream-reasoning-encrypted-openai-o3.sse,
    // stream-text-deltas-keepalives-openai-gpt-4o-mini-2026.sse).
    completion_tokens_details: { reasoning_tokens: u.reasoningTokens, image_tokens: 0, audio_tokens: 0 },
  };
  if (u.webSearchRequests > 0) usage.server_tool_use_details = { web_search_requests: u.webSearchRequests };
  return usage;
}

/**
 * OpenRouter's error body: `{"error":{"message":…,"code":N,"metadata":…}}`, plus the top-level
 * `user_id` that provider errors and the 402 carry (error-429-provider-rate-limited-upstream-gemini-free.json,
 * error-402-affordability-*.json).
 */
export function errorBody(code: number, message: string, metadata?: Record<string, unknown>, userId?: string): Record<string, unknown> {
  const error: Record<string, unknown> = { message, code };
  if (metadata) error.metadata = metadata;
  return userId === undefined ? { error } : { error, user_id: userId };
}

/**
 * The newer availability error (OpenRouter's errors documentation, 2026-08-19): `error_type` and
 * `http_status` instead of a numeric `code`, and an `availability` object saying why nothing could
 * serve the request. Shapes as in error-404-availability-privacy-restricted.doc.json and
 * error-429-availability-capacity-exhausted.doc.json.
 */
export function availabilityErrorBody(
  status: number,
  errorType: string,
  message: string,
  availability: Record<string, unknown>,
  metadata?: Record<string, unknown>,
): Record<string, unknown> {
  const error: Record<string, unknown> = { message, error_type: errorType, http_status: status, availability };
  if (metadata) error.metadata = metadata;
  return { error };
}

/** The `user_id` OpenRouter puts beside provider errors: `user_` and 27 characters, stable per key. */
export function userIdFor(keyHash: string): string {
  return `user_${createHash("sha256").update(`user:${keyHash}`).digest("hex").slice(0, 27)}`;
}

/** The next UTC midnight in ms, when OpenRouter's daily free-model allowance starts over. */
export function nextUtcMidnightMs(now = Date.now()): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
}
