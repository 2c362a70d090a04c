import "server-only";
import { isStepCount, streamText, toUIMessageStream, type ToolSet, type UIMessageChunk } from "ai";
import type { SessionUser } from "@/lib/auth";
import type { ChatMessageMetadata, ChatUIMessage, ConversationSettings } from "@/lib/chat/types";
import { getEnv } from "@/lib/env";
import { mapUpstreamError, type UpstreamRequestContext } from "@/lib/openrouter/errors";
import { createUpstream } from "@/lib/openrouter/provider";
import { chatRequestOptions } from "@/lib/openrouter/request-options";
import type { ModelSummary } from "@/lib/openrouter/types";
import { errorFields, log } from "@/lib/log";
import { createMeter } from "@/lib/spend/meter";
import { answerOutputLimit, beyondReservedPrompt, MAX_ANSWER_STEPS } from "@/lib/spend/worst-case";
import { resolveAttachmentsForModel } from "@/lib/attachments/model-input";
import { meterStep, saveAnswer } from "./answer-end";
import { footerMetadata, newTotals, startMetadata, totalsOf, type AnswerFacts } from "./footer";
import { toModelHistory } from "./history";
import { keepStepReasoning, type ReasoningDetail, stepReasoningDetails } from "./reasoning-details";
import { relayAnswer, stallWatchdog } from "./relay";
import { requestChoices, type UpstreamChoices } from "./routing";
import { runStream } from "./streams";
import { buildTools, toolApprovals } from "./tools";
import { mcpToolsForAnswer, type McpToolChoice } from "@/lib/mcp/tools";
import { type AnswerOutput, unusualFinish } from "./unusual-finish";

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
  /**
   * The MCP tools on for this answer, as the budget reserved for them (lib/chat/start.ts);
   * absent: resolved here (callers that reserve nothing).
   */
  mcpTools?: readonly McpToolChoice[];
  /**
   * The answer goes on after the user answered its tool calls' approval requests: the last message
   * of `history` is this answer (its parts with the answers); the approved calls run first, and what
   * follows is added to its parts, its footer summing what it cost before and now.
   */
  continues?: { parts: ChatUIMessage["parts"]; metadata: ChatMessageMetadata };
};

/**
 * Starts the answer: the upstream call (watched for stalls), the UI stream, the metering of its
 * generations, and its finish (lib/chat/finish.ts). Runs to its end whether or not a browser
 * listens.
 */
