import "server-only";
import { z } from "zod";
import { AppError, type ErrorType } from "@/lib/errors";
import { log } from "@/lib/log";

// Every error of /api/v1 in OpenAI's shape, `{"error":{"message","type","code","param"}}`, which
// the official clients read (openai-node's APIError takes `error.message`, `code`, `param`, `type`
// and the status): our own AppErrors mapped here, in one table, and OpenRouter's errors relayed
// with OpenRouter's status and message (and its `metadata`, which OpenRouter-aware clients read).

export type OpenAiError = { error: { message: string; type: string; code: string | number | null; param: string | null; metadata?: unknown } };

const byType: Partial<Record<ErrorType, { type: string; code: string }>> = {
  bad_request: { type: "invalid_request_error", code: "invalid_request_error" },
  unauthorized: { type: "authentication_error", code: "invalid_api_key" },
  budget_exceeded: { type: "insufficient_quota", code: "insufficient_quota" },
  forbidden: { type: "permission_error", code: "permission_denied" },
  not_found: { type: "invalid_request_error", code: "not_found" },
  payload_too_large: { type: "invalid_request_error", code: "request_too_large" },
  unsupported_media: { type: "invalid_request_error", code: "unsupported_media_type" },
  rate_limited: { type: "rate_limit_error", code: "rate_limit_exceeded" },
  upstream: { type: "api_error", code: "upstream_error" },
  unavailable: { type: "api_error", code: "service_unavailable" },
  timeout: { type: "api_error", code: "timeout" },
};

/** OpenAI's names for an HTTP status, for errors that come from OpenRouter. */
function namesForStatus(status: number): { type: string; code: string } {
  if (status === 400 || status === 413 || status === 422) return byType.bad_request!;
  if (status === 401) return byType.unauthorized!;
  if (status === 402) return byType.budget_exceeded!;
  if (status === 403) return byType.forbidden!;
  if (status === 404) return byType.not_found!;
  if (status === 408 || status === 504) return byType.timeout!;
  if (status === 429) return byType.rate_limited!;
  if (status === 503) return byType.unavailable!;
  return byType.upstream!;
}

function errorJson(status: number, body: OpenAiError, retryAfter?: string | null): Response {
  const headers: Record<string, string> = { "content-type": "application/json", "cache-control": "no-store" };
  if (retryAfter) headers["retry-after"] = retryAfter;
  return new Response(JSON.stringify(body), { status, headers });
}

/** Any error thrown by a /api/v1 step as OpenAI's error response. Unexpected ones are a 500 without details. */
export function openAiErrorResponse(error: unknown): Response {
  if (error instanceof AppError) {
    const type = error.code.split(":")[0] as ErrorType;
    const names = byType[type] ?? { type: "api_error", code: "internal_error" };
    return errorJson(
      error.status,
      { error: { message: error.message, type: names.type, code: names.code, param: paramOf(error) } },
      error.retryAfter !== undefined ? String(error.retryAfter) : null,
    );
  }
  log().error({ error: error instanceof Error ? error.stack : String(error) }, "unexpected error in an API route");
  return errorJson(500, { error: { message: "Something went wrong on our side.", type: "api_error", code: "internal_error", param: null } });
}

/** The request field a validation error names ("messages.0.content"), as OpenAI's `param`. */
function paramOf(error: AppError): string | null {
  const issues = error.details?.issues;
  if (!Array.isArray(issues)) return null;
  const path = (issues[0] as { path?: unknown } | undefined)?.path;
  return Array.isArray(path) && path.length > 0 ? path.map(String).join(".") : null;
}

// OpenRouter's error body: `{"error":{"code":402,"message":"…","metadata":{…}},"user_id":"…"}`
// (tests/fixtures/openrouter-recorded/error-402-affordability-65536-vs-10114.json); availability
// errors carry `error_type` and `http_status` instead of `code`
// (error-429-availability-capacity-exhausted.doc.json).
const upstreamErrorBody = z.object({
  error: z.object({ message: z.string().optional(), metadata: z.unknown().optional() }).passthrough(),
});

/**
 * OpenRouter's error response in OpenAI's shape, with OpenRouter's status, message and metadata
 * (its `user_id`, the account's id upstream, is left out: it names the server's account, not the
 * caller's). `Retry-After` is kept when OpenRouter sent one.
 */
export async function relayUpstreamError(response: Response): Promise<Response> {
  const text = await response.text().catch(() => "");
  let parsed: z.infer<typeof upstreamErrorBody> | null = null;
  try {
    parsed = upstreamErrorBody.parse(JSON.parse(text));
  } catch {
    parsed = null;
  }
  const status = response.status >= 400 && response.status <= 599 ? response.status : 502;
  const names = namesForStatus(status);
  const message = parsed?.error.message || `The model provider answered HTTP ${response.status}.`;
  return errorJson(
    status,
    {
      error: {
        message,
        type: names.type,
        code: names.code,
        param: null,
        ...(parsed?.error.metadata !== undefined ? { metadata: parsed.error.metadata } : {}),
      },
    },
    response.headers.get("retry-after"),
  );
}
