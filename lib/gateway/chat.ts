import "server-only";
import type { ApiCaller } from "@/lib/api-keys/authenticate";
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
  try {
    response = await postUpstream("/chat/completions", upstreamBody, abort.signal);
  } catch (error) {
    running = false;
    call.clientSignal.removeEventListener("abort", onClientGone);
    await releaseReservation(call.reservationId);
    throw error;
  }
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

  if (call.body.stream !== true) return relayJson(response, headers, finish, abort.signal);
  return relayStream(response, response.body, headers, meter.onResponse, meter.afterRelayedChunk, finish, abort);
}

async function relayJson(
  response: Response,
  headers: Record<string, string>,
  finish: (o: Outcome) => Promise<void>,
  signal: AbortSignal,
): Promise<Response> {
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    await finish({
      id: null,
      model: null,
      provider: null,
      usage: null,
      finishReason: null,
      aborted: signal.aborted,
      firstOutputAt: null,
      status: 499,
      logged: null,
    });
    throw error;
  }
  const body = parseObject<{ id?: unknown; model?: unknown; provider?: unknown; usage?: unknown; choices?: { finish_reason?: unknown }[] }>(text);
  const str = (v: unknown) => (typeof v === "string" && v ? v : null);
  // Recorded before the answer goes back, so the caller's next request sees its cost.
  await finish({
    id: str(body?.id),
    model: str(body?.model),
    provider: str(body?.provider),
    usage: body?.usage ?? null,
    finishReason: str(body?.choices?.[0]?.finish_reason),
    aborted: false,
    firstOutputAt: null,
    status: response.status,
    logged: body ?? text,
  });
  return new Response(text, {
    status: response.status,
    headers: { ...headers, "content-type": response.headers.get("content-type") ?? "application/json" },
  });
}

function relayStream(
  response: Response,
  upstream: ReadableStream<Uint8Array>,
  headers: Record<string, string>,
  announce: (info: { generationId: string | null; status: number }) => void,
  afterChunk: () => void,
  finish: (o: Outcome) => Promise<void>,
  abort: AbortController,
): Response {
  const reader = upstream.getReader();
  const side = new StreamReader();
  let announced = headers["x-generation-id"] !== undefined;
  const end = (aborted: boolean) => {
    const summary = side.end();
    return finish({
      id: summary.id,
      model: summary.model,
      provider: summary.provider,
      usage: summary.usage,
      finishReason: summary.error && !summary.finishReason ? "error" : summary.finishReason,
      aborted,
      firstOutputAt: summary.firstOutputAt,
      status: response.status,
      logged: assembledCompletion(summary),
    });
  };
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        await end(abort.signal.aborted);
        controller.error(error);
        return;
      }
      if (chunk.done) {
        // The end goes to the client once the call is metered: its next request sees the cost.
        await end(false);
        controller.close();
        return;
      }
      controller.enqueue(chunk.value);
      side.push(chunk.value);
      if (!announced && side.summary.id) {
        announced = true;
        announce({ generationId: side.summary.id, status: response.status });
      }
      afterChunk();
    },
    async cancel() {
      // The client went away: the upstream request is closed with it.
      abort.abort();
      await reader.cancel().catch(() => undefined);
      await end(true);
    },
  });
  return new Response(stream, {
    status: response.status,
    headers: { ...headers, "content-type": response.headers.get("content-type") ?? "text/event-stream", "x-accel-buffering": "no" },
  });
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
