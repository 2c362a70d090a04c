import "server-only";
import type { StepResult, ToolSet } from "ai";
import { AppError } from "@/lib/errors";

// Two endings that a stream reports as finished but that leave the user without an answer:
// `finish_reason: "content_filter"` (the spec's ChatFinishReasonEnum; the provider's filter stopped
// the answer) and a stream that ends `stop` without any text, tool call or file. Saved as they are
// (a filtered answer keeps what it wrote) with a stable code, so the answer shows why it ended
// instead of a blank bubble, and offers Retry.

export const CONTENT_FILTER_MESSAGE = "The provider's content filter stopped this answer. What it wrote before that is kept.";
export const EMPTY_ANSWER_MESSAGE = "The model returned nothing. Retry, or choose another model.";

/** Whether any step so far gave the user something to see. */
export type AnswerOutput = { seen: boolean };

/** The failure this step's end means, if any; `output` is updated with what the step produced. */
export function unusualFinish(
  step: Pick<StepResult<ToolSet>, "finishReason" | "text" | "toolCalls" | "files">,
  output: AnswerOutput,
): AppError | undefined {
  output.seen ||= step.text.trim() !== "" || step.toolCalls.length > 0 || step.files.length > 0;
  if (step.finishReason === "content-filter") return new AppError("upstream:content_filter", CONTENT_FILTER_MESSAGE);
  // The last step (no calls to run) of an answer that showed nothing. `length` and errors have their own words.
  if (step.toolCalls.length === 0 && !output.seen && (step.finishReason === "stop" || step.finishReason === "other")) {
    return new AppError("upstream:empty_answer", EMPTY_ANSWER_MESSAGE);
  }
  return undefined;
}
