/**
 * The bodies of the `error status=S` directive: OpenRouter's own messages and metadata for the
 * statuses it documents (400, 401, 402, 403, 408, 429, 502, 503), a generic one for the rest.
 */
import type { CatalogEndpoint, CatalogModel } from "./catalog";
import { type Directive, numParam } from "./directive";
import { errorBody } from "./wire";

type Json = Record<string, unknown>;

export function scriptedErrorBody(
  d: Directive,
  status: number,
  model: CatalogModel,
  endpoint: CatalogEndpoint,
  promptText: string,
): { body: Json; headers: Record<string, string> } {
  const retry = numParam(d, "retry", 1, 0, 3600);
  const provider = endpoint.providerName;
  const headers: Record<string, string> = {};
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
    case 429:
      headers["retry-after"] = String(retry);
      body = model.id.endsWith(":free")
        ? errorBody(429, msg ?? "Rate limit exceeded: free-models-per-min. ", {
            headers: { "X-RateLimit-Limit": "20", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": String(Date.now() + retry * 1000) },
          })
        : errorBody(429, msg ?? "Provider returned error", {
            provider_name: provider,
            raw: `${model.id} is temporarily rate-limited upstream. Please retry shortly, or add your own key to accumulate your rate limits: https://openrouter.ai/settings/integrations`,
          });
      break;
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
