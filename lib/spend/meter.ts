import "server-only";
import { logger } from "@/lib/log";
import type { UpstreamResponseInfo } from "@/lib/openrouter/provider";
import type { StepUsage } from "@/lib/openrouter/usage";
import { recordGenerationResult, recordGenerationStarted, type GenerationStart } from "./ledger";

// The meter: how every upstream request (an answer, a compared column, a title, an API call) records its
// generations in the ledger, one Usage row each. The sequence is always the same:
//   1. started — the response headers name the generation (X-Generation-Id); its row is written
//      once the first chunk after them has been relayed, or RECORD_START_WITHIN_MS after them,
//      whichever comes first: on the embedded database an insert holds the event loop, and
//      nothing needs the row before the first token. The row names the generation, so its cost
//      can be settled even if the stream is lost;
//   2. step result — the usage and cost the stream reported for that generation;
//   3. leftovers — generations the stream never reported (stopped, broken, a failed attempt
//      before a retry) get a result without a cost and are due for settlement from /generation.

/** A generation's Usage row is written at the latest this long after its response headers. */
const RECORD_START_WITHIN_MS = 25;

export type MeterContext = Omit<GenerationStart, "generationId"> & {
  /**
   * Also meter responses with an error status (a title's failed attempt is billed). An answer
   * meters only the responses that stream.
   */
  includeFailedResponses?: boolean;
};

export type MeteredStep = {
  /** The step's response id: the generation id when the upstream sends it in the body too. */
  responseId: string | undefined;
  /** Which generation of the request this step is, when the response id does not say. */
  stepNumber: number | "last";
  modelServed: string | null;
  usage: StepUsage;
  ttftMs: number | null;
  durationMs: number | null;
  finishReason: string | null;
};

export type Meter = {
  /** Pass to createUpstream: every response's headers. */
  onResponse(info: UpstreamResponseInfo): void;
  /** Call after each relayed chunk: cheap, and schedules the pending row writes behind the relay. */
  afterRelayedChunk(): void;
  /** Records one step's reported usage against its generation. */
  recordStep(step: MeteredStep): Promise<void>;
  /**
   * The request is over: every generation the stream did not report is written without a cost,
   * due for settlement. Resolves to true when there was one (the cost is then pending).
   */
  settleLeftovers(end: { finishReason: string; ttftMs: number | null; durationMs: number | null }): Promise<boolean>;
  /** The generation ids seen so far, in order. */
  generationIds(): string[];
};

export function createMeter(context: MeterContext): Meter {
  const { includeFailedResponses = false, ...start } = context;
  const generations = new Map<string, Promise<void>>();
  const reported = new Set<string>();
  const unrecorded: (() => void)[] = [];
  const recordStarts = () => {
    for (const begin of unrecorded.splice(0)) begin();
  };

  return {
    onResponse({ generationId, status }) {
      if (!generationId || (status >= 400 && !includeFailedResponses) || generations.has(generationId)) return;
      const due = new Promise<void>((resolve) => {
        unrecorded.push(resolve);
      });
      setTimeout(recordStarts, RECORD_START_WITHIN_MS);
      generations.set(
        generationId,
        due
          .then(() => recordGenerationStarted({ ...start, generationId }))
          .catch((error: unknown) =>
            logger().error({ generationId, error: error instanceof Error ? error.message : String(error) }, "could not record a generation"),
          ),
      );
    },

    afterRelayedChunk() {
      // After this chunk's relay (its microtasks run first), not before it.
      if (unrecorded.length > 0) setTimeout(recordStarts, 0);
    },

    async recordStep(step) {
      recordStarts();
      const ids = [...generations.keys()];
      const generationId =
        step.responseId && generations.has(step.responseId) ? step.responseId : step.stepNumber === "last" ? ids.at(-1) : ids[step.stepNumber];
      if (!generationId) return;
      reported.add(generationId);
      await generations.get(generationId);
      await recordGenerationResult(generationId, {
        modelServed: step.modelServed,
        ...step.usage,
        ttftMs: step.ttftMs,
        durationMs: step.durationMs,
        finishReason: step.finishReason,
      });
    },

    async settleLeftovers(end) {
      recordStarts();
      let pending = false;
      for (const [generationId, started] of generations) {
        if (reported.has(generationId)) continue;
        pending = true;
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
          ttftMs: end.ttftMs,
          durationMs: end.durationMs,
          finishReason: end.finishReason,
        });
      }
      return pending;
    },

    generationIds() {
      return [...generations.keys()];
    },
  };
}
