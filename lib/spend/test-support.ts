import "server-only";
import { streamText } from "ai";
import { createUpstream } from "@/lib/openrouter/provider";
import { extractStepUsage } from "@/lib/openrouter/usage";
import { createMeter } from "./meter";

// Test support (not a test): one answer generated through the real provider against the
// local OpenRouter, metered by the real meter (./meter.ts) as every answer is: row at the first
// response, cost from the stream's usage, or left for settlement when the stream gave none.

export type GeneratedAnswer = { generationIds: string[]; reportedCostNano: bigint | null; error: unknown };

export async function generateAnswer(input: {
  userId: string;
  conversationId: string | null;
  model: string;
  text: string;
  /** Stop the stream (like the Stop button) after this many ms. */
  abortAfterMs?: number;
  maxOutputTokens?: number;
}): Promise<GeneratedAnswer> {
  const meter = createMeter({ userId: input.userId, conversationId: input.conversationId, messageId: null, modelRequested: input.model });
  let reportedCostNano: bigint | null = null;
  let error: unknown = null;
  const upstream = createUpstream({ onResponse: meter.onResponse });
  const abort = new AbortController();
  const timer = input.abortAfterMs !== undefined ? setTimeout(() => abort.abort(), input.abortAfterMs) : null;
  const result = streamText({
    model: upstream.chat(input.model, { usage: { include: true } }),
    prompt: input.text,
    maxRetries: 0,
    maxOutputTokens: input.maxOutputTokens,
    abortSignal: abort.signal,
    onError: ({ error: e }) => {
      error = e;
    },
    onChunk: () => meter.afterRelayedChunk(),
    onStepEnd: async (step) => {
      const usage = extractStepUsage(step.providerMetadata, step.usage.raw);
      if (usage.costNano !== null) reportedCostNano = (reportedCostNano ?? 0n) + usage.costNano;
      await meter.recordStep({
        responseId: step.response.id,
        stepNumber: step.stepNumber,
        modelServed: step.response.modelId || null,
        usage,
        ttftMs: null,
        durationMs: null,
        finishReason: step.finishReason,
      });
    },
  });
  try {
    for await (const part of result.stream) {
      if (part.type === "error") error ??= part.error;
    }
  } catch (e) {
    error ??= e;
  } finally {
    if (timer) clearTimeout(timer);
  }
  await meter.settleLeftovers({ finishReason: abort.signal.aborted ? "aborted" : "error", ttftMs: null, durationMs: null });
  return { generationIds: meter.generationIds(), reportedCostNano, error };
}
