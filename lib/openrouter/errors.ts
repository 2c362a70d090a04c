import "server-only";
import { APICallError } from "ai";
import { z } from "zod";
import { AppError } from "@/lib/errors";

// OpenRouter's failures, turned into our typed errors with sentences a user understands.

const upstreamErrorBody = z.object({
  error: z.object({
    code: z.union([z.number(), z.string()]).optional(),
    message: z.string().optional(),
    metadata: z.record(z.string(), z.unknown()).nullish(),
  }),
});

function parseBody(text: string | undefined) {
  if (!text) return undefined;
  try {
    const parsed = upstreamErrorBody.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data.error : undefined;
  } catch {
    return undefined;
  }
}

function retryAfterSeconds(headers: Record<string, string> | undefined): number | undefined {
  const value = headers?.["retry-after"] ?? headers?.["Retry-After"];
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(1, Math.ceil(seconds));
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(1, Math.ceil((date - Date.now()) / 1000)) : undefined;
}

export function mapUpstreamError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const apiError = findApiCallError(error);
  if (apiError) return fromStatus(apiError.statusCode, parseBody(apiError.responseBody), apiError.responseHeaders);
  if (error && typeof error === "object") {
    const e = error as { name?: unknown; message?: unknown; code?: unknown };
    if (e.name === "AbortError" || e.name === "TimeoutError" || (typeof e.message === "string" && /timed? ?out/i.test(e.message))) {
      return new AppError("timeout:upstream", "The model stopped sending and the answer timed out. Try again.");
    }
    if (typeof e.message === "string" && e.message) {
      // Mid-stream error chunks arrive as plain objects or provider errors carrying the upstream message.
      return new AppError("upstream:stream", `The model failed while answering: ${truncate(e.message)}`);
    }
  }
  return new AppError("upstream:unknown", "The model provider failed to answer. Try again.");
}

function findApiCallError(error: unknown): APICallError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    if (APICallError.isInstance(current)) return current;
    const next = current as { lastError?: unknown; cause?: unknown; errors?: unknown[] };
    current = next.lastError ?? next.cause ?? (Array.isArray(next.errors) ? next.errors.at(-1) : undefined);
  }
  return undefined;
}

function fromStatus(status: number | undefined, body: ReturnType<typeof parseBody>, headers: Record<string, string> | undefined): AppError {
  const upstreamMessage = body?.message ? truncate(body.message) : undefined;
  const metadata = body?.metadata ?? undefined;
  switch (status) {
    case 400:
      // "'models' array must have 3 items or fewer." (error-400-models-too-many.message.txt): the
      // app sends at most 3, so this means a fallback list got past that; say what to change.
      if (upstreamMessage && /'models' array must have \d+ items or fewer/i.test(upstreamMessage)) {
        return new AppError(
          "bad_request:upstream_fallbacks",
          "OpenRouter accepts at most 3 fallback models per request. Remove a fallback model in the conversation's routing settings and send again.",
          { details: { upstream: upstreamMessage } },
        );
      }
      return new AppError("bad_request:upstream", `OpenRouter refused the request: ${upstreamMessage ?? "bad request"}.`);
    case 401:
      return new AppError("upstream:auth", "OpenRouter rejected the server's API key. An administrator needs to check OPENROUTER_API_KEY.");
    case 402:
      return paymentError(upstreamMessage);
    case 403: {
      const reasons = Array.isArray(metadata?.reasons) ? (metadata.reasons as unknown[]).map(String).join(", ") : undefined;
      return new AppError(
        "forbidden:moderation",
        `The message was refused by moderation${reasons ? ` (${reasons})` : ""}. Rephrase it and try again.`,
        { details: reasons ? { reasons } : undefined },
      );
    }
    case 404:
      return routingError(upstreamMessage);
    case 408:
      return new AppError("timeout:upstream", "The model took too long to start answering. Try again.");
    case 429: {
      const retryAfter = retryAfterSeconds(headers);
      return new AppError(
        "rate_limited:upstream",
        `The model is rate limited right now.${retryAfter ? ` Retry after ${retryAfter} s.` : " Try again shortly."}`,
        { retryAfter },
      );
    }
    case 502: {
      const provider = typeof metadata?.provider_name === "string" ? metadata.provider_name : undefined;
      return new AppError(
        "upstream:provider",
        `The model's provider${provider ? ` (${provider})` : ""} returned an error. Try again or pick another model.`,
      );
    }
    case 503:
      return new AppError("unavailable:upstream", "No provider is available for this model right now. Try again later or pick another model.");
    default:
      return new AppError(
        "upstream:unknown",
        `OpenRouter answered with an error${status ? ` (${status})` : ""}${upstreamMessage ? `: ${upstreamMessage}` : ""}.`,
      );
  }
}

