import "server-only";
import { isStepCount, streamText, toUIMessageStream, type StepResult, type ToolSet, type UIMessageChunk } from "ai";
import type { SessionUser } from "@/lib/auth";
import type { ChatMessageMetadata, ChatUIMessage, ConversationSettings } from "@/lib/chat/types";
import { touchConversation } from "@/lib/db/conversations";
import { updateMessage } from "@/lib/db/messages";
import { attachGenerationsToMessage, recordGenerationResult, recordGenerationStarted } from "@/lib/db/usage";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { mapUpstreamError } from "@/lib/openrouter/errors";
import { createUpstream } from "@/lib/openrouter/provider";
import type { ModelSummary } from "@/lib/openrouter/types";
import { extractStepUsage } from "@/lib/openrouter/usage";
import { observeAnswer } from "@/lib/metrics";
import { releaseReservation } from "@/lib/spend/budget";
import { persistGeneratedFiles } from "@/lib/attachments/output";
import { resolveAttachmentsForModel } from "@/lib/attachments/model-input";
import { toModelHistory } from "./history";
import { routingMetadata, upstreamSettings, type UpstreamChoices } from "./routing";
import { sanitizeSources } from "./sources";
import { runStream } from "./streams";
import { buildTools } from "./tools";

export type AnswerInput = {
  user: SessionUser;
  conversationId: string;
  model: ModelSummary;
  settings: ConversationSettings;
  history: ChatUIMessage[];
  assistantMessageId: string;
  reservationId: string | null;
  /** Fallbacks, provider preferences, web search, file parser, image output (lib/chat/routing). */
  upstream?: UpstreamChoices;
  /** Chunks to send right after the stream's start (e.g. the new conversation's id). */
  leadingChunks?: UIMessageChunk[];
  /**
   * Work that needs the turn written but not the answer (a new conversation's title). It starts
   * once the first output has been relayed, so it runs while the answer streams — not at its end,
   * when it would hold up whatever the server does next — or when the answer ends without output.
   * `send` puts a transient chunk into the answer's stream while the answer is still going.
   */
  alongside?: (send: (chunk: UIMessageChunk) => void) => void;
  /** Where the stream is registered: the conversation's id, or a compared column's key. */
  streamKey?: string;
  /** The column of a comparison this answer is. */
  compare?: ChatMessageMetadata["compare"];
};

/** A generation's Usage row is written at the latest this long after its response headers. */
const RECORD_START_WITHIN_MS = 25;

type Totals = {
  promptTokens: number;
  completionTokens: number;
  reasoningTokens: number;
  cachedTokens: number;
  costNano: bigint;
  pending: boolean;
  modelServed?: string;
  provider?: string;
};

/**
 * Starts the answer: the upstream call, the UI stream, and the saving of the message and of
 * one Usage row per upstream generation. Runs to its end whether or not a browser listens.
 */
