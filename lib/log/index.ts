import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import pino, { type DestinationStream, type Logger } from "pino";

// Structured JSON logs, one object a line on stdout. What goes in: ids (request, user,
// conversation, generation), routes, statuses, durations, error codes. What never goes in:
// the OpenRouter key, session tokens, message or answer text. The redaction below is a second
// line of defence for field names that could carry them; callers simply do not pass them.

const LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
type Level = (typeof LEVELS)[number];

function levelFromEnv(): Level {
  const raw = (process.env.LOG_LEVEL ?? "").trim();
  return (LEVELS as readonly string[]).includes(raw) ? (raw as Level) : "info";
}

/** This process, as named in logs and metrics: host and pid. */
export const INSTANCE_ID = `${hostname()}:${process.pid}`;

const holder = globalThis as unknown as { __sbLog?: Logger };

/** This process's logger: stdout, or `destination` (the tests read what it writes). */
export function createLogger(destination?: DestinationStream): Logger {
  const options = {
    level: levelFromEnv(),
    base: { instance: INSTANCE_ID },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ["key", "apiKey", "authorization", "cookie", "password", "text", "content", "messages", "*.authorization", "*.cookie"],
      censor: "[redacted]",
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

export function logger(): Logger {
  holder.__sbLog ??= createLogger();
  return holder.__sbLog;
}

/**
 * What a log line may say about an error: its class, our code and the HTTP status — never its
 * message, which for an upstream error can quote the request (a moderation refusal's
 * `flagged_input`) and for a broken chunk the chunk itself.
 */
export function errorFields(error: unknown): { name: string; code?: string; status?: number } {
  if (!(error instanceof Error)) return { name: typeof error };
  const { code, status, statusCode } = error as { code?: unknown; status?: unknown; statusCode?: unknown };
  const httpStatus = typeof statusCode === "number" ? statusCode : typeof status === "number" ? status : undefined;
  return {
    name: error.name,
    ...(typeof code === "string" && /^[A-Za-z0-9_:.-]{1,80}$/.test(code) ? { code } : {}),
    ...(httpStatus !== undefined ? { status: httpStatus } : {}),
  };
}

type SdkWarnings = { warnings: { type: string; feature?: string; setting?: string }[]; provider?: string; model?: string };

// The AI SDK prints its warnings through process.emitWarning (multi-line, not JSON) unless this
// global names a function: they become log lines like any other.
(globalThis as { AI_SDK_LOG_WARNINGS?: (options: SdkWarnings) => void }).AI_SDK_LOG_WARNINGS = ({ warnings, provider, model }) => {
  for (const w of warnings) logger().warn({ provider, model, warning: { type: w.type, feature: w.feature, setting: w.setting } }, "AI SDK warning");
};

const context = ((globalThis as unknown as { __sbLogContext?: AsyncLocalStorage<{ requestId: string }> }).__sbLogContext ??= new AsyncLocalStorage<{
  requestId: string;
}>());

/** Runs `fn` with `requestId` attached to every `log()` line it (and what it starts) writes. */
export function withRequestId<T>(requestId: string, fn: () => T): T {
  return context.run({ requestId }, fn);
}

export function currentRequestId(): string | undefined {
  return context.getStore()?.requestId;
}

/** The logger, carrying the current request's id when there is one. */
export function log(): Logger {
  const requestId = currentRequestId();
  return requestId ? logger().child({ requestId }) : logger();
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** The caller's `x-request-id` when it looks like one (a load balancer's), else a new one. */
export function requestIdOf(headers: Headers): string {
  const given = headers.get("x-request-id");
  return given && REQUEST_ID.test(given) ? given : randomUUID();
}

const said = new Set<string>();

/** Logs `message` at warn level once per `key` until `forget(key)` (outages: once, not per request). */
export function warnOnce(key: string, fields: Record<string, unknown>, message: string): void {
  if (said.has(key)) return;
  said.add(key);
  logger().warn(fields, message);
}

export function forget(key: string): boolean {
  return said.delete(key);
}
