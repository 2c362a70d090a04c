/**
 * A streamed generation (SSE): the plan's tokens paced at its rate, keep-alive comments while it
 * waits or stalls, its scripted failures, then the finish chunk, the usage chunk and `[DONE]`.
 */
import type http from "node:http";
import { performance } from "node:perf_hooks";
import { type Plan, REASONING_KEEPALIVE_EVERY } from "../plan";
import type { PlannedToolCall } from "../plan-tools";
import { closingDetail, openingDetail, showsReasoningText } from "../reasoning";
import { type Counts, finalize, type GenContext, usageOf } from "../records";
import { droppedByServer, type ServerState } from "../state";
import {
  annotationsDelta,
  type ChunkIdentity,
  chunkJson,
  contentDelta,
  imagesDelta,
  KEEPALIVE_COMMENT,
  reasoningDelta,
  reasoningDetailDelta,
  sse,
  toolArgsDelta,
  toolCallsWholeDelta,
  toolStartDelta,
  usageChunkJson,
  usagePlacement,
} from "../wire";

/** Smallest pause between two writes of a paced stream; faster rates send several chunks per write. */
const MIN_TICK_MS = 15;

/** One thing a stream emits: a token of some kind, images, citations, or the point where it stalls or fails. */
type Step =
  | { t: "reasoning"; text: string }
  | { t: "reasoning-detail"; which: "open" | "close" }
  | { t: "content"; text: string }
  | { t: "tool-start"; index: number; call: PlannedToolCall }
  | { t: "tool-args"; index: number; text: string }
  | { t: "tool-whole"; calls: PlannedToolCall[] }
  | { t: "images" }
  | { t: "annotations" }
  | { t: "stall" }
  | { t: "failure" };

function stepTokens(s: Step): number {
  switch (s.t) {
    case "reasoning":
    case "content":
    case "tool-args":
      return 1;
    case "tool-start":
      return s.call.nameTokens;
    case "tool-whole":
      return s.calls.reduce((n, c) => n + c.nameTokens + c.argPieces.length, 0);
    default:
      return 0;
  }
}

function buildSteps(plan: Plan): Step[] {
  const steps: Step[] = [];
  if (plan.reasoning.length > 0) {
    steps.push({ t: "reasoning-detail", which: "open" });
    for (const text of plan.reasoning) steps.push({ t: "reasoning", text });
    steps.push({ t: "reasoning-detail", which: "close" });
  }
  for (const text of plan.content) steps.push({ t: "content", text });
  if (plan.images.length > 0) steps.push({ t: "images" });
  if (plan.annotations.length > 0) steps.push({ t: "annotations" });
  if (plan.toolCallsWhole && plan.toolCalls.length > 0) steps.push({ t: "tool-whole", calls: plan.toolCalls });
  else
    plan.toolCalls.forEach((call, index) => {
      steps.push({ t: "tool-start", index, call });
      for (const text of call.argPieces) steps.push({ t: "tool-args", index, text });
    });
  const marker: Step | null = plan.failure ? { t: "failure" } : plan.stall ? { t: "stall" } : null;
  if (marker) {
    const after = plan.failure ? plan.failure.afterTokens : (plan.stall?.afterTokens ?? 0);
    let pos = steps.length;
    if (after <= 0) pos = 0;
    else {
      let acc = 0;
      for (let i = 0; i < steps.length; i++) {
        acc += stepTokens(steps[i]);
        if (acc >= after) {
          pos = i + 1;
          break;
        }
      }
    }
    steps.splice(pos, 0, marker);
  }
  return steps;
}

export class StreamRun {
  private readonly steps: Step[];
  private idx = 0;
  private due = 0;
  private readonly counts: Counts = { completion: 0, reasoning: 0, imagesOut: 0, firstTokenAt: null };
  private timer: NodeJS.Timeout | null = null;
  private keepAlive: NodeJS.Timeout | null = null;
  private done = false;
  /** The 2025 shape's empty opening chunk is still to be written (wire.ts, StreamShape). */
  private opening: boolean;
  private readonly idt: ChunkIdentity;

  constructor(
    private readonly state: ServerState,
    private readonly ctx: GenContext,
    private readonly res: http.ServerResponse,
  ) {
    this.steps = buildSteps(ctx.plan);
    this.idt = { id: ctx.record.id, provider: ctx.endpoint.providerName, model: ctx.model.servedModel, created: ctx.created };
    this.opening = ctx.plan.shape === "2025";
  }

