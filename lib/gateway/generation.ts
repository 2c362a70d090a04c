import "server-only";
import { getDb } from "@/lib/db";
import { AppError } from "@/lib/errors";

// GET /api/v1/generation?id=: a generation of the caller's own, in OpenRouter's `/generation`
// shape, answered from the ledger's Usage row (no upstream call: the row holds what the stream or
// settlement reported, and the server's key sees every user's generations upstream). As OpenRouter
// does until it knows a generation (tests/fixtures/openrouter-recorded/generation-404-not-yet-available.message.txt),
// one whose cost is still pending is a 404; so is anyone else's.

const nanoToUsd = (nano: bigint) => Number(nano) / 1e9;

export async function generationOf(userId: string, id: string): Promise<Record<string, unknown>> {
  const db = await getDb();
  const row = await db.usage.findFirst({ where: { generationId: id, userId } });
  if (!row || row.costNano === null || !row.generationId) throw new AppError("not_found:generation", `Generation ${id.slice(0, 100)} not found.`);
  return {
    data: {
      id: row.generationId,
      model: row.modelServed ?? row.modelRequested,
      provider_name: row.provider,
      total_cost: nanoToUsd(row.costNano),
      usage: nanoToUsd(row.costNano),
      upstream_inference_cost: row.upstreamCostNano === null ? null : nanoToUsd(row.upstreamCostNano),
      is_byok: row.isByok,
      tokens_prompt: row.promptTokens,
      tokens_completion: row.completionTokens,
      native_tokens_prompt: row.promptTokens,
      native_tokens_completion: row.completionTokens,
      native_tokens_reasoning: row.reasoningTokens,
      native_tokens_cached: row.cachedTokens,
      finish_reason: row.finishReason,
      latency: row.ttftMs,
      generation_time: row.durationMs,
      created_at: row.createdAt.toISOString(),
    },
  };
}
