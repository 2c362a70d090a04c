import "server-only";
import { z } from "zod";
import { usdToNano } from "@/lib/money";

// Usage and cost of one upstream generation (one tool-loop step), from the provider's
// metadata. The SDK does not sum steps; callers add the per-step figures.

const openrouterMetadata = z.object({
  provider: z.string().optional(),
  usage: z
    .object({
      promptTokens: z.number().optional(),
      completionTokens: z.number().optional(),
      cost: z.number().optional(),
      promptTokensDetails: z.object({ cachedTokens: z.number().optional() }).partial().optional(),
      completionTokensDetails: z.object({ reasoningTokens: z.number().optional() }).partial().optional(),
      costDetails: z.object({ upstreamInferenceCost: z.number().nullish() }).partial().optional(),
    })
    .partial()
    .optional(),
});

const rawUsage = z.object({ is_byok: z.boolean().optional() }).partial();

export type StepUsage = {
  provider: string | null;
  promptTokens: number;
  completionTokens: number;
  reasoningTokens: number;
  cachedTokens: number;
  /** What this generation cost the user, nano-USD; null when the upstream did not say. */
  costNano: bigint | null;
  upstreamCostNano: bigint | null;
  isByok: boolean;
};

/**
 * What a generation cost the user, from OpenRouter's charge and the upstream's. With BYOK,
 * OpenRouter's charge is only its fee and the provider charges the user's own key the upstream
 * inference cost: the user's spend is the sum. Otherwise the charge is the whole cost and the
 * upstream cost a breakdown of it. The stream's usage and /generation both go through here.
 */
export function userCostNano(chargeNano: bigint, upstreamCostNano: bigint | null, isByok: boolean): bigint {
  return isByok ? chargeNano + (upstreamCostNano ?? 0n) : chargeNano;
}

/** One step's usage and cost from the provider's metadata (the stream's `usage` chunk). */
export function extractStepUsage(providerMetadata: unknown, raw: unknown): StepUsage {
  const meta = openrouterMetadata.safeParse((providerMetadata as { openrouter?: unknown } | undefined)?.openrouter);
  const usage = meta.success ? meta.data.usage : undefined;
  const isByok = rawUsage.safeParse(raw).data?.is_byok ?? false;
  const fee = usage?.cost !== undefined ? usdToNano(usage.cost) : null;
  const upstream =
    usage?.costDetails?.upstreamInferenceCost !== undefined && usage.costDetails.upstreamInferenceCost !== null
      ? usdToNano(usage.costDetails.upstreamInferenceCost)
      : null;
  return {
    provider: meta.success ? (meta.data.provider ?? null) : null,
    promptTokens: usage?.promptTokens ?? 0,
    completionTokens: usage?.completionTokens ?? 0,
    reasoningTokens: usage?.completionTokensDetails?.reasoningTokens ?? 0,
    cachedTokens: usage?.promptTokensDetails?.cachedTokens ?? 0,
    costNano: fee === null ? null : userCostNano(fee, upstream, isByok),
    upstreamCostNano: upstream,
    isByok,
  };
}

// The `usage` object as it comes on the wire (a stream's last chunk, a JSON answer's body, an
// embeddings answer): every field the spec lets be null or absent may be, so each one is read on
// its own and a malformed field counts as absent rather than losing the rest.
const wireNumber = z.number().finite().nullish().catch(null);
const wireUsage = z.object({
  prompt_tokens: wireNumber,
  completion_tokens: wireNumber,
  cost: wireNumber,
  is_byok: z.boolean().nullish().catch(null),
  prompt_tokens_details: z.object({ cached_tokens: wireNumber }).partial().nullish().catch(null),
  completion_tokens_details: z.object({ reasoning_tokens: wireNumber }).partial().nullish().catch(null),
  cost_details: z.object({ upstream_inference_cost: wireNumber }).partial().nullish().catch(null),
});

/**
 * One generation's usage from OpenRouter's raw `usage` object, as the ledger keeps it. `cost`
 * null or absent leaves `costNano` null (settlement asks /generation). `provider` is the chunk's
 * or body's `provider`.
 */
export function parseWireUsage(usage: unknown, provider: string | null = null): StepUsage | null {
  const parsed = wireUsage.safeParse(usage);
  if (!parsed.success) return null;
  const u = parsed.data;
  const isByok = u.is_byok ?? false;
  const upstream = u.cost_details?.upstream_inference_cost != null ? usdToNano(u.cost_details.upstream_inference_cost) : null;
  const fee = u.cost != null ? usdToNano(u.cost) : null;
  return {
    provider,
    promptTokens: u.prompt_tokens ?? 0,
    completionTokens: u.completion_tokens ?? 0,
    reasoningTokens: u.completion_tokens_details?.reasoning_tokens ?? 0,
    cachedTokens: u.prompt_tokens_details?.cached_tokens ?? 0,
    costNano: fee === null ? null : userCostNano(fee, upstream, isByok),
    upstreamCostNano: upstream,
    isByok,
  };
}
