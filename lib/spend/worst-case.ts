import "server-only";
import type { ModelSummary } from "@/lib/openrouter/types";
import { boundedCostNano, worstCaseCostNano } from "./budget";

// The most one answer can cost, for its budget reservation, from what the chat chose for it.

/** Exa's web plugin: USD 0.004 per result (OpenRouter's price), as nano-USD. */
const WEB_RESULT_NANO = 4_000_000n;

/** What of an answer's upstream choices bears on its price. */
export type PricedChoices = { fallbacks: readonly ModelSummary[]; webSearch: { maxResults: number } | null };

/**
 * The dearest of the model and its fallbacks, plus the web search. A model without a fixed
 * price (the auto router) may pick any model, so it counts as the dearest fixed-price model of
 * the catalog: the budget must hold whatever it picks.
 */
export function worstCaseForChoices(
  model: ModelSummary,
  choices: PricedChoices,
  promptTokens: number,
  maxTokens: number | null | undefined,
  catalog: readonly ModelSummary[],
): bigint {
  const costOf = (m: ModelSummary) => worstCaseCostNano(m, promptTokens, maxTokens);
  let worst = 0n;
  for (const m of [model, ...choices.fallbacks]) {
    const cost = boundedCostNano(m, catalog, costOf);
    if (cost > worst) worst = cost;
  }
  if (choices.webSearch) worst += WEB_RESULT_NANO * BigInt(choices.webSearch.maxResults);
  return worst;
}
