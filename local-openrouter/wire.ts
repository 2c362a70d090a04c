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

/** Provider-native finish reasons, as OpenRouter passes them through in `native_finish_reason`. */
export function nativeFinishReason(provider: string, finish: string | null): string | null {
  if (finish === null) return null;
  if (provider === "Anthropic" || provider === "Amazon Bedrock") {
    return { stop: "end_turn", length: "max_tokens", tool_calls: "tool_use", error: "error", content_filter: "refusal" }[finish] ?? finish;
  }
  if (provider === "Google" || provider === "Google AI Studio") {
    return { stop: "STOP", length: "MAX_TOKENS", tool_calls: "STOP", error: "error", content_filter: "SAFETY" }[finish] ?? finish;
  }
  return finish;
}

export function chunkJson(idt: ChunkIdentity, delta: Delta, finish: string | null, extra?: Record<string, unknown>): string {
  return JSON.stringify({
    id: idt.id,
    provider: idt.provider,
    model: idt.model,
    object: "chat.completion.chunk",
    created: idt.created,
    choices: [{ index: 0, delta, finish_reason: finish, native_finish_reason: nativeFinishReason(idt.provider, finish) }],
    ...extra,
  });
}

export function sse(data: string): string {
  return `data: ${data}\n\n`;
}

export const KEEPALIVE_COMMENT = ": OPENROUTER PROCESSING\n\n";

export function contentDelta(text: string): Delta {
  return { role: "assistant", content: text };
}

export function reasoningDelta(text: string, format: CatalogModel["reasoningFormat"]): Delta {
  return { role: "assistant", content: "", reasoning: text, reasoning_details: [{ type: "reasoning.text", text, format, index: 0 }] };
}

export function toolStartDelta(index: number, call: PlannedToolCall): Delta {
  return { role: "assistant", content: null, tool_calls: [{ index, id: call.id, type: "function", function: { name: call.name, arguments: "" } }] };
}

export function toolArgsDelta(index: number, text: string): Delta {
  return { role: "assistant", content: null, tool_calls: [{ index, function: { arguments: text } }] };
}

export function imagesDelta(urls: string[]): Delta {
  return { role: "assistant", content: "", images: urls.map((url) => ({ type: "image_url", image_url: { url } })) };
}

export function annotationsDelta(annotations: UrlCitation[]): Delta {
  return { role: "assistant", content: "", annotations };
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
    completion_tokens_details: { reasoning_tokens: u.reasoningTokens },
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
