import "server-only";
import type { z } from "zod";
import { AppError } from "@/lib/errors";
import { log, logger, requestIdOf, withRequestId } from "@/lib/log";
import { observeRequest, routeLabel } from "@/lib/metrics";
import { configuredTrustedProxies } from "./trusted-proxies";
import { requestHost, type TrustedProxies } from "./client-address";

type Handler<C> = (request: Request, context: C) => Promise<Response>;

/**
 * Wraps a route handler: typed errors become precise JSON, anything else a 500 without details.
 * Every request gets an id (`x-request-id`, kept from a load balancer when it sent one) that its
 * log lines carry, one access log line and a count in the metrics.
 */
export function route<C>(handler: Handler<C>): Handler<C> {
  return async (request, context) => {
    const started = Date.now();
    const requestId = requestIdOf(request.headers);
    const response = await withRequestId(requestId, async () => {
      try {
        return await handler(request, context);
      } catch (error) {
        return errorResponse(error);
      }
    });
    accessLog(request, response, requestId, started);
    return response;
  };
}

function accessLog(request: Request, response: Response, requestId: string, started: number): void {
  try {
    response.headers.set("x-request-id", requestId);
  } catch {
    /* immutable headers (a proxied response): the log still has the id */
  }
  observeRequest(request, response.status);
  const route = routeLabel(new URL(request.url).pathname);
  logger().info({ requestId, method: request.method, route, status: response.status, ms: Date.now() - started }, "request");
}

export function errorResponse(error: unknown): Response {
  if (error instanceof AppError) {
    const headers: Record<string, string> = { "cache-control": "no-store" };
    if (error.retryAfter !== undefined) headers["retry-after"] = String(error.retryAfter);
    return Response.json(error.toBody(), { status: error.status, headers });
  }
  log().error({ error: error instanceof Error ? error.stack : String(error) }, "unexpected error in a route");
  return Response.json(
    { error: { code: "internal:server", message: "Something went wrong on our side." } },
    { status: 500, headers: { "cache-control": "no-store" } },
  );
}

export function json(body: unknown, init?: ResponseInit): Response {
  return new Response(JSON.stringify(body, bigintReplacer), {
    ...init,
    headers: { "content-type": "application/json", "cache-control": "no-store", ...init?.headers },
  });
}

/** BigInt nano-USD goes over the wire as a decimal string. */
export function bigintReplacer(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}

/**
 * The largest request body any route accepts (the account import's 50 MiB, plus room for the
 * envelope). The proxy refuses a larger declared Content-Length before Next buffers the body;
 * each route then applies its own, smaller limit in `readJson`.
 */
export const MAX_REQUEST_BYTES = 51 * 1024 * 1024;

/** Reads and validates a JSON body, refusing oversize bodies before parsing them. */
export async function readJson<S extends z.ZodType>(
  request: Request,
  schema: S,
  { maxBytes = 1_000_000, surface = "api" }: { maxBytes?: number; surface?: string } = {},
): Promise<z.infer<S>> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) {
    throw new AppError(`payload_too_large:${surface}`, `The request body is larger than ${maxBytes} bytes.`);
  }
  const text = await readBodyText(request, maxBytes, surface);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new AppError(`bad_request:${surface}`, "The request body is not valid JSON.");
  }
  return parseWith(schema, data, surface);
}

export function parseWith<S extends z.ZodType>(schema: S, data: unknown, surface = "api"): z.infer<S> {
  assertStorable(data, surface);
  const result = schema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
    throw new AppError(`bad_request:${surface}`, `${where}${issue?.message ?? "Invalid input."}`, {
      details: { issues: result.error.issues.slice(0, 10).map((i) => ({ path: i.path.map(String), message: i.message })) },
    });
  }
  return result.data;
}

/** Deepest nesting of arrays and objects a request may carry (PostgreSQL's JSON parser recurses). */
export const MAX_INPUT_DEPTH = 64;

// NUL cannot be stored in PostgreSQL text or jsonb, and an unpaired UTF-16 surrogate is either
// refused by jsonb or silently turned into U+FFFD: either way the input would not round-trip, so
// it is refused up front with a 400 instead of failing (or being mangled) in the database.
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Refuses input the database cannot store faithfully: strings (values and keys) with NUL or
 * unpaired surrogates, and nesting deeper than MAX_INPUT_DEPTH. Iterative, so hostile depth
 * cannot overflow the stack.
 */
