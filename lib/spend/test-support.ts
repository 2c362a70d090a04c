import "server-only";
import { streamText } from "ai";
import { recordGenerationResult, recordGenerationStarted } from "@/lib/db/usage";
import { createUpstream } from "@/lib/openrouter/provider";
import { extractStepUsage } from "@/lib/openrouter/usage";

// Test support (not a test): one answer generated through the real provider against the
// local OpenRouter, recorded in Usage exactly as the chat pipeline does it (row at the first
// response, cost from the stream's usage, or left for settlement when the stream gave none).

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
  const started = new Map<string, Promise<void>>();
  const reported = new Set<string>();
  let reportedCostNano: bigint | null = null;
  let error: unknown = null;
  const upstream = createUpstream({
    onResponse: ({ generationId, status }) => {
      if (!generationId || status >= 400 || started.has(generationId)) return;
      started.set(
        generationId,
        recordGenerationStarted({
          userId: input.userId,
          conversationId: input.conversationId,
          messageId: null,
          generationId,
          modelRequested: input.model,
        }),
      );
    },
  });
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
    onStepEnd: async (step) => {
      const usage = extractStepUsage(step.providerMetadata, step.usage.raw);
      const generationId = started.has(step.response.id) ? step.response.id : [...started.keys()][step.stepNumber];
      if (!generationId) return;
      reported.add(generationId);
      await started.get(generationId);
      if (usage.costNano !== null) reportedCostNano = (reportedCostNano ?? 0n) + usage.costNano;
      await recordGenerationResult(generationId, {
        modelServed: step.response.modelId || null,
        ...usage,
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
  for (const [generationId, start] of started) {
    await start;
    if (reported.has(generationId)) continue;
    await recordGenerationResult(generationId, {
      modelServed: null,
      provider: null,
      promptTokens: 0,
      completionTokens: 0,
      reasoningTokens: 0,
      cachedTokens: 0,
      costNano: null,
      upstreamCostNano: null,
      isByok: false,
      ttftMs: null,
      durationMs: null,
      finishReason: abort.signal.aborted ? "aborted" : "error",
    });
  }
  return { generationIds: [...started.keys()], reportedCostNano, error };
}
