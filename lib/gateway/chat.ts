import "server-only";
import type { ApiCaller } from "@/lib/api-keys/authenticate";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/log";
import { servedModelId } from "@/lib/openrouter/catalog";
import { postUpstream } from "@/lib/openrouter/passthrough";
import { parseWireUsage } from "@/lib/openrouter/usage";
import { holdWhileRunning, releaseReservation } from "@/lib/spend/budget";
import { createMeter } from "@/lib/spend/meter";
import { relayUpstreamError } from "./errors";
import { countApiTokens } from "./limits";
import { writeApiLog } from "./log";
import type { ChatShape } from "./reserve";
import type { ResolvedModels } from "./resolve";
import type { ChatCompletionRequest } from "./schemas";
import { assembledCompletion, StreamReader } from "./stream-reader";

// One chat completion through the gateway: the request sent to OpenRouter with the server's key,
// the answer relayed byte for byte (SSE for a stream, the JSON body otherwise), and on the side
// the same metering as a chat answer — the generation's Usage row as soon as its id is known
// (X-Generation-Id, else the first chunk's `id`), its usage and cost from the usage chunk, and a
// generation the stream never reported (client gone, stream broken) left to settlement from
// /generation. The reservation is freed once the cost is known and kept while it is pending.

export type ChatCall = {
  caller: ApiCaller;
  body: ChatCompletionRequest;
  models: ResolvedModels;
  shape: ChatShape;
  reservationId: string | null;
  /** The client's request: its abort (a disconnect) aborts the upstream request. */
  clientSignal: AbortSignal;
};

/**
 * What goes upstream: the validated request (unknown fields already dropped), the resolved model
 * and fallbacks, the provider preferences, and always `max_tokens` — the bound the reservation
 * assumed — so the reservation is a bound on what can be billed.
 */
export function upstreamChatBody(call: Pick<ChatCall, "body" | "models" | "shape">): Record<string, unknown> {
  const out: Record<string, unknown> = { ...call.body };
  delete out.max_completion_tokens;
  delete out.models;
  delete out.provider;
  out.model = call.models.model.id;
  if (call.models.fallbacks.length > 0) out.models = call.models.fallbacks.map((m) => m.id);
  if (call.models.provider) out.provider = call.models.provider;
  out.max_tokens = call.shape.maxTokens;
  // Deprecated upstream (usage always comes), sent so an older deployment reports it too.
  out.usage = { include: true };
  return out;
}

type Outcome = {
  id: string | null;
  model: string | null;
  provider: string | null;
  usage: unknown;
  finishReason: string | null;
  aborted: boolean;
  firstOutputAt: number | null;
  status: number;
  /** What a kept log stores as the answer. */
  logged: unknown;
};

export async function runChatCompletion(call: ChatCall): Promise<Response> {
  const { caller, models } = call;
  const abort = new AbortController();
  const onClientGone = () => abort.abort();
  if (call.clientSignal.aborted) abort.abort();
  else call.clientSignal.addEventListener("abort", onClientGone, { once: true });

  const meter = createMeter({
    userId: caller.userId,
    conversationId: null,
    messageId: null,
    modelRequested: models.model.id,
    kind: "api",
    apiKeyId: caller.key.id,
  });
  const startedAt = Date.now();
  let running = true;
  holdWhileRunning([call.reservationId], () => running);
  const upstreamBody = upstreamChatBody(call);
  const log = (status: number, generationId: string | null, response: unknown) =>
    caller.key.keepLog
      ? writeApiLog({
          userId: caller.userId,
          apiKeyId: caller.key.id,
          endpoint: "chat.completions",
          model: call.models.requested,
          generationId,
          status,
          request: call.body,
          response,
        })
      : Promise.resolve();

  let response: Response;
  // Until the headers come, the same bound on silence as the body's (see relayBody).
  const headersDue = setTimeout(() => abort.abort(), getEnv().SWITCHBOARD_UPSTREAM_KEEPALIVE_TIMEOUT_MS);
  try {
    response = await postUpstream("/chat/completions", upstreamBody, abort.signal);
  } catch (error) {
    clearTimeout(headersDue);
    running = false;
    call.clientSignal.removeEventListener("abort", onClientGone);
    await releaseReservation(call.reservationId);
    if (abort.signal.aborted && !call.clientSignal.aborted) throw new AppError("timeout:upstream", "The model provider did not answer in time.");
    throw error;
  }
  clearTimeout(headersDue);
  const headerId = response.headers.get("x-generation-id");
  if (!response.ok || !response.body) {
    // OpenRouter's refusals bill nothing (their /generation records, when any, cost 0).
    running = false;
    call.clientSignal.removeEventListener("abort", onClientGone);
    await releaseReservation(call.reservationId);
    const relayed = await relayUpstreamError(response);
    await log(relayed.status, headerId, await relayed.clone().json());
    return relayed;
  }
  meter.onResponse({ generationId: headerId, status: response.status });

  let finished: Promise<void> | null = null;
  const finish = (outcome: Outcome): Promise<void> => {
    finished ??= (async () => {
      running = false;
      call.clientSignal.removeEventListener("abort", onClientGone);
      // No X-Generation-Id: the body's id names the generation (a stream has announced it already).
      if (outcome.id) meter.onResponse({ generationId: outcome.id, status: response.status });
      const durationMs = Date.now() - startedAt;
      const ttftMs = outcome.firstOutputAt !== null ? outcome.firstOutputAt - startedAt : null;
      const usage = parseWireUsage(outcome.usage, outcome.provider);
      if (usage) {
        await meter.recordStep({
          responseId: outcome.id ?? undefined,
          stepNumber: "last",
          modelServed: servedModelId(outcome.model),
          usage,
          ttftMs,
          durationMs,
          finishReason: outcome.finishReason,
        });
      }
      const pending = await meter.settleLeftovers({ finishReason: outcome.aborted ? "aborted" : "error", ttftMs, durationMs });
      // A cost still pending keeps its reservation until settlement finds it (or the reservation expires).
      if (!pending && (usage?.costNano != null || meter.generationIds().length === 0)) await releaseReservation(call.reservationId);
      await countApiTokens(caller.key.id, usage ? usage.promptTokens + usage.completionTokens : call.shape.promptTokens);
      await log(outcome.status, meter.generationIds()[0] ?? outcome.id, outcome.logged);
    })().catch((error: unknown) =>
      logger().error({ apiKeyId: caller.key.id, error: error instanceof Error ? error.message : String(error) }, "could not meter an API call"),
    );
    return finished;
  };

  const headers: Record<string, string> = { "cache-control": "no-store" };
  if (headerId) headers["x-generation-id"] = headerId;
  const reader: BodyReader = call.body.stream === true ? new SseBodyReader() : new JsonBodyReader();
  return relayBody({
    response,
    body: response.body,
    reader,
    headers,
    announce: meter.onResponse,
    afterChunk: meter.afterRelayedChunk,
    finish,
    abort,
  });
}