/**
 * 402 is mostly OpenRouter's affordability pre-check, not an empty account: "This request requires
 * more credits, or fewer max_tokens. You requested up to N tokens, but can only afford M…"
 * (error-402-affordability-*.json), or the key's own limit ("…create a key with a higher monthly
 * limit", error-402-key-limit-free-model.message.txt), which hits `:free` models too.
 */
function paymentError(upstreamMessage: string | undefined): AppError {
  const afford = upstreamMessage ? /requested up to (\d+) tokens, but can only afford (\d+)/i.exec(upstreamMessage) : null;
  if (afford) {
    const [requested, affordable] = [Number(afford[1]), Number(afford[2])];
    const keyLimit = /higher monthly limit|settings\/keys/i.test(upstreamMessage ?? "");
    const why = keyLimit ? "the server's OpenRouter key is near its spending limit" : "the OpenRouter account's credits are running low";
    const fix =
      affordable > 0
        ? ` Lower the conversation's maximum output tokens below ${affordable}, or ask an administrator to ${keyLimit ? "raise the key's limit" : "add credits"}.`
        : ` An administrator needs to ${keyLimit ? "raise the key's limit" : "add credits"}.`;
    return new AppError(
      "upstream:affordability",
      `OpenRouter refused this answer in advance: it could be up to ${requested} tokens long, but ${why} (enough for ${affordable}).${fix}`,
      { details: { requestedTokens: requested, affordableTokens: affordable, keyLimit } },
    );
  }
  return new AppError("upstream:credits", "The OpenRouter account has run out of credits. An administrator needs to add credits.");
}

/** Provider preferences as a person names them, by OpenRouter's field name. */
export const PREFERENCE_LABELS: Record<string, string> = {
  order: "preferred provider order",
  only: "allowed providers",
  ignore: "ignored providers",
  allow_fallbacks: "no fallbacks to other providers",
  data_collection: "deny data collection",
  zdr: "zero data retention only",
  max_price: "maximum price",
  quantizations: "quantizations",
  require_parameters: "providers that support every parameter",
  sort: "sort order",
};

/**
 * 404 from the chat endpoint: no endpoint can serve the request. When OpenRouter names the
 * provider preference that ruled every endpoint out (`provider.max_price: …`), the error names it
 * too (`details.preference`), so the person knows which setting to relax.
 */
function routingError(upstreamMessage: string | undefined): AppError {
  const named = upstreamMessage ? /provider\.([a-z_]+)/.exec(upstreamMessage)?.[1] : undefined;
  if (named && PREFERENCE_LABELS[named]) {
    const preference = /allow_fallbacks: false/.test(upstreamMessage ?? "") && named === "order" ? "allow_fallbacks" : named;
    return new AppError(
      "unavailable:routing_preference",
      `No provider of this model meets your routing preference “${PREFERENCE_LABELS[preference]}” (provider.${preference}). Relax it in the conversation's routing settings or pick another model.`,
      { details: { preference, upstream: upstreamMessage } },
    );
  }
  if (upstreamMessage && /image input/i.test(upstreamMessage)) {
    return new AppError("bad_request:attachment_unsupported", "This model cannot read images. Pick a model that can, or remove the image.");
  }
  return new AppError("unavailable:routing", `No provider can serve this request: ${upstreamMessage ?? "no endpoint matches"}.`);
}

function truncate(text: string): string {
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