export function assertStorable(data: unknown, surface = "api"): void {
  const stack: [unknown, number][] = [[data, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (typeof value === "string") {
      if (UNSTORABLE.test(value)) throw unstorable(surface);
    } else if (value !== null && typeof value === "object") {
      if (depth >= MAX_INPUT_DEPTH) {
        throw new AppError(`bad_request:${surface}`, `The request is nested more than ${MAX_INPUT_DEPTH} levels deep.`);
      }
      if (Array.isArray(value)) {
        for (const item of value) stack.push([item, depth + 1]);
      } else {
        for (const [key, item] of Object.entries(value)) {
          if (UNSTORABLE.test(key)) throw unstorable(surface);
          stack.push([item, depth + 1]);
        }
      }
    }
  }
}

function unstorable(surface: string): AppError {
  return new AppError(`bad_request:${surface}`, "The request contains a NUL character or an unpaired UTF-16 surrogate, which cannot be stored.");
}

/**
 * A request body as bytes, read no further than `maxBytes` (a declared Content-Length over it
 * is refused before reading): the error from `onTooLarge` when the body is larger.
 */
export async function readBodyBytes(request: Request, maxBytes: number, onTooLarge: () => AppError): Promise<Uint8Array<ArrayBuffer>> {
  if (Number(request.headers.get("content-length") ?? "0") > maxBytes) throw onTooLarge();
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw onTooLarge();
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

async function readBodyText(request: Request, maxBytes: number, surface: string): Promise<string> {
  const bytes = await readBodyBytes(
    request,
    maxBytes,
    () => new AppError(`payload_too_large:${surface}`, `The request body is larger than ${maxBytes} bytes.`),
  );
  // fatal: a body that is not UTF-8 is refused rather than silently mangled.
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new AppError(`bad_request:${surface}`, "The request body is not valid UTF-8.");
  }
}

/**
 * CSRF defence for our state-changing routes (the proxy applies it to every state-changing /api
 * request, Auth.js's own routes aside, so a route that forgets to call this is still covered).
 */
export function assertSameOrigin(request: Request): void {
  if (!isSameOriginRequest(request.headers)) throw new AppError("forbidden:csrf", "Cross-site request refused.");
}

/**
 * True unless the request comes from another site. Browsers send `Sec-Fetch-Site`, computed by
 * themselves and untouched by proxies rewriting Host: when present it decides (`same-origin`,
 * and `none` for what the user typed, pass; `cross-site`, and `same-site` — a sibling subdomain
 * is another application — do not). Without it, `Origin` must name this host (X-Forwarded-Host
 * counts only from a trusted proxy); `Origin: null` (sandboxed frames, some redirects) is refused.
 * Requests with neither (curl, server-to-server) carry no ambient browser cookies by accident
 * and are allowed.
 */
export function isSameOriginRequest(headers: Headers, trusted: TrustedProxies = configuredTrustedProxies()): boolean {
  const site = headers.get("sec-fetch-site");
  if (site === "same-origin" || site === "none") return true;
  if (site === "cross-site" || site === "same-site") return false;
  const origin = headers.get("origin");
  if (origin === null) return true;
  const host = requestHost(headers, trusted);
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return false;
  }
  return Boolean(host) && originHost === host;
}

const REDIRECT_BASE = "http://switchboard.invalid";

/**
 * A redirect target after sign-in: a path on this site, or `fallback`. The value is resolved
 * the way a browser resolves it (dot segments, `%2e`, backslashes, tabs and newlines included)
 * and what comes back is that normalised path, never the raw string — which must itself still
 * be a path here: `/.//evil.example` normalises to `//evil.example`, another host to a browser.
 * With `origin`, an absolute URL on that origin counts as its path (Auth.js passes those).
 */
export function safeRedirectPath(value: string | null | undefined, fallback = "/", origin?: string): string {
  if (!value) return fallback;
  let path = value;
  if (!value.startsWith("/")) {
    const absolute = origin === undefined ? null : parseUrl(value);
    if (!absolute || absolute.origin !== origin) return fallback;
    path = `${absolute.pathname}${absolute.search}${absolute.hash}`;
  }
  const resolved = parseUrl(path, REDIRECT_BASE);
  if (!resolved || resolved.origin !== REDIRECT_BASE) return fallback;
  const normalised = `${resolved.pathname}${resolved.search}${resolved.hash}`;
  // What the browser will do with the output: resolve it again, here.
  return parseUrl(normalised, REDIRECT_BASE)?.origin === REDIRECT_BASE ? normalised : fallback;
}

function parseUrl(value: string, base?: string): URL | null {
  try {
    return new URL(value, base);
  } catch {
    return null;
  }
}