  start(): void {
    this.state.timers.addRun(this);
    this.res.writeHead(200, {
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      connection: "keep-alive",
      "x-generation-id": this.ctx.record.id,
      // Recorded beside X-Generation-Id: stream-text-deltas-keepalives-openai-gpt-4o-mini-2026.headers.json.
      "x-provider-name": this.ctx.endpoint.providerName,
      "access-control-expose-headers": "X-Generation-Id,X-Provider-Name,cf-ray",
    });
    this.res.flushHeaders();
    this.res.on("close", () => {
      if (!this.done) this.stop("cancelled");
    });
    if (!this.res.socket || this.res.socket.destroyed) {
      this.stop("cancelled");
      return;
    }
    // Keep-alives before the first chunk, as every recorded stream has them (see LEADING_KEEPALIVES_REASONING).
    if (this.ctx.plan.leadingKeepAlives > 0) this.res.write(KEEPALIVE_COMMENT.repeat(this.ctx.plan.leadingKeepAlives));
    const delay = this.ctx.plan.firstTokenDelayMs;
    this.due = performance.now() + delay;
    if (delay > 0) {
      this.startKeepAlive();
      this.timer = this.state.timers.schedule(() => this.tick(), delay);
    } else {
      this.tick();
    }
  }

  shutdown(): void {
    if (this.done) return;
    droppedByServer.add(this.res);
    this.stop("dropped");
    this.res.destroy();
  }

  private startKeepAlive(): void {
    this.state.timers.stopEvery(this.keepAlive);
    this.keepAlive = this.state.timers.every(() => {
      if (!this.done) this.res.write(KEEPALIVE_COMMENT);
    }, this.ctx.plan.keepAliveMs);
  }

  private stopKeepAlive(): void {
    this.state.timers.stopEvery(this.keepAlive);
    this.keepAlive = null;
  }

  private cleanup(): void {
    this.done = true;
    this.state.timers.cancel(this.timer);
    this.timer = null;
    this.stopKeepAlive();
    this.state.timers.removeRun(this);
  }

  private stop(outcome: "cancelled" | "dropped"): void {
    if (this.done) return;
    this.cleanup();
    finalize(this.state, this.ctx, outcome, this.counts, null);
  }

  private chunk(delta: Record<string, unknown>, finish: string | null = null, extra?: Record<string, unknown>): string {
    return sse(chunkJson(this.idt, this.ctx.plan.shape, delta, finish, extra));
  }

  /**
   * An in-band error, by code:
   * - 400 as recorded (stream-keepalives-reasoning-midstream-error-minimax-m2-free.sse): a finish chunk
   *   `length`, then a chunk with a top-level `error` (no metadata), `finish_reason: null` AND the usage,
   *   then `data: [DONE]`;
   * - 502: `error.metadata.error_type: "provider_unavailable"` with the provider's name, `finish_reason:
   *   "error"` (OpenRouterTeam/docs api_reference/errors-and-debugging.mdx, "Mid-stream errors"; a real
   *   502 with `provider_name` and `raw`: github.com/cline/cline/issues/5449), and the stream ends;
   * - any other (429…): `error {code, message}` without metadata and `finish_reason: "error"`
   *   (stream-midstream-error-429.doc.sse), and the stream ends.
   */
  private midstreamError(code: number, message: string): string {
    if (code === 400) {
      return (
        this.chunk(contentDelta("", this.ctx.plan.shape), "length") +
        this.chunk(contentDelta("", this.ctx.plan.shape), null, { error: { code, message }, usage: usageOf(this.ctx, this.counts) }) +
        "data: [DONE]\n\n"
      );
    }
    const error =
      code === 502
        ? { code, message, metadata: { error_type: "provider_unavailable", provider_name: this.ctx.endpoint.providerName } }
        : { code, message };
    return this.chunk(contentDelta("", this.ctx.plan.shape), "error", { error });
  }

