/**
 * A streamed generation (SSE): the plan's tokens paced at its rate, keep-alive comments while it
 * waits or stalls, its scripted failures, then the finish chunk, the usage chunk and `[DONE]`.
 */
import type http from "node:http";
import { performance } from "node:perf_hooks";
import type { Plan } from "../plan";
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
  toolStartDelta,
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
  private readonly idt: ChunkIdentity;

  constructor(
    private readonly state: ServerState,
    private readonly ctx: GenContext,
    private readonly res: http.ServerResponse,
  ) {
    this.steps = buildSteps(ctx.plan);
    this.idt = { id: ctx.record.id, provider: ctx.endpoint.providerName, model: ctx.model.id, created: ctx.created };
  }

  start(): void {
    this.state.timers.addRun(this);
    this.res.writeHead(200, {
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      connection: "keep-alive",
      "x-generation-id": this.ctx.record.id,
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
    return sse(chunkJson(this.idt, delta, finish, extra));
  }

  private tick(): void {
    this.timer = null;
    if (this.done) return;
    this.stopKeepAlive();
    const plan = this.ctx.plan;
    const now = performance.now();
    const perToken = plan.rate > 0 ? 1000 / plan.rate : 0;
    let out = "";
    while (this.idx < this.steps.length) {
      const s = this.steps[this.idx];
      const tokens = stepTokens(s);
      if (tokens > 0 && perToken > 0 && now < this.due) break;
      this.idx++;
      switch (s.t) {
        case "reasoning":
          if (plan.reasoningVisible && showsReasoningText(this.ctx.model)) out += this.chunk(reasoningDelta(s.text, this.ctx.model.reasoningFormat));
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
          out += this.chunk(contentDelta(s.text));
          break;
        case "tool-start":
          out += this.chunk(toolStartDelta(s.index, s.call));
          break;
        case "tool-args":
          out += this.chunk(toolArgsDelta(s.index, s.text));
          break;
        case "images":
          out += this.chunk(imagesDelta(plan.images));
          this.counts.imagesOut += plan.images.length;
          break;
        case "annotations":
          out += this.chunk(annotationsDelta(plan.annotations));
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
            out += this.chunk(contentDelta(""), "error", {
              error: {
                code: 502,
                message: f.message,
                metadata: { error_type: "provider_unavailable", provider_name: this.ctx.endpoint.providerName },
              },
            });
            this.cleanup();
            this.res.end(out);
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
    // Finished: finish_reason chunk, usage chunk, [DONE].
    out += this.chunk(contentDelta(""), plan.finishReason);
    out += this.chunk(contentDelta(""), null, { usage: usageOf(this.ctx, this.counts) });
    out += "data: [DONE]\n\n";
    this.cleanup();
    this.res.end(out);
    finalize(this.state, this.ctx, "completed", this.counts, plan.finishReason);
  }
}
