import "server-only";
import { APICallError, StreamProviderError } from "ai";
import { z } from "zod";
import { AppError } from "@/lib/errors";

// OpenRouter's failures, turned into our typed errors with sentences a user understands. The shapes
// read here are the recorded ones (tests/fixtures/openrouter-recorded/, README points 7, 8, 15–18):
// `{error: {message, code, metadata}}` bodies, the newer `error.availability` object (with
// `error_type` and `http_status` instead of `code`), and in-band `{code, message, metadata?}` errors
// of a stream. Over 300 lines because every failure OpenRouter answers with is read and worded here,
// in one mapping (the one place a code and its sentence are chosen), rather than scattered by status.

const availabilitySchema = z.object({
  code: z.string(),
  retryable: z.boolean().nullish(),
  retry_after: z.number().nullish(),
  requested_models: z.array(z.string()).nullish(),
  affected_providers: z.array(z.string()).nullish(),
  excluded_by: z.array(z.string()).nullish(),
  fallback_models: z.array(z.string()).nullish(),
  constraint: z.unknown().optional(),
});

const upstreamErrorSchema = z.object({
  code: z.union([z.number(), z.string()]).nullish(),
  message: z.string().nullish(),
  error_type: z.string().nullish(),
  http_status: z.number().nullish(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
  availability: availabilitySchema.nullish(),
});

type UpstreamError = z.infer<typeof upstreamErrorSchema>;

/**
 * What the app itself sent that can explain a refusal: OpenRouter's 404s name the providers or the
 * data policy at most, never which of our preferences ruled every endpoint out, so the mapping
 * reads the request's own `provider` object beside the body.
 */
export type UpstreamRequestContext = {
  /** The `provider` object as sent, in OpenRouter's field names (lib/openrouter/request-options.ts). */
  provider?: {
    order?: string[];
    ignore?: string[];
    only?: string[];
    allow_fallbacks?: boolean;
    data_collection?: string;
    zdr?: boolean;
    max_price?: Record<string, unknown>;
    quantizations?: string[];
    require_parameters?: boolean;
  } | null;
  /** Whether the request offered tools. */
  tools?: boolean;
};

function parseBody(value: unknown): UpstreamError | undefined {
  if (typeof value === "string") {
    if (!value) return undefined;
    try {
      return parseBody(JSON.parse(value));
    } catch {
      return undefined;
    }
  }
  if (!value || typeof value !== "object") return undefined;
  const inner = "error" in value ? (value as { error: unknown }).error : value;
  const parsed = upstreamErrorSchema.safeParse(inner);
  return parsed.success ? parsed.data : undefined;
}

function header(headers: Record<string, string> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

function retryAfterSeconds(headers: Record<string, string> | undefined): number | undefined {
  const value = header(headers, "retry-after");
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(1, Math.ceil(seconds));
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(1, Math.ceil((date - Date.now()) / 1000)) : undefined;
}

export function mapUpstreamError(error: unknown, request: UpstreamRequestContext = {}): AppError {
  if (error instanceof AppError) return error;
  const apiError = findApiCallError(error);
  if (apiError) {
    const body = parseBody(apiError.responseBody) ?? parseBody(apiError.data);
    // A 200 whose body is an error (the provider throws those as APICallError too): the body's code says what failed.
    const status = apiError.statusCode === 200 || apiError.statusCode === undefined ? codeOf(body) : apiError.statusCode;
    return fromStatus(status, body, apiError.responseHeaders, request);
  }
  // An in-band error: the AI SDK wraps the chunk's `error` in a StreamProviderError (its payload in `data`).
  if (StreamProviderError.isInstance(error)) {
    return inBandError(parseBody(error.data) ?? { code: error.statusCode ?? error.code, message: error.message }, request);
  }
  if (error && typeof error === "object") {
    const e = error as { name?: unknown; message?: unknown; code?: unknown };
    if (e.name === "AbortError" || e.name === "TimeoutError" || (typeof e.message === "string" && /timed? ?out/i.test(e.message))) {
      return new AppError("timeout:upstream", "The model stopped sending and the answer timed out. Try again.");
    }
    if (!(error instanceof Error) && typeof e.code === "number") return inBandError(parseBody(error), request);
    if (typeof e.message === "string" && e.message) {
      // Mid-stream error chunks arrive as plain objects or provider errors carrying the upstream message.
      return new AppError("upstream:stream", `The model failed while answering: ${truncate(e.message)}`);
    }
  }
  return new AppError("upstream:unknown", "The model provider failed to answer. Try again.");
}

function codeOf(body: UpstreamError | undefined): number | undefined {
  if (typeof body?.code === "number") return body.code;
  return body?.http_status ?? undefined;
}

/**
 * An error inside a stream that had already begun (a chunk with a top-level `error`): recorded with
 * code 400 "Token limit reached" after a `length` finish (stream-keepalives-reasoning-midstream-error-minimax-m2-free.sse),
 * documented with 429 (stream-midstream-error-429.doc.sse) and 502 (`provider_unavailable`).
 */
function inBandError(body: UpstreamError | undefined, request: UpstreamRequestContext): AppError {
  const code = codeOf(body);
  const message = body?.message ? truncate(body.message) : "";
  if (code === 400 && /token limit/i.test(message)) {
    return new AppError(
      "bad_request:token_limit",
      "The answer reached the model's token limit and was cut off. Raise the maximum output tokens in the conversation's settings, or ask for a shorter answer.",
      { details: { upstream: message } },
    );
  }
  if (code === 429 || code === 402 || code === 401 || code === 403 || code === 408) return fromStatus(code, body, undefined, request);
  return new AppError("upstream:stream", `The model failed while answering${message ? `: ${message}` : "."}`, {
    details: code ? { upstreamCode: code } : undefined,
  });
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

function fromStatus(
  status: number | undefined,
  body: UpstreamError | undefined,
  headers: Record<string, string> | undefined,
  request: UpstreamRequestContext,
): AppError {
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
      return routingError(body, request);
    case 408:
      return new AppError("timeout:upstream", "The model took too long to start answering. Try again.");
    case 429:
      return rateLimitError(body, headers);
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

// ---- 429

/** The next UTC midnight, when OpenRouter's daily free-model allowance starts over. */
export function nextUtcMidnight(now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
}

/**
 * Three 429s, told apart by their bodies: OpenRouter's own daily cap on free models
 * (error-429-free-models-per-day.partial.txt), all providers at capacity (`availability.code:
 * capacity_exhausted`, error-429-availability-capacity-exhausted.doc.json), and a provider's own
 * limit relayed as "Provider returned error" (error-429-provider-rate-limited-upstream-gemini-free.json).
 */
function rateLimitError(body: UpstreamError | undefined, headers: Record<string, string> | undefined): AppError {
  const message = body?.message ?? "";
  const metadata = body?.metadata ?? {};
  const availability = body?.availability;
  if (availability?.code === "capacity_exhausted") {
    const retryAfter = availability.retry_after ?? retryAfterSeconds(headers);
    const fallbacks = availability.fallback_models ?? [];
    return new AppError(
      "rate_limited:capacity",
      `Every provider of this model is at capacity right now.${retryAfter ? ` Retry in ${retryAfter} s` : " Retry shortly"}${
        fallbacks.length > 0 ? `, or pick another model such as ${fallbacks.slice(0, 3).join(", ")}.` : " or pick another model."
      }`,
      { retryAfter, details: { providers: availability.affected_providers ?? [], fallbackModels: fallbacks } },
    );
  }
  if (/free-models-per-day/i.test(message)) {
    const mirrored = metadata.headers && typeof metadata.headers === "object" ? (metadata.headers as Record<string, unknown>) : {};
    const resetMs = Number(header(headers, "x-ratelimit-reset") ?? mirrored["X-RateLimit-Reset"]);
    const resetsAt = Number.isFinite(resetMs) && resetMs > Date.now() ? new Date(resetMs) : nextUtcMidnight();
    const limit = Number(header(headers, "x-ratelimit-limit") ?? mirrored["X-RateLimit-Limit"]);
    return new AppError(
      "rate_limited:free_daily",
      `The free-model requests for today are used up. They are the whole Switchboard deployment's: everyone here shares one OpenRouter key${
        Number.isFinite(limit) && limit > 0 ? `, allowed ${limit} free requests a day` : ""
      }. The quota resets at midnight UTC (${resetsAt.toISOString()}). Until then pick a paid model; an administrator can add credits on OpenRouter to raise the quota.`,
      { details: { resetsAt: resetsAt.toISOString(), ...(Number.isFinite(limit) && limit > 0 ? { limit } : {}) } },
    );
  }
  const retryAfter = retryAfterSeconds(headers);
  const provider = typeof metadata.provider_name === "string" && metadata.provider_name ? metadata.provider_name : undefined;
  return new AppError(
    "rate_limited:upstream",
    `${provider ? `The provider ${provider} is` : "The model's provider is"} rate-limiting this model upstream (a limit of the provider, not of Switchboard). ${
      retryAfter ? `Retry after ${retryAfter} s` : "Retry shortly"
    } or pick another model.`,
    { retryAfter, details: provider ? { provider } : undefined },
  );
}

// ---- 404: no endpoint can serve the request

/** Provider names as OpenRouter's lowercase slugs (`Google AI Studio` → `google-ai-studio`). */
function slug(name: string): string {
  return name.trim().toLowerCase().replace(/\s+/g, "-");
}

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : undefined;
}

function list(names: readonly string[]): string {
  return names.join(", ");
}

const ROUTING_SETTINGS = "the conversation's routing settings";

/**
 * A routing 404, with the preference that ruled every provider out, found from the body (the
 * recorded texts, `available_providers`/`requested_providers`, `availability.excluded_by`) and from
 * the request's own `provider` object. A preference the person set (`details.preference`: `ignore`,
 * `order`, `zdr`, `data_collection`, `max_price`) is theirs to relax; a restriction of the
 * deployment's OpenRouter account (`account_providers`, `account_data_policy`) is an administrator's.
 */
function routingError(body: UpstreamError | undefined, request: UpstreamRequestContext): AppError {
  const message = body?.message ?? "";
  const upstream = message ? truncate(message) : undefined;
  const provider: NonNullable<UpstreamRequestContext["provider"]> = request.provider ?? {};
  const availability = body?.availability ?? undefined;
  const metadata = body?.metadata ?? {};
  const available = stringList(metadata.available_providers) ?? availability?.affected_providers ?? undefined;
  const requested = stringList(metadata.requested_providers);
  const servedBy = available && available.length > 0 ? ` (it is served by ${list(available)})` : "";
  const preferenceError = (preference: string, text: string, extra: Record<string, unknown> = {}) =>
    new AppError("unavailable:routing_preference", text, { details: { preference, upstream, ...extra } });
  const accountError = (preference: string, text: string, extra: Record<string, unknown> = {}) =>
    new AppError("unavailable:routing_account", text, { details: { preference, upstream, ...extra } });
  const fallbacksOff = provider.allow_fallbacks === false && (provider.order?.length ?? 0) > 0;

  if (/support tool use/i.test(message)) {
    const narrowed = (provider.ignore?.length ?? 0) > 0 || fallbacksOff || (provider.only?.length ?? 0) > 0;
    return new AppError(
      "unavailable:routing_tools",
      `Tool use is not supported by any provider of this model${narrowed ? " that your routing settings allow" : ""}, and Switchboard sends its tools with every message to it. Pick another model${
        narrowed ? ` or relax ${ROUTING_SETTINGS}` : ""
      }.`,
      { details: { preference: "tools", upstream } },
    );
  }
  if (/image input/i.test(message)) {
    return new AppError("bad_request:attachment_unsupported", "This model cannot read images. Pick a model that can, or remove the image.");
  }

  const excludedBy = availability?.excluded_by ?? [];
  if (availability?.code === "privacy_restricted" || /data policy/i.test(message)) {
    const zdrExcluded = excludedBy.some((x) => /zdr/i.test(x)) || /zero data retention/i.test(message);
    if (provider.zdr === true && (zdrExcluded || provider.data_collection !== "deny")) {
      return preferenceError(
        "zdr",
        `No provider of this model offers zero-data-retention, which your routing settings require${servedBy}. Turn off “zero data retention only” in ${ROUTING_SETTINGS} or pick another model.`,
      );
    }
    if (provider.data_collection === "deny") {
      return preferenceError(
        "data_collection",
        `Every provider of this model may keep or train on prompts, and your routing settings say data collection: deny${servedBy}. Allow data collection in ${ROUTING_SETTINGS} or pick another model.`,
      );
    }
    const policy = /data policy \(([^)]+)\)/i.exec(message)?.[1] ?? (excludedBy.length > 0 ? list(excludedBy) : undefined);
    return accountError(
      "account_data_policy",
      `The data policy of this deployment's OpenRouter account${policy ? ` (${policy})` : ""} rules out every provider of this model. Pick another model; an administrator can change the policy in OpenRouter's privacy settings.`,
      policy ? { policy } : {},
    );
  }

  if (/no allowed providers/i.test(message)) {
    const ignored = provider.ignore ?? [];
    const ignoredSlugs = new Set(ignored.map(slug));
    const everyIgnored = available !== undefined && available.length > 0 && available.every((p) => ignoredSlugs.has(slug(p)));
    if (ignored.length > 0 && (everyIgnored || available === undefined || !fallbacksOff)) {
      return preferenceError(
        "ignore",
        `Your ignored providers (${list(ignored)}) leave no provider for this model${servedBy}. Remove one of them from the ignored providers in ${ROUTING_SETTINGS}, or pick another model.`,
        { ignored, available: available ?? [] },
      );
    }
    const listed = provider.only?.length ? provider.only : fallbacksOff ? (provider.order ?? []) : [];
    if (listed.length > 0) {
      return preferenceError(
        "order",
        `None of the providers in your provider list (${list(listed)}) serves this model, and fallbacks to other providers are off${servedBy}. Add one of its providers to the list or allow fallbacks in ${ROUTING_SETTINGS}, or pick another model.`,
        { requested: listed, available: available ?? [] },
      );
    }
    return accountError(
      "account_providers",
      `The allowed providers of this deployment's OpenRouter account${requested && requested.length > 0 ? ` (${list(requested)})` : ""} include none of this model's providers${servedBy}. Pick another model; an administrator can allow more providers in OpenRouter's settings.`,
      { requested: requested ?? [], available: available ?? [] },
    );
  }

  // "No endpoints found for <model>." names no reason: the preferences we sent are the candidates.
  if (provider.max_price && Object.keys(provider.max_price).length > 0) {
    return preferenceError(
      "max_price",
      `No provider of this model is within your maximum price. Raise or clear the maximum price in ${ROUTING_SETTINGS}, or pick another model.`,
    );
  }
  if (fallbacksOff) {
    return preferenceError(
      "order",
      `No provider in your provider list (${list(provider.order ?? [])}) can serve this model now, and fallbacks to other providers are off. Allow fallbacks in ${ROUTING_SETTINGS} or pick another model.`,
      { requested: provider.order ?? [] },
    );
  }
  // An availability code or constraint we have no words for yet still reaches the API's details.
  const reason = availability
    ? { availability: availability.code, ...(availability.constraint !== undefined ? { constraint: availability.constraint } : {}) }
    : {};
  return new AppError(
    "unavailable:routing",
    `No provider can serve this request right now: ${upstream ?? "no endpoint matches"}. Try again later or pick another model.`,
    { details: upstream || availability ? { ...(upstream ? { upstream } : {}), ...reason } : undefined },
  );
}

function truncate(text: string): string {
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
