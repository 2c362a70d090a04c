/**
 * OpenRouter's affordability pre-check: before a request is routed to a provider, the most it may
 * cost — the prompt plus `max_tokens` (or, when it is absent, the model's default maximum output) at
 * the endpoint's prices — is weighed against what the key may still spend, and a request that could
 * cost more is refused with 402 and nothing billed. Recorded:
 *   tests/fixtures/openrouter-recorded/error-402-affordability-65536-vs-10114.json (no max_tokens: the
 *   model's 65536), error-402-affordability-64000-vs-2666-grok-4.json (x-ai/grok-4's 64000),
 *   error-402-affordability-32000-vs-27342.json, and error-402-key-limit-free-model.message.txt (the
 *   key's own limit used up: "can only afford 0", on a `:free` model).
 * How OpenRouter computes "can only afford M" is not published; here M is what the remaining amount
 * buys at the completion price once the prompt and the per-request fee are paid (README, Known differences).
 */
import type { CatalogEndpoint } from "./catalog";
import { pricesFor, priceToNano, usdToNano } from "./cost";
import { keyUsage } from "./records";
import type { ChatRequest } from "./request";
import type { ServerState } from "./state";
import { randomId } from "./wire";

const CREDITS_ADVICE = "To increase, visit https://openrouter.ai/settings/credits and upgrade to a paid account";
const KEY_LIMIT_ADVICE = "To increase, visit https://openrouter.ai/settings/keys and create a key with a higher monthly limit";

/** What the key may still spend, and which limit binds; null when neither a key limit nor a credit balance is set. */
export function remaining(state: ServerState, keyHash: string): { nano: bigint; keyLimit: boolean } | null {
  const { keyLimitUsd, creditsUsd } = state.opts;
  let out: { nano: bigint; keyLimit: boolean } | null = null;
  if (keyLimitUsd != null) out = { nano: usdToNano(keyLimitUsd) - keyUsage(state, keyHash).total, keyLimit: true };
  if (creditsUsd != null) {
    let spent = 0n;
    for (const g of state.generations.values()) if (g.state === "done") spent += g.costNano;
    const credits = usdToNano(creditsUsd) - spent;
    if (out === null || credits < out.nano) out = { nano: credits, keyLimit: false };
  }
  return out;
}

/** The 402 body as recorded (key order included), or null when the request is affordable. */
export function affordabilityRefusal(
  state: ServerState,
  keyHash: string,
  chat: ChatRequest,
  endpoint: CatalogEndpoint,
  promptTokens: number,
): Record<string, unknown> | null {
  const left = remaining(state, keyHash);
  if (left === null) return null;
  const requested = chat.max_tokens ?? chat.max_completion_tokens ?? endpoint.maxCompletionTokens ?? endpoint.contextLength;
  const prices = pricesFor(endpoint.pricing, promptTokens);
  const perToken = priceToNano(prices.completion);
  const fixed = BigInt(promptTokens) * priceToNano(prices.prompt) + (prices.request === undefined ? 0n : priceToNano(prices.request));
  let affordable: bigint;
  if (left.nano <= 0n) affordable = 0n;
  else if (perToken <= 0n) return null;
  else affordable = left.nano > fixed ? (left.nano - fixed) / perToken : 0n;
  if (BigInt(requested) <= affordable) return null;
  return {
    error: {
      message: `This request requires more credits, or fewer max_tokens. You requested up to ${requested} tokens, but can only afford ${affordable}. ${left.keyLimit ? KEY_LIMIT_ADVICE : CREDITS_ADVICE}`,
      code: 402,
      metadata: { provider_name: null },
    },
    user_id: `user_${randomId(27)}`,
  };
}
