import "server-only";
import type { AppError } from "@/lib/errors";
import type { ModelSummary } from "@/lib/openrouter/types";
import type { StepUsage } from "@/lib/openrouter/usage";
import { routingMetadata, type UpstreamChoices } from "./routing";
import type { ChatMessageMetadata } from "./types";

// The footer of an answer: usage, cost and timings summed over its steps (the SDK does not sum
// them), sent with the stream's `finish` and saved with the message.

export type AnswerTotals = {
  promptTokens: number;
  completionTokens: number;
  reasoningTokens: number;
  cachedTokens: number;
  costNano: bigint;
  /** A step without a reported cost: the total is known only after settlement. */
  pending: boolean;
  modelServed?: string;
  provider?: string;
};

export function newTotals(): AnswerTotals {
  return { promptTokens: 0, completionTokens: 0, reasoningTokens: 0, cachedTokens: 0, costNano: 0n, pending: false };
}

/** The totals an answer's footer saved, to go on from (an answer continued after tool approvals). */
export function totalsOf(metadata: ChatMessageMetadata): AnswerTotals {
  return {
    promptTokens: metadata.promptTokens ?? 0,
    completionTokens: metadata.completionTokens ?? 0,
    reasoningTokens: metadata.reasoningTokens ?? 0,
    cachedTokens: metadata.cachedTokens ?? 0,
    costNano: BigInt(metadata.costNano ?? "0"),
    pending: metadata.costPending === true,
    modelServed: metadata.modelServed,
    provider: metadata.provider,
  };
}

export function addStep(totals: AnswerTotals, usage: StepUsage, modelServed: string | undefined): void {
  totals.promptTokens += usage.promptTokens;
  totals.completionTokens += usage.completionTokens;
  totals.reasoningTokens += usage.reasoningTokens;
  totals.cachedTokens += usage.cachedTokens;
  if (usage.costNano === null) totals.pending = true;
  else totals.costNano += usage.costNano;
  totals.modelServed = modelServed || totals.modelServed;
  totals.provider = usage.provider ?? totals.provider;
}

export type AnswerFacts = {
  model: ModelSummary;
  upstream: UpstreamChoices | undefined;
  compare: ChatMessageMetadata["compare"];
  startedAt: number;
  firstOutputAt: number | undefined;
  totals: AnswerTotals;
  failure: AppError | undefined;
  /** Tools were on but the model cannot call tools. */
  toolsUnsupported?: boolean;
  /** How long each tool call ran, by its call id (ms). */
  toolDurations: Record<string, number>;
};

/** What the stream's `start` says before anything else is known. */
export function startMetadata(facts: Pick<AnswerFacts, "model" | "compare" | "startedAt" | "toolsUnsupported">): ChatMessageMetadata {
  return {
    model: facts.model.id,
    status: "streaming",
    createdAt: new Date(facts.startedAt).toISOString(),
    ...(facts.compare ? { compare: facts.compare } : {}),
    ...(facts.toolsUnsupported ? { toolsUnsupported: true } : {}),
  };
}

export function footerMetadata(facts: AnswerFacts, status: ChatMessageMetadata["status"]): ChatMessageMetadata {
  const { totals, firstOutputAt, failure } = facts;
  const now = Date.now();
  const streamingMs = firstOutputAt !== undefined ? now - firstOutputAt : 0;
  return {
    model: facts.model.id,
    modelServed: totals.modelServed,
    provider: totals.provider,
    promptTokens: totals.promptTokens,
    completionTokens: totals.completionTokens,
    reasoningTokens: totals.reasoningTokens,
    cachedTokens: totals.cachedTokens,
    costNano: totals.costNano.toString(),
    costPending: totals.pending || undefined,
    ttftMs: firstOutputAt !== undefined ? firstOutputAt - facts.startedAt : undefined,
    durationMs: now - facts.startedAt,
    tokensPerSecond: streamingMs > 0 && totals.completionTokens > 0 ? Math.round((totals.completionTokens / streamingMs) * 10_000) / 10 : undefined,
    status,
    ...(facts.compare ? { compare: facts.compare } : {}),
    ...(facts.toolsUnsupported ? { toolsUnsupported: true } : {}),
    ...(Object.keys(facts.toolDurations).length > 0 ? { toolDurations: facts.toolDurations } : {}),
    ...routingMetadata(facts.model, facts.upstream, totals.modelServed),
    ...(failure ? { error: { code: failure.code, message: failure.message, retryAfter: failure.retryAfter } } : {}),
  };
}
