import "server-only";

// The spend module's public surface. The settlement loop starts once per process, when the
// server starts (instrumentation.ts → lib/instance.ts), never as a side effect of a query.

export { estimatePromptTokens, inputCostNano, releaseReservation, reserveBudget, worstCaseCostNano } from "./budget";
export { ensureSettlementLoop, settleDueGenerations, startSettlementLoop } from "./settlement";
