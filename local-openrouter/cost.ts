/**
 * The exact cost arithmetic of the local OpenRouter.
 *
 * Prices are USD per token (per image / per request / per search where the field says so)
 * as STRINGS, exactly like OpenRouter's `/api/v1/models`. Every price has at most 9 decimal
 * places, so every price is an integer number of nano-USD (1 nano-USD = 1e-9 USD) and every
 * cost is computed exactly in integer nano-USD (BigInt). The wire carries `cost` as that
 * integer divided by 1e9 (a JSON number); `Math.round(cost * 1e9)` (or exact decimal
 * parsing of the JSON text) recovers the integer exactly for any cost below ~9 million USD.
 *
 * Cost of one generation, in nano-USD (see {@link computeCostNano}):
 *   prompt      = (prompt_tokens - cached_tokens) * prompt + cached_tokens * (input_cache_read ?? prompt)
 *   completion  = (completion_tokens - reasoning_tokens) * completion
 *                 + reasoning_tokens * (internal_reasoning ?? completion)
 *   request     = request (once per generation, when the endpoint has one)
 *   images      = input_images * image + output_images * image_output
 *   web search  = native search (model has `web_search`): web_search once per request;
 *                 otherwise the web plugin (Exa): {@link WEB_PLUGIN_PRICE_PER_RESULT} per result
 *   cost        = prompt + completion + request + images + web search
 *   upstream_inference_cost = cost - plugin web search (what the provider charged; OpenRouter's
 *                 own plugin fee is not part of it). `is_byok` is always false here.
 * The prices used are those of the ENDPOINT (provider) that served the request; a model's
 * listed `pricing` is its first (default) endpoint's. Long-context tiers: `pricing.overrides` lists
 * prices that replace the base ones, key by key, when `prompt_tokens` is strictly greater than the
 * entry's `min_prompt_tokens`; among applicable entries later ones win per key (the spec's
 * PricingOverride, spec/openapi.yaml) — the shape of OpenRouter's `/models`
 * (tests/fixtures/openrouter-recorded/models-listing-subset-tiered-alias-router.json,
 * `~google/gemini-pro-latest`: prompt 0.000002 → 0.000004 and completion 0.000012 → 0.000018 above
 * 200000 prompt tokens). The whole request is billed at the tier's prices, as Google bills Gemini.
 * The time-window conditions (`utc_start`/`utc_end`) are not simulated.
 */

export const PRICE_FIELDS = [
  "prompt",
  "completion",
  "request",
  "image",
  "image_output",
  "web_search",
  "internal_reasoning",
  "input_cache_read",
  "input_cache_write",
] as const;
export type PriceField = (typeof PRICE_FIELDS)[number];

/** A long-context tier: above `min_prompt_tokens` prompt tokens, these prices replace the base ones. */
export interface PriceOverride extends Partial<Record<PriceField, string>> {
  min_prompt_tokens: number;
}

export interface PriceTable extends Partial<Record<PriceField, string>> {
  prompt: string;
  completion: string;
  overrides?: PriceOverride[];
}

/** The prices a request with `promptTokens` prompt tokens pays: the base, with every applicable override over it in order. */
export function pricesFor(pricing: PriceTable, promptTokens: number): PriceTable {
  let out = pricing;
  for (const { min_prompt_tokens: min, ...prices } of pricing.overrides ?? []) if (promptTokens > min) out = { ...out, ...prices };
  return out;
}

/** A decimal USD amount with at most 9 decimal places (so an exact number of nano-USD). */
export const PRICE_PATTERN = /^(-?)(\d+)(?:\.(\d{1,9}))?$/;

export const NANO_PER_USD = 1_000_000_000n;
/** OpenRouter's web plugin (Exa engine): USD per search result. */
export const WEB_PLUGIN_PRICE_PER_RESULT = "0.004";
/** Results a `web` plugin returns when `max_results` is not given. */
export const WEB_PLUGIN_DEFAULT_RESULTS = 5;