/** What the relay learns from a body on the side, by its shape: an SSE stream, or one JSON answer. */
type BodyReader = {
  push(bytes: Uint8Array): void;
  /** The generation id, once the body has named it. */
  id(): string | null;
  end(): Omit<Outcome, "aborted" | "status">;
};

class SseBodyReader implements BodyReader {
  private readonly reader = new StreamReader();
  push(bytes: Uint8Array) {
    this.reader.push(bytes);
  }
  id() {
    return this.reader.summary.id;
  }
  end() {
    const summary = this.reader.end();
    return {
      id: summary.id,
      model: summary.model,
      provider: summary.provider,
      usage: summary.usage,
      finishReason: summary.error && !summary.finishReason ? "error" : summary.finishReason,
      firstOutputAt: summary.firstOutputAt,
      logged: assembledCompletion(summary),
    };
  }
}

class JsonBodyReader implements BodyReader {
  private readonly chunks: Uint8Array[] = [];
  push(bytes: Uint8Array) {
    this.chunks.push(bytes);
  }
  id() {
    return null;
  }
  end() {
    const text = Buffer.concat(this.chunks).toString("utf8");
    const body = parseObject<{ id?: unknown; model?: unknown; provider?: unknown; usage?: unknown; choices?: { finish_reason?: unknown }[] }>(text);
    const str = (v: unknown) => (typeof v === "string" && v ? v : null);
    return {
      id: str(body?.id),
      model: str(body?.model),
      provider: str(body?.provider),
      usage: body?.usage ?? null,
      finishReason: str(body?.choices?.[0]?.finish_reason),
      firstOutputAt: null,
      logged: body ?? text,
    };
  }
}

/**
 * The upstream's body to the client as its bytes arrive — a stream's chunks and keep-alive
 * comments, and a JSON answer too (so whatever OpenRouter sends ahead of a slow JSON answer keeps
 * the client's connection alive as it would calling OpenRouter) — read on the side by `reader`.
 * The body's end reaches the client once the call is metered, so its next request sees the cost.
 * A client that leaves aborts the upstream request; an upstream silent for
 * SWITCHBOARD_UPSTREAM_KEEPALIVE_TIMEOUT_MS (not a byte, not a keep-alive) is closed as dead — a
 * JSON answer may rightly send nothing for minutes while a model reasons.
 */
function relayBody(input: {
  response: Response;
  body: ReadableStream<Uint8Array>;
  reader: BodyReader;
  headers: Record<string, string>;
  announce: (info: { generationId: string | null; status: number }) => void;
  afterChunk: () => void;
  finish: (o: Outcome) => Promise<void>;
  abort: AbortController;
}): Response {
  const { response, reader, abort } = input;
  const upstream = input.body.getReader();
  let announced = input.headers["x-generation-id"] !== undefined;
  const silenceMs = getEnv().SWITCHBOARD_UPSTREAM_KEEPALIVE_TIMEOUT_MS;
  let silence: NodeJS.Timeout | undefined;
  const watch = () => {
    clearTimeout(silence);
    silence = setTimeout(() => abort.abort(), silenceMs);
    silence.unref();
  };
  watch();
  const end = (aborted: boolean) => {
    clearTimeout(silence);
    return input.finish({ ...reader.end(), aborted, status: response.status });
  };
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await upstream.read();
      } catch (error) {
        await end(true);
        controller.error(error);
        return;
      }
      if (chunk.done) {
        await end(false);
        controller.close();
        return;
      }
      watch();
      controller.enqueue(chunk.value);
      reader.push(chunk.value);
      if (!announced && reader.id()) {
        announced = true;
        input.announce({ generationId: reader.id(), status: response.status });
      }
      input.afterChunk();
    },
    async cancel() {
      // The client went away: the upstream request is closed with it.
      abort.abort();
      await upstream.cancel().catch(() => undefined);
      await end(true);
    },
  });
  const contentType = response.headers.get("content-type") ?? (reader instanceof SseBodyReader ? "text/event-stream" : "application/json");
  return new Response(stream, { status: response.status, headers: { ...input.headers, "content-type": contentType, "x-accel-buffering": "no" } });
}

/** A JSON object body, or null when the text is not one. */
export function parseObject<T extends object>(text: string): T | null {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as T) : null;
  } catch {
    return null;
  }
}