  private tick(): void {
    this.timer = null;
    if (this.done) return;
    this.stopKeepAlive();
    const plan = this.ctx.plan;
    const now = performance.now();
    const perToken = plan.rate > 0 ? 1000 / plan.rate : 0;
    let out = "";
    if (this.opening) {
      out += this.chunk(contentDelta("", plan.shape));
      this.opening = false;
    }
    while (this.idx < this.steps.length) {
      const s = this.steps[this.idx];
      const tokens = stepTokens(s);
      if (tokens > 0 && perToken > 0 && now < this.due) break;
      this.idx++;
      switch (s.t) {
        case "reasoning":
          if (plan.reasoningVisible && showsReasoningText(this.ctx.model)) out += this.chunk(reasoningDelta(s.text, this.ctx.model.reasoningFormat));
          // The model thinks on between chunks, hidden reasoning too: keep-alives (plan.ts, REASONING_KEEPALIVES).
          if (plan.reasoningKeepAlives > 0 && this.counts.reasoning % REASONING_KEEPALIVE_EVERY === 0) {
            out += KEEPALIVE_COMMENT.repeat(plan.reasoningKeepAlives);
          }
          this.counts.reasoning++;
          break;
        case "reasoning-detail": {
          // Anthropic's opening detail and the signature or encrypted reasoning at the end (reasoning.ts).
          const format = this.ctx.model.reasoningFormat;
          const detail = s.which === "open" ? openingDetail(format) : closingDetail(format, plan.reasoning.join(""));
          if (detail && plan.reasoningVisible) out += this.chunk(reasoningDetailDelta(detail));
          break;
        }
        case "content":
          out += this.chunk(contentDelta(s.text, plan.shape));
          break;
        case "tool-start":
          out += this.chunk(toolStartDelta(s.index, s.call));
          break;
        case "tool-args":
          out += this.chunk(toolArgsDelta(s.index, s.text));
          break;
        case "tool-whole":
          out += this.chunk(toolCallsWholeDelta(s.calls));
          break;
        case "images":
          out += this.chunk(imagesDelta(plan.images));
          this.counts.imagesOut += plan.images.length;
          break;
        case "annotations":
          out += this.chunk(annotationsDelta(plan.annotations, plan.shape));
          break;
        case "stall": {
          if (out) this.res.write(out);
          if (plan.stall?.everyMs != null) this.startKeepAlive();
          this.timer = this.state.timers.schedule(() => {
            this.due = performance.now();
            this.tick();
          }, plan.stall?.ms ?? 0);
          return;
        }
        case "failure": {
          const f = plan.failure;
          if (!f) break;
          if (f.kind === "malformed") {
            out += `data: {"id":"${this.idt.id}","object":"chat.completion.chunk","created":${this.idt.created},"choices":[{"index":0,"delta":{"content":"\\u00\n\n`;
            if (f.then === "close") {
              this.cleanup();
              this.res.end(out);
              finalize(this.state, this.ctx, "error", this.counts, "error");
              return;
            }
            break;
          }
          if (f.kind === "midstream-error") {
            this.cleanup();
            this.res.end(out + this.midstreamError(f.code, f.message));
            finalize(this.state, this.ctx, "error", this.counts, "error");
            return;
          }
          // drop: what was produced reaches the socket, then the connection dies without [DONE] or usage.
          this.cleanup();
          droppedByServer.add(this.res);
          finalize(this.state, this.ctx, "dropped", this.counts, null);
          if (out) this.res.write(out, () => this.res.destroy());
          else this.res.destroy();
          return;
        }
      }
      if (tokens > 0) {
        this.counts.completion += tokens;
        this.counts.firstTokenAt ??= now;
        if (perToken > 0) this.due += tokens * perToken;
      }
    }
    if (this.idx < this.steps.length) {
      if (out) this.res.write(out);
      this.timer = this.state.timers.schedule(() => this.tick(), Math.max(MIN_TICK_MS, this.due - now));
      return;
    }
    // Finished: finish_reason chunk, usage chunk (placed as the provider's recordings place it), [DONE].
    out += this.chunk(contentDelta("", plan.shape), plan.finishReason);
    const placement = usagePlacement(plan.shape, this.idt.provider);
    out += sse(usageChunkJson(this.idt, plan.shape, placement, plan.finishReason, usageOf(this.ctx, this.counts)));
    out += "data: [DONE]\n\n";
    this.cleanup();
    this.res.end(out);
    finalize(this.state, this.ctx, "completed", this.counts, plan.finishReason);
  }
}
