import "server-only";
import { createOpenRouter, type OpenRouterProvider } from "@openrouter/ai-sdk-provider";
import { getEnv } from "@/lib/env";
import { withCoalescedTextDeltas } from "./coalesce";
import { withNullableUsageJson } from "./nullable-usage";
import type { ToolCallIds } from "./tool-calls";

export type UpstreamResponseInfo = {
  /** OpenRouter's generation id (X-Generation-Id), known before the first token arrives. */
  generationId: string | null;
  status: number;
};

/**
 * The one place the key is used: it goes upstream in the Authorization header only.
 * `onResponse` sees every upstream response's headers, so a generation id is captured even
 * when the stream is later stopped or breaks (the SDK reports no usage then). Text deltas that
 * arrive in one read are merged before the SDK sees them (see ./coalesce), and every read of the
 * body is reported to `onBytes`: OpenRouter's keep-alive comments never reach the SDK's output,
 * yet they are the only sign of life while a model thinks.
 */
export function createUpstream(
  hooks: {
    onResponse?: (info: UpstreamResponseInfo) => void;
    /** Called once per network read of a streamed body (keep-alive comments included): cheap, no copy. */
    onBytes?: () => void;
    /** Closes the upstream connection without aborting the SDK's stream (it then ends in an error). */
    connectionSignal?: AbortSignal;
  } = {},
): OpenRouterProvider {
  const env = getEnv();
  // Tool-call ids across this provider's responses: the steps of one answer (./tool-calls).
  const toolCallIds: ToolCallIds = new Set();
  if (!env.OPENROUTER_API_KEY) throw new Error("OPENROUTER_API_KEY is not set (the start script sets it in demo mode).");
  return createOpenRouter({
    apiKey: env.OPENROUTER_API_KEY,
    baseURL: env.OPENROUTER_BASE_URL,
    appName: env.OPENROUTER_APP_TITLE,
    appUrl: env.OPENROUTER_APP_URL,
    compatibility: "strict",
    fetch: async (input, init) => {
      // The SDK's abort signal governs the request only until the headers arrive; after that
      // the SDK stops by cancelling the body. Left attached, the same abort also errors the
      // body, and the provider's un-awaited `reader.cancel()` then rejects unhandled.
      const outer = init?.signal ?? undefined;
      const request = new AbortController();
      const forward = () => request.abort(outer?.reason);
      if (outer?.aborted) request.abort(outer.reason);
      else outer?.addEventListener("abort", forward, { once: true });
      const signal = hooks.connectionSignal ? AbortSignal.any([request.signal, hooks.connectionSignal]) : request.signal;
      try {
        const response = await fetch(input, { ...init, signal });
        hooks.onResponse?.({ generationId: response.headers.get("x-generation-id"), status: response.status });
        // Null usage fields the spec allows but the SDK rejects are rewritten (./nullable-usage): in a
        // JSON body here, in a stream by the delta merger, which also mends tool calls (./tool-calls).
        return withCoalescedTextDeltas(withNullableUsageJson(response), hooks.onBytes, toolCallIds);
      } finally {
        outer?.removeEventListener("abort", forward);
      }
    },
  });
}
