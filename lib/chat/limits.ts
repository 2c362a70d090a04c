// Limits the browser shows and the server enforces. Kept in a module of their own, free of zod,
// so importing one into a client component does not ship the request schemas with it.

/**
 * Fallback models a conversation's routing may name after its own. OpenRouter takes at most 3
 * entries in `models`, which carries the fallbacks only (lib/openrouter/request-options.ts).
 */
export const MAX_FALLBACK_MODELS = 3;
/** Models one compared prompt may go to. */
export const MAX_COMPARE_MODELS = 4;