export async function startAnswer(input: AnswerInput): Promise<void> {
  const env = getEnv();
  const abort = new AbortController();
  // A stall closes the upstream connection (the step then fails with our timeout error);
  // aborting the SDK's own signal is kept for the user's stop, which must end as "partial".
  const stall = new AbortController();
  const startedAt = Date.now();
  let firstOutputAt: number | undefined;
  let failure: AppError | undefined;
  const totals: Totals = { promptTokens: 0, completionTokens: 0, reasoningTokens: 0, cachedTokens: 0, costNano: 0n, pending: false };
  const generations = new Map<string, Promise<void>>();
  const reported = new Set<string>();
  // A generation's Usage row is written once the first chunk after its headers has been relayed
  // (or RECORD_START_WITHIN_MS after them): on the embedded database an insert holds the event
  // loop, and nothing needs the row before the first token. The row names the generation, so
  // its cost can be settled even if the stream is lost.
  const unrecorded: (() => void)[] = [];
  const recordStarts = () => {
    for (const begin of unrecorded.splice(0)) begin();
  };

  const upstream = createUpstream({
    connectionSignal: stall.signal,
    onResponse: ({ generationId, status }) => {
      if (!generationId || status >= 400 || generations.has(generationId)) return;
      const due = new Promise<void>((resolve) => {
        unrecorded.push(resolve);
      });
      setTimeout(recordStarts, RECORD_START_WITHIN_MS);
      generations.set(
        generationId,
        due
          .then(() =>
            recordGenerationStarted({
              userId: input.user.id,
              conversationId: input.conversationId,
              messageId: input.assistantMessageId,
              generationId,
              modelRequested: input.model.id,
            }),
          )
          .catch((error: unknown) => console.error("[chat] could not record a generation", error)),
      );
    },
  });

  // The answer's stream until its finish; `alongside` work may add transient chunks to it.
  let relay: TransformStreamDefaultController<UIMessageChunk> | null = null;
  const sendAlongside = (chunk: UIMessageChunk) => {
    try {
      relay?.enqueue(chunk);
    } catch {
      relay = null; // the stream has ended
    }
  };
  let alongsideStarted = false;
  const startAlongside = () => {
    if (alongsideStarted) return;
    alongsideStarted = true;
    try {
      input.alongside?.(sendAlongside);
    } catch (error) {
      console.error("[chat] work alongside the answer failed", error);
    }
  };

  let stallTimer: NodeJS.Timeout | undefined;
  const armStallTimer = () => {
    clearTimeout(stallTimer);
    stallTimer = setTimeout(() => {
      failure = new AppError(
        "timeout:upstream",
        `The model sent nothing for ${Math.round(env.SWITCHBOARD_UPSTREAM_TIMEOUT_MS / 1000)} s, so the answer was stopped. Try again.`,
      );
      stall.abort();
    }, env.SWITCHBOARD_UPSTREAM_TIMEOUT_MS);
    stallTimer.unref();
  };
  armStallTimer();

  const tools: ToolSet | undefined = input.model.supportsTools ? buildTools(input.user.id) : undefined;
  const { settings } = input;
  const effort = input.model.supportsReasoning ? settings.reasoningEffort : undefined;

  const onStepEnd = async (step: StepResult<ToolSet>) => {
    recordStarts();
    const usage = extractStepUsage(step.providerMetadata, step.usage.raw);
    const generationId = generations.has(step.response.id) ? step.response.id : [...generations.keys()][step.stepNumber];
    totals.promptTokens += usage.promptTokens;
    totals.completionTokens += usage.completionTokens;
    totals.reasoningTokens += usage.reasoningTokens;
    totals.cachedTokens += usage.cachedTokens;
    if (usage.costNano === null) totals.pending = true;
    else totals.costNano += usage.costNano;
    totals.modelServed = step.response.modelId || totals.modelServed;
    totals.provider = usage.provider ?? totals.provider;
    if (!generationId) return;
    reported.add(generationId);
    await generations.get(generationId);
    await recordGenerationResult(generationId, {
      modelServed: step.response.modelId || null,
      ...usage,
      ttftMs: step.performance.timeToFirstOutputMs !== undefined ? Math.round(step.performance.timeToFirstOutputMs) : null,
      durationMs: Math.round(step.performance.stepTimeMs),
      finishReason: step.finishReason,
    });
  };

  const result = streamText({
    model: upstream.chat(input.model.id, {
      usage: { include: true },
      ...(effort ? { reasoning: { effort } } : {}),
      ...(input.upstream ? upstreamSettings(input.model, input.upstream) : {}),
    }),
    ...(settings.systemPrompt ? { instructions: settings.systemPrompt } : {}),
    messages: await toModelHistory(await resolveAttachmentsForModel(input.user.id, input.history), tools),
    tools,
    stopWhen: isStepCount(5),
    // Failures are shown at once with a Retry button rather than silently retried for seconds.
    maxRetries: 0,
    temperature: settings.temperature ?? undefined,
    topP: settings.topP ?? undefined,
    maxOutputTokens: settings.maxTokens ?? undefined,
    abortSignal: abort.signal,
    // Our own stall watchdog instead of `timeout.chunkMs`: the SDK's leaves an unhandled
    // rejection behind whenever a stream is aborted.
    onChunk: ({ chunk }) => {
      armStallTimer();
      // After this chunk's relay (its microtasks run first), not before it.
      if (unrecorded.length > 0) setTimeout(recordStarts, 0);
      if (firstOutputAt === undefined && (chunk.type === "text-delta" || chunk.type === "reasoning-delta" || chunk.type === "tool-input-start")) {
        firstOutputAt = Date.now();
        setTimeout(startAlongside, 0);
      }
    },
    onStepEnd,
  });

  // streamText's result promises reject with the abort reason when the user stops; this
  // pipeline reads the stream, not those promises, so nothing else would handle them.
  for (const settled of [result.finishReason, result.usage, result.steps, result.text, result.response]) {
    Promise.resolve(settled).catch(() => undefined);
  }

  const metadata = (status: ChatMessageMetadata["status"]): ChatMessageMetadata => {
    const durationMs = Date.now() - startedAt;
    const ttftMs = firstOutputAt !== undefined ? firstOutputAt - startedAt : undefined;
    const streamingMs = firstOutputAt !== undefined ? Date.now() - firstOutputAt : 0;
    return {
      model: input.model.id,
      modelServed: totals.modelServed,
      provider: totals.provider,
      promptTokens: totals.promptTokens,
      completionTokens: totals.completionTokens,
      reasoningTokens: totals.reasoningTokens,
      cachedTokens: totals.cachedTokens,
      costNano: totals.costNano.toString(),
      costPending: totals.pending || undefined,
      ttftMs,
      durationMs,
      tokensPerSecond: streamingMs > 0 && totals.completionTokens > 0 ? Math.round((totals.completionTokens / streamingMs) * 10_000) / 10 : undefined,
      status,
      ...(input.compare ? { compare: input.compare } : {}),
      ...routingMetadata(input.model, input.upstream, totals.modelServed),
      ...(failure ? { error: { code: failure.code, message: failure.message, retryAfter: failure.retryAfter } } : {}),
    };
  };

  const save = async (responseMessage: ChatUIMessage, isAborted: boolean) => {
    recordStarts();
    // Generations the stream never reported (stopped, broken) are left to settlement.
    for (const [generationId, started] of generations) {
      if (reported.has(generationId)) continue;
      totals.pending = true;
      await started;
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
        ttftMs: firstOutputAt !== undefined ? firstOutputAt - startedAt : null,
        durationMs: Date.now() - startedAt,
        finishReason: isAborted ? "aborted" : "error",
      });
    }
    const status = failure ? "error" : isAborted ? "partial" : "complete";
    observeAnswer({ ...totals, model: input.model.id, status, ttftMs: firstOutputAt !== undefined ? firstOutputAt - startedAt : undefined, durationMs: Date.now() - startedAt, errorCode: failure?.code });
    // Citations become plain links; generated images become the user's attachments.
    const parts = await persistGeneratedFiles(input.user.id, input.conversationId, sanitizeSources(responseMessage.parts));
    await updateMessage(input.assistantMessageId, {
      parts,
      status,
      metadata: metadata(status),
      model: totals.modelServed ?? input.model.id,
      error: failure ? { code: failure.code, message: failure.message } : null,
    });
    await attachGenerationsToMessage([...generations.keys()], input.assistantMessageId);
    await touchConversation(input.user.id, input.conversationId);
    // A cost still pending keeps its reservation until the reservation expires.
    if (!totals.pending) await releaseReservation(input.reservationId);
  };

  const uiStream = toUIMessageStream<ToolSet, ChatUIMessage>({
    stream: result.stream,
    tools,
    sendReasoning: true,
    sendSources: true,
    generateMessageId: () => input.assistantMessageId,
    messageMetadata: ({ part }) => {
      if (part.type === "start") {
        return {
          model: input.model.id,
          status: "streaming",
          createdAt: new Date(startedAt).toISOString(),
          ...(input.compare ? { compare: input.compare } : {}),
        };
      }
      if (part.type === "finish") return metadata(failure ? "error" : "complete");
      return undefined;
    },
    onError: (error) => {
      failure ??= mapUpstreamError(error);
      return JSON.stringify({ code: failure.code, message: failure.message, retryAfter: failure.retryAfter });
    },
    onEnd: async ({ responseMessage, isAborted }) => {
      clearTimeout(stallTimer);
      try {
        await save(responseMessage, isAborted);
      } catch (error) {
        console.error("[chat] could not save the answer", error);
      } finally {
        startAlongside();
      }
    },
  });

  // The new conversation's id and similar notes go right after the stream's `start`.
  let first = true;
  const decorated = uiStream.pipeThrough(
    new TransformStream<UIMessageChunk, UIMessageChunk>({
      start(controller) {
        relay = controller;
      },
      transform(chunk, controller) {
        controller.enqueue(chunk);
        if (chunk.type === "finish") relay = null;
        if (first) {
          first = false;
          for (const extra of input.leadingChunks ?? []) controller.enqueue(extra);
        }
      },
      flush() {
        relay = null;
      },
    }),
  );
  await runStream(input.streamKey ?? input.conversationId, input.conversationId, input.user.id, abort, decorated, {
    messageId: input.assistantMessageId,
    model: input.model.id,
  });
}