/** Parses a decimal USD string with at most 9 decimal places into integer nano-USD. */
export function priceToNano(price: string): bigint {
  const m = PRICE_PATTERN.exec(price.trim());
  if (!m) throw new Error(`price ${JSON.stringify(price)} is not a decimal with at most 9 decimal places`);
  const [, sign, whole, frac = ""] = m;
  const nano = BigInt(whole) * NANO_PER_USD + BigInt(frac.padEnd(9, "0"));
  return sign === "-" ? -nano : nano;
}

/** nano-USD → USD as a JS number (the value OpenRouter puts on the wire as `cost`). */
export function nanoToUsd(nano: bigint): number {
  return Number(nano) / 1e9;
}

/** USD number from the wire → integer nano-USD (exact for every cost this server emits). */
export function usdToNano(usd: number): bigint {
  return BigInt(Math.round(usd * 1e9));
}

export type WebSearchCharge = { engine: "native" } | { engine: "exa"; results: number };

export interface UsageForCost {
  promptTokens: number;
  completionTokens: number;
  /** Part of `completionTokens` that was reasoning. */
  reasoningTokens?: number;
  /** Part of `promptTokens` read from the prompt cache. */
  cachedTokens?: number;
  inputImages?: number;
  outputImages?: number;
  webSearch?: WebSearchCharge | null;
}

export interface CostBreakdown {
  totalNano: bigint;
  promptNano: bigint;
  completionNano: bigint;
  requestNano: bigint;
  imageNano: bigint;
  webSearchNano: bigint;
  /** Everything but OpenRouter's own web plugin fee. */
  upstreamNano: bigint;
  /** What the cached tokens saved compared with the full prompt price. */
  cacheDiscountNano: bigint;
}

function opt(price: string | undefined): bigint | null {
  return price === undefined ? null : priceToNano(price);
}

/** Exact cost of a generation in nano-USD, from the prices of the endpoint that served it. */
export function computeCostNano(listed: PriceTable, u: UsageForCost): CostBreakdown {
  const pricing = pricesFor(listed, u.promptTokens);
  const prompt = priceToNano(pricing.prompt);
  const completion = priceToNano(pricing.completion);
  const cacheRead = opt(pricing.input_cache_read) ?? prompt;
  const reasoningPrice = opt(pricing.internal_reasoning) ?? completion;
  const cached = BigInt(Math.min(u.cachedTokens ?? 0, u.promptTokens));
  const reasoning = BigInt(Math.min(u.reasoningTokens ?? 0, u.completionTokens));
  const promptNano = (BigInt(u.promptTokens) - cached) * prompt + cached * cacheRead;
  const completionNano = (BigInt(u.completionTokens) - reasoning) * completion + reasoning * reasoningPrice;
  const requestNano = opt(pricing.request) ?? 0n;
  const imageNano = BigInt(u.inputImages ?? 0) * (opt(pricing.image) ?? 0n) + BigInt(u.outputImages ?? 0) * (opt(pricing.image_output) ?? 0n);
  let webSearchNano = 0n;
  let pluginFeeNano = 0n;
  if (u.webSearch) {
    if (u.webSearch.engine === "native") {
      webSearchNano = opt(pricing.web_search) ?? 0n;
    } else {
      webSearchNano = BigInt(u.webSearch.results) * priceToNano(WEB_PLUGIN_PRICE_PER_RESULT);
      pluginFeeNano = webSearchNano;
    }
  }
  const totalNano = promptNano + completionNano + requestNano + imageNano + webSearchNano;
  return {
    totalNano,
    promptNano,
    completionNano,
    requestNano,
    imageNano,
    webSearchNano,
    upstreamNano: totalNano - pluginFeeNano,
    cacheDiscountNano: cached * (prompt - cacheRead),
  };
}
