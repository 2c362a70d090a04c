/**
 * A generation answered as one JSON body (`stream` not true): sent once the plan's tokens would
 * have been produced at its rate; a client that leaves early is billed for the tokens so far.
 */
import type http from "node:http";
import { performance } from "node:perf_hooks";
import { sendJson } from "../http";
import { showsReasoningText, wholeDetails } from "../reasoning";
import { type Counts, finalize, type GenContext, usageOf } from "../records";
import { droppedByServer, type ServerState } from "../state";
import { nativeFinishReason } from "../wire";

/** `error.metadata.error_type` by code, from OpenRouter's typed error codes (errors-and-debugging.mdx, "Typed error codes"). */
const ERROR_TYPES: Record<number, string> = {
  400: "max_tokens_exceeded",
  402: "payment_required",
  408: "timeout",
  429: "rate_limit_exceeded",
  502: "provider_unavailable",
  503: "provider_overloaded",
};

export class JsonRun {
  private timer: NodeJS.Timeout | null = null;
  private done = false;
  private readonly begin = performance.now();
  private readonly perToken: number;
  private readonly total: number;

  constructor(
    private readonly state: ServerState,
    private readonly ctx: GenContext,
    private readonly res: http.ServerResponse,
  ) {
    const plan = ctx.plan;
    this.perToken = plan.rate > 0 ? 1000 / plan.rate : 0;
    this.total = plan.reasoning.length + plan.content.length + plan.toolCalls.reduce((n, t) => n + t.nameTokens + t.argPieces.length, 0);
  }

  /** Counts after `n` tokens were generated (reasoning first, then the rest). */
  private countsAfter(n: number): Counts {
    const plan = this.ctx.plan;
    const completion = Math.max(0, Math.min(n, this.total));
    return {
      completion,
      reasoning: Math.min(plan.reasoning.length, completion),
      imagesOut: completion >= this.total ? plan.images.length : 0,
      firstTokenAt: completion > 0 ? this.begin + plan.firstTokenDelayMs : null,
    };
  }

  start(): void {
    this.state.timers.addRun(this);
    const plan = this.ctx.plan;
    const onClose = () => {
      if (this.done) return;
      const elapsed = performance.now() - this.begin - plan.firstTokenDelayMs;
      const n = this.perToken > 0 ? Math.floor(Math.max(0, elapsed) / this.perToken) : this.total;
      this.finish();
      finalize(this.state, this.ctx, "cancelled", this.countsAfter(n), null);
    };
    this.res.on("close", onClose);
    if (!this.res.socket || this.res.socket.destroyed) return onClose();
    const f = plan.failure;
    const tokensUntil = f ? Math.min(f.afterTokens, this.total) : this.total;
    const stallMs = plan.stall ? plan.stall.ms : 0;
    const wait = plan.firstTokenDelayMs + tokensUntil * this.perToken + stallMs;
    this.timer = this.state.timers.schedule(() => this.respond(), wait);
  }

  shutdown(): void {
    if (this.done) return;
    this.finish();
    droppedByServer.add(this.res);
    finalize(this.state, this.ctx, "dropped", this.countsAfter(0), null);
    this.res.destroy();
  }

  private finish(): void {
    this.done = true;
    this.state.timers.cancel(this.timer);
    this.timer = null;
    this.state.timers.removeRun(this);
  }

  private result(message: Record<string, unknown>, finishReason: string | null, counts: Counts): Record<string, unknown> {
    const { ctx } = this;
    return {
      id: ctx.record.id,
      provider: ctx.endpoint.providerName,
      model: ctx.model.servedModel,
      object: "chat.completion",
      created: ctx.created,
      choices: [
        {
          index: 0,
          finish_reason: finishReason,
          native_finish_reason: nativeFinishReason(ctx.endpoint.providerName, ctx.model.id, finishReason),
          // `logprobs: null` on the choice, as every recorded completion body
          // (completion-reasoning-summary-encrypted-openai-gpt-5-mini.json, completion-tool-call-mistral-small.json).
          logprobs: null,
          message,
        },
      ],
      // Not in the recorded bodies, but required by the spec's ChatResult (recorded-shape.test.ts allows it).
      system_fingerprint: null,
      usage: usageOf(ctx, counts),
    };
  }

  private respond(): void {
    this.timer = null;
    if (this.done) return;
    this.finish();
    const { ctx, res } = this;
    const plan = ctx.plan;
    const f = plan.failure;
    const headers = { "x-generation-id": ctx.record.id, "x-provider-name": ctx.endpoint.providerName };
    if (f?.kind === "midstream-error") {
      // A provider failing after generation began is HTTP 200 with the error inside the choice, beside
      // the partial content (completion-http-200-choice-error.doc.json; OpenRouterTeam/docs
      // api_reference/errors-and-debugging.mdx: "the returned HTTP response status will be 200").
      const counts = this.countsAfter(f.afterTokens);
      const partial = plan.content.slice(0, Math.max(0, f.afterTokens - plan.reasoning.length)).join("");
      const error = { code: f.code, message: f.message, metadata: { error_type: ERROR_TYPES[f.code] ?? "unmapped" } };
      const body = this.result({ role: "assistant", content: partial, refusal: null, reasoning: null }, "error", counts);
      (body.choices as Record<string, unknown>[])[0].error = error;
      finalize(this.state, ctx, "error", counts, "error");
      return sendJson(res, 200, body, headers);
    }
    if (f?.kind === "drop") {
      droppedByServer.add(res);
      finalize(this.state, ctx, "dropped", this.countsAfter(f.afterTokens), null);
      res.destroy();
      return;
    }
    const counts = this.countsAfter(this.total);
    const text = plan.content.join("");
    const message: Record<string, unknown> = { role: "assistant", content: text, refusal: null, reasoning: null };
    if (plan.reasoning.length > 0 && plan.reasoningVisible) {
      const r = plan.reasoning.join("");
      const details = wholeDetails(ctx.model.reasoningFormat, r);
      if (showsReasoningText(ctx.model)) {
        message.reasoning = r;
        message.reasoning_details = details;
      } else {
        message.reasoning_details = details.filter((d) => d.type === "reasoning.encrypted");
      }
    }
    if (plan.toolCalls.length > 0) {
      // `index` on each call, as recorded (completion-tool-call-mistral-small.json, completion-tool-call-claude-sonnet-4.5.json).
      // No `arguments` key with `noargs=1` (completion-tool-call-claude-sonnet-4.5.json), no `id` with `ids=missing`.
      message.tool_calls = plan.toolCalls.map((t, index) => ({
        index,
        ...(t.id === null ? {} : { id: t.id }),
        type: "function",
        function: t.noArguments ? { name: t.name } : { name: t.name, arguments: t.argPieces.join("") },
      }));
    }
    if (plan.images.length > 0) message.images = plan.images.map((url) => ({ type: "image_url", image_url: { url } }));
    if (plan.annotations.length > 0) message.annotations = plan.annotations;
    const body = this.result(message, plan.finishReason, counts);
    finalize(this.state, ctx, "completed", counts, plan.finishReason);
    if (f?.kind === "malformed") {
      const text = JSON.stringify(body);
      res.writeHead(200, { "content-type": "application/json", ...headers });
      res.end(text.slice(0, Math.floor(text.length / 2)));
      return;
    }
    sendJson(res, 200, body, headers);
  }
}
