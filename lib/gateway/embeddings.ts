import "server-only";
import type { ApiCaller } from "@/lib/api-keys/authenticate";
import { logger } from "@/lib/log";
import { postUpstream } from "@/lib/openrouter/passthrough";
import type { ModelSummary } from "@/lib/openrouter/types";
import { parseWireUsage } from "@/lib/openrouter/usage";
import { releaseReservation } from "@/lib/spend/budget";
import { createMeter } from "@/lib/spend/meter";
import { parseObject } from "./chat";
import { relayUpstreamError } from "./errors";
import { countApiTokens } from "./limits";
import { writeApiLog } from "./log";
import type { EmbeddingsRequest } from "./schemas";

// One embeddings call: metered like a chat completion (a Usage row per generation, its cost from
// the answer's `usage.cost`), the JSON answer relayed as it came. OpenRouter's embeddings answer is
// not recorded from the live service (local-openrouter/embeddings.ts): the generation id is taken
// from X-Generation-Id, else the body's `id`.

export type EmbeddingsCall = {
  caller: ApiCaller;
  body: EmbeddingsRequest;
  model: ModelSummary;
  promptTokens: number;
  reservationId: string | null;
  clientSignal: AbortSignal;
};

export async function runEmbeddings(call: EmbeddingsCall): Promise<Response> {
  const { caller } = call;
  const meter = createMeter({
    userId: caller.userId,
    conversationId: null,
    messageId: null,
    modelRequested: call.model.id,
    kind: "api",
    apiKeyId: caller.key.id,
  });
  const startedAt = Date.now();
  let response: Response;
  try {
    response = await postUpstream("/embeddings", { ...call.body, model: call.model.id }, call.clientSignal);
  } catch (error) {
    await releaseReservation(call.reservationId);
    throw error;
  }
  const headerId = response.headers.get("x-generation-id");
  const log = (status: number, generationId: string | null, answer: unknown) =>
    caller.key.keepLog
      ? writeApiLog({
          userId: caller.userId,
          apiKeyId: caller.key.id,
          endpoint: "embeddings",
          model: call.body.model,
          generationId,
          status,
          request: call.body,
          response: answer,
        })
      : Promise.resolve();
  if (!response.ok) {
    await releaseReservation(call.reservationId);
    const relayed = await relayUpstreamError(response);
    await log(relayed.status, headerId, await relayed.clone().json());
    return relayed;
  }
  meter.onResponse({ generationId: headerId, status: response.status });
  let text = "";
  let aborted = false;
  try {
    text = await response.text();
  } catch {
    aborted = true;
  }
  const body = parseObject<{ id?: unknown; model?: unknown; provider?: unknown; usage?: unknown }>(text);
  const id = typeof body?.id === "string" && body.id ? body.id : null;
  try {
    if (id) meter.onResponse({ generationId: id, status: response.status });
    const usage = parseWireUsage(body?.usage ?? null, typeof body?.provider === "string" ? body.provider : null);
    const durationMs = Date.now() - startedAt;
    if (usage) {
      await meter.recordStep({
        responseId: id ?? undefined,
        stepNumber: "last",
        modelServed: typeof body?.model === "string" ? body.model : null,
        usage,
        ttftMs: null,
        durationMs,
        finishReason: null,
      });
    }
    const pending = await meter.settleLeftovers({ finishReason: aborted ? "aborted" : "error", ttftMs: null, durationMs });
    if (!pending && (usage?.costNano != null || meter.generationIds().length === 0)) await releaseReservation(call.reservationId);
    await countApiTokens(caller.key.id, usage ? usage.promptTokens + usage.completionTokens : call.promptTokens);
    // Vectors are not worth keeping: the log has the request and the answer's usage.
    await log(response.status, meter.generationIds()[0] ?? id, body ? { id: body.id, model: body.model, usage: body.usage } : null);
  } catch (error) {
    logger().error({ apiKeyId: caller.key.id, error: error instanceof Error ? error.message : String(error) }, "could not meter an embeddings call");
  }
  if (aborted) return new Response(null, { status: 499 });
  const headers: Record<string, string> = { "cache-control": "no-store", "content-type": response.headers.get("content-type") ?? "application/json" };
  if (headerId) headers["x-generation-id"] = headerId;
  return new Response(text, { status: response.status, headers });
}
