// A small HTTP/1.1 client over loopback with keep-alive (node:http), timing each request:
// `headersMs` (time to response headers) and `totalMs` (body complete). SSE bodies can be
// read line by line with a timestamp per `data:` line.
import http from "node:http";
import { performance } from "node:perf_hooks";

export const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 1024, keepAliveMsecs: 10_000 });

export type Timed = { status: number; headers: http.IncomingHttpHeaders; body: string; headersMs: number; totalMs: number };

export type RequestOptions = {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Give up after this many ms (the request is destroyed and the promise rejects). */
  timeoutMs?: number;
  agent?: http.Agent;
};

export function request(url: string, options: RequestOptions = {}): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let headersAt = 0;
    const req = http.request(
      url,
      {
        method: options.method ?? "GET",
        agent: options.agent ?? keepAlive,
        headers: { ...(options.body !== undefined ? { "content-length": Buffer.byteLength(options.body).toString() } : {}), ...options.headers },
      },
      (res) => {
        headersAt = performance.now();
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString("utf8"),
            headersMs: headersAt - started,
            totalMs: performance.now() - started,
          }),
        );
        res.on("error", reject);
      },
    );
    const timer = setTimeout(() => req.destroy(new Error(`timeout after ${options.timeoutMs} ms: ${url}`)), options.timeoutMs ?? 60_000);
    req.on("close", () => clearTimeout(timer));
    req.on("error", reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

export type SseLine = { at: number; data: string };

export type SseResult = {
  status: number;
  /** ms from the request start to the response headers. */
  headersMs: number;
  /** Every `data:` line's payload with its arrival time (ms since the request start). */
  lines: SseLine[];
  totalMs: number;
  /** Body text when the response was not an event stream (errors). */
  errorBody?: string;
};

/**
 * POSTs and reads the response as server-sent events. `onData` may return true to stop early
 * (the connection is then closed, like a browser tab going away).
 */
export function postSse(
  url: string,
  body: string,
  options: { headers?: Record<string, string>; timeoutMs?: number; agent?: http.Agent; onData?: (line: SseLine) => boolean | void } = {},
): Promise<SseResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const lines: SseLine[] = [];
    let headersMs = 0;
    let settled = false;
    const finish = (result: SseResult) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    const req = http.request(
      url,
      {
        method: "POST",
        agent: options.agent ?? keepAlive,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body).toString(),
          accept: "text/event-stream",
          ...options.headers,
        },
      },
      (res) => {
        headersMs = performance.now() - started;
        const status = res.statusCode ?? 0;
        if (status !== 200) {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () =>
            finish({ status, headersMs, lines, totalMs: performance.now() - started, errorBody: Buffer.concat(chunks).toString("utf8") }),
          );
          return;
        }
        res.setEncoding("utf8");
        let buffer = "";
        res.on("data", (text: string) => {
          const at = performance.now() - started;
          buffer += text;
          let nl: number;
          while ((nl = buffer.indexOf("\n")) >= 0) {
            const line = buffer.slice(0, nl).replace(/\r$/, "");
            buffer = buffer.slice(nl + 1);
            if (!line.startsWith("data:")) continue;
            const entry = { at, data: line.slice(5).trimStart() };
            lines.push(entry);
            if (options.onData?.(entry) === true) {
              req.destroy();
              finish({ status, headersMs, lines, totalMs: performance.now() - started });
              return;
            }
          }
        });
        res.on("end", () => finish({ status, headersMs, lines, totalMs: performance.now() - started }));
        res.on("error", (error) => (settled ? undefined : reject(error)));
      },
    );
    const timer = setTimeout(() => req.destroy(new Error(`SSE timeout after ${options.timeoutMs} ms: ${url}`)), options.timeoutMs ?? 120_000);
    req.on("close", () => clearTimeout(timer));
    req.on("error", (error) => (settled ? undefined : reject(error)));
    req.write(body);
    req.end();
  });
}

/** Is this SSE payload a text delta? App: UI message stream; upstream: OpenAI-style chunk. */
export function isAppTextDelta(data: string): boolean {
  return data.includes('"type":"text-delta"');
}

/**
 * The text a delta carries, or null for any other event. The app may deliver several upstream
 * tokens in one delta (it merges the deltas that reach it together), so rates compare text.
 */
export function appDeltaText(data: string): string | null {
  if (!isAppTextDelta(data)) return null;
  try {
    const part = JSON.parse(data) as { delta?: unknown };
    return typeof part.delta === "string" ? part.delta : null;
  } catch {
    return null;
  }
}

export function upstreamDeltaText(data: string): string | null {
  if (!data.includes('"content"')) return null;
  try {
    const chunk = JSON.parse(data) as { choices?: { delta?: { content?: string | null } }[] };
    return chunk.choices?.[0]?.delta?.content || null;
  } catch {
    return null;
  }
}

export function isUpstreamTextDelta(data: string): boolean {
  if (!data.includes('"content"')) return false;
  try {
    const chunk = JSON.parse(data) as { choices?: { delta?: { content?: string | null } }[] };
    return Boolean(chunk.choices?.[0]?.delta?.content);
  } catch {
    return false;
  }
}

/** Runs `task` for every item with at most `limit` in flight. */
export async function pool<T, R>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      results[i] = await task(items[i]!, i);
    }
  });
  await Promise.all(workers);
  return results;
}
