/**
 * The bodies of the `error status=S` directive: OpenRouter's own messages and metadata for the
 * statuses it documents (400, 401, 402, 403, 408, 429, 502, 503), a generic one for the rest.
 *
 * 429 comes in the three kinds recorded or documented (`kind=`):
 * - `free-daily` (default on `:free` models): OpenRouter's own daily cap on free models,
 *   "Rate limit exceeded: free-models-per-day. …" with `X-RateLimit-Limit/Remaining/Reset` headers
 *   mirrored as strings in `metadata.headers`, Reset = the next UTC midnight in ms, and no
 *   `Retry-After` (error-429-free-models-per-day.partial.txt; the quote ends after Remaining, so that
 *   the response carries `X-RateLimit-Limit/Remaining/Reset` and that the day is the UTC day follow
 *   OpenRouterTeam/docs api_reference/limits.mdx, "Handling 429 errors" and `free_model_daily_requests`);
 * - `provider` (default elsewhere): "Provider returned error" with `metadata.provider_name`, a `raw`
 *   string (`raw=object`: an object, as provider errors also carry, github.com/cline/cline/issues/5449),
 *   a top-level `user_id` and no `Retry-After` (error-429-provider-rate-limited-upstream-gemini-free.json
 *   and its headers);
 * - `capacity`: the availability body, code `capacity_exhausted` with `retry_after`
 *   (error-429-availability-capacity-exhausted.doc.json).
 * `retry=SEC` adds a `Retry-After` header to any of them: OpenRouter sends one "when every attempted
 * provider returned a retry hint" (api_reference/limits.mdx) and "may include" one on 429 and 503
 * (api_reference/errors-and-debugging.mdx, "Retry-After header").
 */
import type { CatalogEndpoint, CatalogModel } from "./catalog";
import type { Directive } from "./directive";
import { availabilityErrorBody, errorBody, nextUtcMidnightMs, userIdFor } from "./wire";

/** The daily allowance of free-model requests of an account without credits (error-429-free-models-per-day.partial.txt). */
export const FREE_MODELS_PER_DAY = 50;

type Json = Record<string, unknown>;

export function scriptedErrorBody(
  d: Directive,
  status: number,
  model: CatalogModel,
  endpoint: CatalogEndpoint,
  promptText: string,
  keyHash: string,
): { body: Json; headers: Record<string, string> } {
  const provider = endpoint.providerName;
  const headers: Record<string, string> = {};
  const retry = d.params.retry !== undefined && Number.isFinite(Number(d.params.retry)) ? Math.min(3600, Math.max(0, Number(d.params.retry))) : null;
  if (retry !== null && (status === 429 || status === 503)) headers["retry-after"] = String(retry);
  const msg = d.params.message;
  let body: Json;
  switch (status) {
    case 400:
      body = errorBody(400, msg ?? "Invalid request parameters");
      break;
    case 401:
      body = errorBody(401, msg ?? "User not found.");
      break;
    case 402:
      body = errorBody(402, msg ?? "Insufficient credits. Add more using https://openrouter.ai/credits");
      break;
    case 403: {
      const reason = d.params.reason ?? "harassment";
      const flagged = promptText.length > 100 ? `${promptText.slice(0, 100)}...` : promptText;
      body = errorBody(
        403,
        msg ?? `${model.name} requires moderation on ${provider}. Your input was flagged for "${reason}". No credits were charged.`,
        {
          reasons: [reason],
          flagged_input: flagged,
          provider_name: provider,
          model_slug: model.id,
        },
      );
      break;
    }
    case 408:
      body = errorBody(408, msg ?? "Operation timed out. Please try again later.");
      break;
    case 429: {
      const kind = d.params.kind ?? (model.id.endsWith(":free") ? "free-daily" : "provider");
      if (kind === "free-daily") {
        const limits = {
          "X-RateLimit-Limit": String(FREE_MODELS_PER_DAY),
          "X-RateLimit-Remaining": "0",
          "X-RateLimit-Reset": String(nextUtcMidnightMs()),
        };
        Object.assign(headers, limits);
        body = errorBody(429, msg ?? "Rate limit exceeded: free-models-per-day. Add 10 credits to unlock 1000 free model requests per day", {
          headers: limits,
        });
      } else if (kind === "capacity") {
        const retryAfter = retry ?? 40;
        body = availabilityErrorBody(
          429,
          "rate_limit_exceeded",
          msg ?? `All providers for ${model.id} are at capacity. Retry after ${retryAfter} seconds.`,
          {
            code: "capacity_exhausted",
            retryable: true,
            retry_after: retryAfter,
            requested_models: [model.id],
            affected_providers: Array.from(new Set(model.endpoints.map((e) => e.slug))),
            fallback_models: [],
            docs_url: "https://openrouter.ai/docs/errors#capacity_exhausted",
          },
          { previous_errors: model.endpoints.map((e) => ({ provider: e.slug, code: "capacity_exhausted", status: 429 })) },
        );
      } else {
        const text = `${model.id} is temporarily rate-limited upstream. Please retry shortly, or add your own key to accumulate your rate limits: https://openrouter.ai/settings/integrations`;
        const raw = d.params.raw === "object" ? { error: { message: text, code: 429, status: "RESOURCE_EXHAUSTED" } } : text;
        body = errorBody(429, msg ?? "Provider returned error", { provider_name: provider, raw }, userIdFor(keyHash));
      }
      break;
    }
    case 502:
      body = errorBody(502, msg ?? "Provider returned error", {
        provider_name: provider,
        raw: JSON.stringify({ error: { message: "upstream connect error or disconnect/reset before headers", type: "server_error", code: 502 } }),
      });
      break;
    case 503:
      body = errorBody(503, msg ?? "No instances available for this model. Please try again later.");
      break;
    default:
      body = errorBody(status, msg ?? (status >= 500 ? "Internal Server Error" : "Request failed"));
  }
  return { body, headers };
}
