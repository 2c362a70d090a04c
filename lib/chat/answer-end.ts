import "server-only";
import type { StepResult, ToolSet } from "ai";
import { persistGeneratedFiles } from "@/lib/attachments/output";
import type { ChatUIMessage } from "@/lib/chat/types";
import { observeAnswer } from "@/lib/metrics";
import { servedModelId } from "@/lib/openrouter/catalog";
import { extractStepUsage } from "@/lib/openrouter/usage";
import type { Meter } from "@/lib/spend/meter";
import type { AnswerInput } from "./answer";
import { finishAnswer } from "./finish";
import { addStep, footerMetadata, type AnswerFacts } from "./footer";
import { sanitizeSources } from "./sources";

// What happens at the ends of an answer's generations and of the answer itself, as its writer
// (./answer.ts) sees them: each step metered, then one save through ./finish.ts.

/** One step's usage: into the footer's totals and, through the meter, into its generation's row. */
export async function meterStep(meter: Meter, facts: AnswerFacts, step: StepResult<ToolSet>): Promise<void> {
  const usage = extractStepUsage(step.providerMetadata, step.usage.raw);
  // The footer and the history name the catalog model, not a dated slug it was served under.
  const modelServed = servedModelId(step.response.modelId);
  addStep(facts.totals, usage, modelServed ?? undefined);
  await meter.recordStep({
    responseId: step.response.id,
    stepNumber: step.stepNumber,
    modelServed,
    usage,
    ttftMs: step.performance.timeToFirstOutputMs !== undefined ? Math.round(step.performance.timeToFirstOutputMs) : null,
    durationMs: Math.round(step.performance.stepTimeMs),
    finishReason: step.finishReason,
  });
}

/** The answer's end: leftover generations to settlement, metrics, then one finishAnswer. */
export async function saveAnswer(
  input: AnswerInput,
  facts: AnswerFacts,
  meter: Meter,
  answerParts: ChatUIMessage["parts"],
  isAborted: boolean,
): Promise<void> {
  const { totals, failure, startedAt, firstOutputAt } = facts;
  const ttftMs = firstOutputAt !== undefined ? firstOutputAt - startedAt : undefined;
  // Generations the stream never reported (stopped, broken) are left to settlement.
  const unreported = await meter.settleLeftovers({
    finishReason: isAborted ? "aborted" : "error",
    ttftMs: ttftMs ?? null,
    durationMs: Date.now() - startedAt,
  });
  if (unreported) totals.pending = true;
  const status = failure ? "error" : isAborted ? "partial" : "complete";
  observeAnswer({ ...totals, model: input.model.id, status, ttftMs, durationMs: Date.now() - startedAt, errorCode: failure?.code });
  // Citations become plain links; generated images become the user's attachments.
  const parts = await persistGeneratedFiles(input.user.id, input.conversationId, sanitizeSources(answerParts));
  await finishAnswer({
    how: "saved",
    messageId: input.assistantMessageId,
    parts,
    status,
    metadata: footerMetadata(facts, status),
    model: totals.modelServed ?? input.model.id,
    error: failure ? { code: failure.code, message: failure.message } : null,
    generationIds: meter.generationIds(),
    conversation: { userId: input.user.id, id: input.conversationId },
    reservationId: input.reservationId,
  });
}
