// Typed errors with stable codes `type:surface`, mapped to HTTP status in one place.
// Client-safe: the browser uses `describeError` to turn a code back into a sentence.

const statusByType = {
  bad_request: 400,
  unauthorized: 401,
  budget_exceeded: 402,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media: 415,
  rate_limited: 429,
  upstream: 502,
  unavailable: 503,
  timeout: 504,
  internal: 500,
  database_locked: 500,
} as const;

export type ErrorType = keyof typeof statusByType;
export type ErrorCode = `${ErrorType}:${string}`;

export type ErrorBody = {
  error: {
    code: ErrorCode;
    message: string;
    /** Seconds to wait, for rate limits. */
    retryAfter?: number;
    details?: Record<string, unknown>;
  };
};

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryAfter?: number;
  readonly details?: Record<string, unknown>;

  constructor(
    code: ErrorCode,
    message: string,
    options: { retryAfter?: number; details?: Record<string, unknown>; cause?: unknown; status?: number } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.status = options.status ?? statusForCode(code);
    this.retryAfter = options.retryAfter;
    this.details = options.details;
  }

  toBody(): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.retryAfter !== undefined ? { retryAfter: this.retryAfter } : {}),
        ...(this.details ? { details: this.details } : {}),
      },
    };
  }
}

/**
 * The one answer for a conversation the caller cannot have: missing, deleted, malformed id or
 * someone else's are indistinguishable (404, never 403), so no id can be probed.
 */
export function conversationNotFound(): AppError {
  return new AppError("not_found:conversation", "Conversation not found.");
}

export function statusForCode(code: ErrorCode): number {
  const type = code.split(":")[0] as ErrorType;
  return statusByType[type] ?? 500;
}

const sentences: Partial<Record<ErrorType, string>> = {
  bad_request: "The request was not valid.",
  unauthorized: "Please sign in again.",
  budget_exceeded: "This would go over your spending limit.",
  forbidden: "You do not have access to this.",
  not_found: "Not found.",
  payload_too_large: "That is too large to send.",
  rate_limited: "Too many requests. Please wait a moment.",
  upstream: "The model provider returned an error.",
  unavailable: "The service is unavailable right now. Please try again.",
  timeout: "The model took too long to answer.",
  internal: "Something went wrong on our side.",
};

/** A readable sentence for an error body, preferring the server's own message. */
export function describeError(body: unknown): { code: string; message: string; retryAfter?: number } {
  const parsed = parseErrorBody(body);
  if (!parsed) return { code: "internal:unknown", message: sentences.internal! };
  const type = parsed.code.split(":")[0] as ErrorType;
  return {
    code: parsed.code,
    message: parsed.message || sentences[type] || sentences.internal!,
    retryAfter: parsed.retryAfter,
  };
}

export function parseErrorBody(body: unknown): ErrorBody["error"] | undefined {
  if (typeof body === "string") {
    try {
      return parseErrorBody(JSON.parse(body));
    } catch {
      return undefined;
    }
  }
  if (!body || typeof body !== "object") return undefined;
  // A stream's errorText carries the bare error, `{"code","message","retryAfter?"}`, without the envelope.
  const error = "error" in body ? (body as { error: unknown }).error : "code" in body ? body : undefined;
  if (!error || typeof error !== "object") return undefined;
  const { code, message, retryAfter, details } = error as Record<string, unknown>;
  if (typeof code !== "string" || !code.includes(":")) return undefined;
  return {
    code: code as ErrorCode,
    message: typeof message === "string" ? message : "",
    retryAfter: typeof retryAfter === "number" ? retryAfter : undefined,
    details: details && typeof details === "object" ? (details as Record<string, unknown>) : undefined,
  };
}
