import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import pino, { type Logger } from "pino";

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

export function logger(): Logger {
  holder.__sbLog ??= pino({
    level: levelFromEnv(),
    base: { instance: INSTANCE_ID },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ["key", "apiKey", "authorization", "cookie", "password", "text", "content", "messages", "*.authorization", "*.cookie"],
      censor: "[redacted]",
    },
  });
  return holder.__sbLog;
}

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
