import "server-only";
import { timingSafeEqual } from "node:crypto";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

// Prometheus metrics of this instance, served by /api/metrics behind METRICS_TOKEN. Labels
// are bounded: routes are the API's route patterns (ids become ":id"), error codes and models come from
// the catalog or our own code list, never from free text.

type Metrics = {
  registry: Registry;
  requests: Counter<"route" | "method" | "status">;
  ttft: Histogram<"model">;
  duration: Histogram<"model" | "status">;
  activeStreams: Gauge;
  upstreamErrors: Counter<"code">;
  tokens: Counter<"model" | "kind">;
  costNano: Counter<"model">;
  live: { streams: number };
};

const holder = globalThis as unknown as { __sbMetrics?: Metrics };

function create(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "switchboard_process_" });
  const live = { streams: 0 };
  return {
    registry,
    live,
    requests: new Counter({
      name: "switchboard_http_requests_total",
      help: "API requests by route, method and status",
      labelNames: ["route", "method", "status"],
      registers: [registry],
    }),
    ttft: new Histogram({
      name: "switchboard_chat_time_to_first_token_seconds",
      help: "Time from the start of an answer to its first output",
      labelNames: ["model"],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
      registers: [registry],
    }),
    duration: new Histogram({
      name: "switchboard_chat_stream_duration_seconds",
      help: "Duration of answers, by final status",
      labelNames: ["model", "status"],
      buckets: [0.5, 1, 2, 5, 10, 30, 60, 120, 300],
      registers: [registry],
    }),
    activeStreams: new Gauge({
      name: "switchboard_chat_active_streams",
      help: "Answers being written on this instance",
      registers: [registry],
      collect() {
        this.set(live.streams);
      },
    }),
    upstreamErrors: new Counter({
      name: "switchboard_upstream_errors_total",
      help: "Upstream (OpenRouter) errors by our error code",
      labelNames: ["code"],
      registers: [registry],
    }),
    tokens: new Counter({
      name: "switchboard_tokens_total",
      help: "Tokens by model and kind (prompt, completion, reasoning, cached)",
      labelNames: ["model", "kind"],
      registers: [registry],
    }),
    costNano: new Counter({
      name: "switchboard_cost_nano_usd_total",
      help: "Cost reported by the stream, in nano-USD, by model (settled costs are in the database)",
      labelNames: ["model"],
      registers: [registry],
    }),
  };
}

export function metrics(): Metrics {
  holder.__sbMetrics ??= create();
  return holder.__sbMetrics;
}

/**
 * The API's routes (app/api/**), ids as ":name". A path matches one segment for segment; any other
 * path is "other", so a caller inventing paths adds no series.
 */
const ROUTES = [
  "/api/account/export",
  "/api/account/import",
  "/api/account/keys",
  "/api/account/keys/:id",
  "/api/account/keys/:id/logs",
  "/api/account/keys/:id/logs/export",
  "/api/admin/aliases",
  "/api/admin/aliases/:name",
  "/api/admin/api-access",
  "/api/admin/keys",
  "/api/admin/keys/:id",
  "/api/admin/mcp/servers",
  "/api/admin/mcp/servers/:id",
  "/api/admin/mcp/servers/:id/refresh",
  "/api/admin/settings",
  "/api/admin/spend",
  "/api/admin/users",
  "/api/admin/users/:id",
  "/api/attachments",
  "/api/attachments/:id",
  "/api/auth/register",
  "/api/chat",
  "/api/chat/:id/stop",
  "/api/chat/:id/stream",
  "/api/conversations",
  "/api/conversations/:id",
  "/api/conversations/:id/alternatives",
  "/api/conversations/:id/export",
  "/api/conversations/:id/restore",
  "/api/health",
  "/api/mcp/servers",
  "/api/mcp/servers/:id",
  "/api/mcp/servers/:id/refresh",
  "/api/mcp/tools",
  "/api/me/preferences",
  "/api/metrics",
  "/api/models",
  "/api/models/:author/:slug/endpoints",
  "/api/spend",
  "/api/spend/estimate",
  "/api/spend/export.csv",
  "/api/spend/limit",
  "/api/spend/summary",
  "/api/v1/chat/completions",
  "/api/v1/embeddings",
  "/api/v1/generation",
  "/api/v1/models",
].map((pattern) => pattern.split("/"));

/** Auth.js answers everything under this prefix (a catch-all route). */
const AUTH_PREFIX = "/api/auth/";

const OTHER_ROUTE = "other";

/** `/api/chat/abc123…/stream` → `/api/chat/:id/stream`; a path that is no route → "other". */
export function routeLabel(pathname: string): string {
  const segments = pathname.replace(/\/+$/, "").split("/");
  const match = ROUTES.find(
    (pattern) => pattern.length === segments.length && pattern.every((p, i) => (p.startsWith(":") ? segments[i] !== "" : p === segments[i])),
  );
  if (match) return match.join("/");
  return pathname.startsWith(AUTH_PREFIX) ? "/api/auth/*" : OTHER_ROUTE;
}

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

export function observeRequest(request: Request, status: number): void {
  let pathname = "/";
  try {
    pathname = new URL(request.url).pathname;
  } catch {
    /* keep "/" */
  }
  metrics().requests.inc({ route: routeLabel(pathname), method: METHODS.has(request.method) ? request.method : "OTHER", status: String(status) });
}

export function streamStarted(): void {
  metrics().live.streams += 1;
}

export function streamEnded(): void {
  metrics().live.streams = Math.max(0, metrics().live.streams - 1);
}

export type AnswerFigures = {
  model: string;
  status: string;
  ttftMs?: number;
  durationMs: number;
  promptTokens: number;
  completionTokens: number;
  reasoningTokens: number;
  cachedTokens: number;
  costNano: bigint;
  errorCode?: string;
};

export function observeAnswer(a: AnswerFigures): void {
  const m = metrics();
  if (a.ttftMs !== undefined) m.ttft.observe({ model: a.model }, a.ttftMs / 1000);
  m.duration.observe({ model: a.model, status: a.status }, a.durationMs / 1000);
  if (a.errorCode) m.upstreamErrors.inc({ code: a.errorCode });
  for (const [kind, n] of [
    ["prompt", a.promptTokens],
    ["completion", a.completionTokens],
    ["reasoning", a.reasoningTokens],
    ["cached", a.cachedTokens],
  ] as const) {
    if (n > 0) m.tokens.inc({ model: a.model, kind }, n);
  }
  // prom-client counters are doubles: exact up to 2^53 nano-USD (about 9 million USD) per series.
  if (a.costNano > 0n) m.costNano.inc({ model: a.model }, Number(a.costNano));
}

/** Constant-time check of `Authorization: Bearer <METRICS_TOKEN>`. */
export function metricsAuthorized(headers: Headers, token: string | undefined): boolean {
  if (!token) return false;
  const given = /^Bearer (.+)$/.exec(headers.get("authorization") ?? "")?.[1] ?? "";
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
