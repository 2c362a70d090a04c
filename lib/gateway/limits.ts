import "server-only";
import type { ApiCaller } from "@/lib/api-keys/authenticate";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { counters, hit } from "@/lib/rate-limit";

// Per-key rate limits, in the shared counters (Redis when configured, so a limit holds across
// instances): requests per minute, counted as a call is admitted, and tokens per minute, refused
// once the window's tokens have reached the limit and counted when a call's real usage is known.

const WINDOW_MS = 60_000;

const requestsKey = (keyId: string) => `api:rpm:${keyId}`;
const tokensKey = (keyId: string) => `api:tpm:${keyId}`;

function limitsOf(caller: ApiCaller): { requests: number; tokens: number } {
  const env = getEnv();
  return {
    requests: caller.key.requestsPerMinute ?? env.SWITCHBOARD_API_REQUESTS_PER_MINUTE,
    tokens: caller.key.tokensPerMinute ?? env.SWITCHBOARD_API_TOKENS_PER_MINUTE,
  };
}

/** Counts the call against the key's requests per minute, and refuses it while its tokens per minute are spent. */
export async function admitApiCall(caller: ApiCaller): Promise<void> {
  const limits = limitsOf(caller);
  const window = await counters().peek(tokensKey(caller.key.id));
  if (window && window.count >= limits.tokens) {
    const retryAfter = Math.max(1, Math.ceil((window.resetAt - Date.now()) / 1000));
    throw new AppError("rate_limited:api_tokens", `This key has used its ${limits.tokens} tokens for this minute. Try again in ${retryAfter} s.`, {
      retryAfter,
    });
  }
  const requests = await hit(requestsKey(caller.key.id), limits.requests, WINDOW_MS);
  if (!requests.allowed) {
    throw new AppError(
      "rate_limited:api_requests",
      `This key may make ${limits.requests} requests a minute. Try again in ${requests.retryAfterSeconds} s.`,
      { retryAfter: requests.retryAfterSeconds },
    );
  }
}

/** Adds a finished call's tokens (prompt and completion) to the key's window. */
export async function countApiTokens(keyId: string, tokens: number): Promise<void> {
  if (tokens <= 0) return;
  await counters().increment(tokensKey(keyId), WINDOW_MS, Math.ceil(tokens));
}
