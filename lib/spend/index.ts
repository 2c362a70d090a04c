import "server-only";

// The spend module's public surface. The settlement loop starts lazily, once per process,
// from instrumentation.ts and from the first reservation or spend query (ensureSettlementLoop).

export {
  estimatePromptTokens,
  inputCostNano,
  releaseReservation,
  reserveBudget,
  worstCaseCostNano,
} from "./budget";
export { ensureSettlementLoop, settleDueGenerations, startSettlementLoop } from "./settlement";
