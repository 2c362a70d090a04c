/**
 * The local OpenRouter's public API, for tests and tools elsewhere in the repo.
 * The app itself never imports this: it reaches the server only over HTTP (see README.md).
 */
import { getModel } from "./catalog";
import { computeCostNano, type CostBreakdown, type WebSearchCharge } from "./cost";
import { countInputImages, countPromptTokens, type PromptLike } from "./tokenizer";

export { startLocalOpenRouter } from "./server";
export type { GenerationData, GenerationRecord, LocalOpenRouter, LocalOpenRouterOptions, RequestLogEntry } from "./types";
export { AUTO_MODEL_ID, CATALOG, getModel, type CatalogEndpoint, type CatalogModel } from "./catalog";
export {
  computeCostNano,
  nanoToUsd,
  priceToNano,
  usdToNano,
  WEB_PLUGIN_PRICE_PER_RESULT,
  type CostBreakdown,
  type PriceTable,
  type UsageForCost,
  type WebSearchCharge,
} from "./cost";
export { countPromptTokens, countTokens, tokenize } from "./tokenizer";
export { directive, parseDirective, type Directive } from "./directive";

/**
 * The exact cost (nano-USD) the server bills for `request` (a chat request body, e.g. from the
 * request log) when `modelId` was served by `provider` (default: the model's first endpoint) and
 * produced `completionTokens` (of which `reasoningTokens` were reasoning).
 */
export function expectedCostNano(
  request: PromptLike,
  opts: {
    modelId: string;
    provider?: string;
    completionTokens: number;
    reasoningTokens?: number;
    cachedTokens?: number;
    outputImages?: number;
    webSearch?: WebSearchCharge | null;
  },
): CostBreakdown {
  const m = getModel(opts.modelId);
  if (!m) throw new Error(`unknown model ${opts.modelId}`);
  const e = opts.provider ? m.endpoints.find((x) => x.providerName === opts.provider) : m.endpoints[0];
  if (!e) throw new Error(`${opts.modelId} has no endpoint ${opts.provider ?? "(default)"}`);
  return computeCostNano(e.pricing, {
    promptTokens: countPromptTokens(request),
    completionTokens: opts.completionTokens,
    reasoningTokens: opts.reasoningTokens,
    cachedTokens: opts.cachedTokens,
    inputImages: countInputImages(request),
    outputImages: opts.outputImages,
    webSearch: opts.webSearch,
  });
}
