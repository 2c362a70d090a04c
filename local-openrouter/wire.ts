/**
 * The JSON shapes the local OpenRouter puts on the wire: ids, stream chunks, usage, error bodies
 * and the non-streaming result. Every shape is validated against OpenRouter's OpenAPI
 * description by the tests (spec/openapi.yaml): ChatStreamChunk, ChatResult, ChatUsage and the
 * error response schemas.
 */
import { randomBytes } from "node:crypto";
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

/** One reasoning token, its detail in the model's format (reasoning.ts). */
export function reasoningDelta(text: string, format: CatalogModel["reasoningFormat"]): Delta {
  return { role: "assistant", content: "", reasoning: text, reasoning_details: [reasoningPiece(text, format)] };
}

/** A detail without reasoning text (Anthropic's opening and signature details, encrypted reasoning): `reasoning: null`, as recorded. */
export function reasoningDetailDelta(detail: ReasoningDetail): Delta {
  return { role: "assistant", content: "", reasoning: null, reasoning_details: [detail] };
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

/** OpenRouter's error body: `{"error":{"code":N,"message":…,"metadata":…}}`. */
export function errorBody(code: number, message: string, metadata?: Record<string, unknown>): Record<string, unknown> {
  const error: Record<string, unknown> = { code, message };
  if (metadata) error.metadata = metadata;
  return { error };
}