export async function startAnswer(input: AnswerInput): Promise<void> {
  const abort = new AbortController();
  // A stall closes the upstream connection (the step then fails with our timeout error);
  // aborting the SDK's own signal is kept for the user's stop, which must end as "partial".
  const stall = new AbortController();
  const facts: AnswerFacts = {
    model: input.model,
    upstream: input.upstream,
    compare: input.compare,
    startedAt: Date.now(),
    firstOutputAt: undefined,
    totals: input.continues ? totalsOf(input.continues.metadata) : newTotals(),
    toolDurations: { ...input.continues?.metadata.toolDurations },
    failure: undefined,
  };
  const meter = createMeter({
    userId: input.user.id,
    conversationId: input.conversationId,
    messageId: input.assistantMessageId,
    modelRequested: input.model.id,
  });
  const env = getEnv();
  const watchdog = stallWatchdog(
    { timeoutMs: env.SWITCHBOARD_UPSTREAM_TIMEOUT_MS, keepAliveTimeoutMs: env.SWITCHBOARD_UPSTREAM_KEEPALIVE_TIMEOUT_MS },
    (error) => {
      facts.failure = error;
      stall.abort();
    },
  );
  watchdog.arm();
  // Any bytes, keep-alive comments included, show the upstream is alive (see stallWatchdog).
  const upstream = createUpstream({ connectionSignal: stall.signal, onResponse: meter.onResponse, onBytes: watchdog.bytes });

  let alongsideStarted = false;
  const startAlongside = () => {
    if (alongsideStarted) return;
    alongsideStarted = true;
    try {
      input.alongside?.((chunk) => relay.send(chunk));
    } catch (error) {
      log().error({ error: messageOf(error) }, "work alongside the answer failed");
    }
  };

  const { tools, toolApproval } = await answerTools(input, stall.signal);
  // An answer that goes on keeps what it showed before; the steps below are this run's.
  const keptParts = input.continues?.parts.length ?? 0;
  // A model that cannot call tools answers without them, and its metadata says so.
  facts.toolsUnsupported =
    !input.model.supportsTools && (input.settings.tools === undefined || input.settings.tools === null || input.settings.tools.length > 0);
  // Each step's reasoning details, kept with the saved answer (./reasoning-details.ts).
  const stepReasoning: ReasoningDetail[][] = [];
  // An answer that goes on has shown its calls already: an empty last step is not an empty answer.
  const output: AnswerOutput = { seen: keptParts > 0 };
  const { settings } = input;
  const effort = input.model.supportsReasoning ? (settings.reasoningEffort ?? undefined) : undefined;
  // The output the budget reserved for each generation (lib/spend/worst-case.ts).
  const outputLimit = answerOutputLimit(input.model, input.upstream?.fallbacks ?? [], settings.maxTokens);
  const requestOptions = chatRequestOptions(input.model.id, input.upstream && requestChoices(input.upstream), effort);
  // What this request asked of OpenRouter's routing, to name the preference a routing 404 comes from.
  const sent: UpstreamRequestContext = { provider: requestOptions.provider, tools: tools !== undefined };
  const result = streamText({
    model: upstream.chat(input.model.id, requestOptions),
    ...(settings.systemPrompt ? { instructions: settings.systemPrompt } : {}),
    messages: await toModelHistory(await resolveAttachmentsForModel(input.user.id, input.history), tools),
    tools,
    toolApproval,
    // As many generations as the budget reserved, none sent a longer prompt than it held for.
    stopWhen: [isStepCount(MAX_ANSWER_STEPS), beyondReservedPrompt(outputLimit)],
    // Failures are shown at once with a Retry button rather than silently retried for seconds.
    maxRetries: 0,
    temperature: settings.temperature ?? undefined,
    topP: settings.topP ?? undefined,
    // Always sent as `max_tokens`: the output the budget reserved for each generation, so it bounds
    // what the upstream may bill (and what OpenRouter's affordability check weighs).
    maxOutputTokens: outputLimit,
    abortSignal: abort.signal,
    // Without it the SDK prints the whole error to the console, upstream body (which can quote the
    // person's message) and broken chunk included; the answer itself reports it (onError below).
    onError: ({ error }) =>
      log().warn(
        { conversationId: input.conversationId, messageId: input.assistantMessageId, error: errorFields(error) },
        "the upstream failed during an answer",
      ),
    onChunk: ({ chunk }) => {
      watchdog.arm();
      meter.afterRelayedChunk();
      if (
        facts.firstOutputAt === undefined &&
        (chunk.type === "text-delta" || chunk.type === "reasoning-delta" || chunk.type === "tool-input-start")
      ) {
        facts.firstOutputAt = Date.now();
        setTimeout(startAlongside, 0);
      }
    },
    onToolExecutionEnd: ({ toolCall, toolExecutionMs }) => {
      facts.toolDurations[toolCall.toolCallId] = Math.round(toolExecutionMs);
    },
    onStepEnd: (step) => {
      stepReasoning[step.stepNumber] = stepReasoningDetails(step.providerMetadata);
      // A filtered or empty answer ends as an error with its own code (./unusual-finish.ts), its text kept.
      if (!abort.signal.aborted) facts.failure ??= unusualFinish(step, output);
      return meterStep(meter, facts, step);
    },
  });

  // streamText's result promises reject with the abort reason when the user stops; this
  // pipeline reads the stream, not those promises, so nothing else would handle them.
  for (const settled of [result.finishReason, result.usage, result.steps, result.text, result.response]) {
    Promise.resolve(settled).catch(() => undefined);
  }

  const uiStream = toUIMessageStream<ToolSet, ChatUIMessage>({
    stream: result.stream,
    tools,
    sendReasoning: true,
    sendSources: true,
    // A tool's failure (its own error, or input the model got wrong) is the tool card's text and goes back to
    // the model, which carries on; through `onError` it would mark the whole answer failed.
    redactToolErrors: false,
    generateMessageId: () => input.assistantMessageId,
    // Going on: the stream adds to the answer (the approved calls' results land in their parts).
    ...(input.continues ? { originalMessages: input.history } : {}),
    messageMetadata: ({ part }) => {
      if (part.type === "start") return startMetadata(facts);
      if (part.type === "finish") return footerMetadata(facts, facts.failure ? "error" : "complete");
      return undefined;
    },
    onError: (error) => {
      const failure = (facts.failure ??= mapUpstreamError(error, sent));
      return JSON.stringify({ code: failure.code, message: failure.message, retryAfter: failure.retryAfter, details: failure.details });
    },
    onEnd: async ({ responseMessage, isAborted }) => {
      watchdog.clear();
      try {
        const { parts } = responseMessage;
        const answerParts = [...parts.slice(0, keptParts), ...keepStepReasoning(parts.slice(keptParts), stepReasoning)];
        await saveAnswer(input, facts, meter, answerParts, isAborted);
      } catch (error) {
        log().error({ conversationId: input.conversationId, error: messageOf(error) }, "could not save the answer");
      } finally {
        startAlongside();
      }
    },
  });

  // The stream as relayed: the leading notes after its start, and what `alongside` sends.
  const relay = relayAnswer(uiStream, input.leadingChunks);
  await runStream(input.streamKey ?? input.conversationId, input.conversationId, input.user.id, abort, relay.stream, {
    messageId: input.assistantMessageId,
    model: input.model.id,
  });
}

/** The answer's tools; none for a model that cannot call them or a conversation that turned them all off. */
async function answerTools(
  input: AnswerInput,
  stall: AbortSignal,
): Promise<{ tools?: ToolSet; toolApproval?: Parameters<typeof streamText>[0]["toolApproval"] }> {
  if (!input.model.supportsTools) return {};
  const mcp = input.mcpTools ?? (await mcpToolsForAnswer(input.user.id, input.settings.tools));
  const tools = buildTools(input.user.id, stall, mcp, input.settings.tools);
  return Object.keys(tools).length > 0 ? { tools, toolApproval: toolApprovals(mcp, input.settings.alwaysAllowTools) } : {};
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
