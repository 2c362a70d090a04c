import "server-only";
import { z } from "zod";
import { getEnv } from "@/lib/env";
import { usdToNano } from "@/lib/money";
import { userCostNano } from "./usage";

// GET /generation: how a stopped or broken stream's true cost is found afterwards.

const generationResponse = z.object({
  data: z.object({
    id: z.string(),
    model: z.string().nullish(),
    provider_name: z.string().nullish(),
    total_cost: z.number(),
    upstream_inference_cost: z.number().nullish(),
    is_byok: z.boolean().nullish(),
    tokens_prompt: z.number().nullish(),
    tokens_completion: z.number().nullish(),
    native_tokens_reasoning: z.number().nullish(),
    native_tokens_cached: z.number().nullish(),
    finish_reason: z.string().nullish(),
    cancelled: z.boolean().nullish(),
    latency: z.number().nullish(),
    generation_time: z.number().nullish(),
  }),
});

export type GenerationRecord = {
  id: string;
  model: string | null;
  provider: string | null;
  costNano: bigint;
  upstreamCostNano: bigint | null;
  isByok: boolean;
  promptTokens: number;
  completionTokens: number;
  reasoningTokens: number;
  cachedTokens: number;
  finishReason: string | null;
  cancelled: boolean;
};

export type GenerationLookup = { found: true; record: GenerationRecord } | { found: false; retryable: boolean; reason: string };

export async function fetchGeneration(id: string): Promise<GenerationLookup> {
  const env = getEnv();
  let response: Response;
  try {
    response = await fetch(`${env.OPENROUTER_BASE_URL}/generation?id=${encodeURIComponent(id)}`, {
      headers: { authorization: `Bearer ${env.OPENROUTER_API_KEY ?? ""}` },
      signal: AbortSignal.timeout(15_000),
    });
  } catch (error) {
    return { found: false, retryable: true, reason: `network: ${(error as Error).message}` };
  }
  // 404 right after a generation is normal: the record appears after a few seconds.
  if (!response.ok) return { found: false, retryable: response.status !== 401 && response.status !== 403, reason: `HTTP ${response.status}` };
  const parsed = generationResponse.safeParse(await response.json().catch(() => null));
  if (!parsed.success) return { found: false, retryable: true, reason: "malformed generation record" };
  const d = parsed.data.data;
  const fee = usdToNano(d.total_cost);
  const upstream = d.upstream_inference_cost == null ? null : usdToNano(d.upstream_inference_cost);
  const isByok = d.is_byok ?? false;
  return {
    found: true,
    record: {
      id: d.id,
      model: d.model ?? null,
      provider: d.provider_name ?? null,
      costNano: userCostNano(fee, upstream, isByok),
      upstreamCostNano: upstream,
      isByok,
      promptTokens: d.tokens_prompt ?? 0,
      completionTokens: d.tokens_completion ?? 0,
      reasoningTokens: d.native_tokens_reasoning ?? 0,
      cachedTokens: d.native_tokens_cached ?? 0,
      finishReason: d.finish_reason ?? null,
      cancelled: d.cancelled ?? false,
    },
  };
}
