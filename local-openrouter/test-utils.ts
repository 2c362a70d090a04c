/**
 * Test helpers for the local OpenRouter: raw HTTP calls that keep every byte, SSE parsing,
 * spec validation of whatever the server sent, and a `fetch` wrapper that lets the real
 * `@openrouter/ai-sdk-provider` talk to the server while every request and response it sees
 * is checked against OpenRouter's OpenAPI description.
 */
import type { SpecValidator } from "./spec-validator";
import type { GenerationData } from "./types";

export interface SseEvent {
  kind: "data" | "comment";
  text: string;
}

/** Splits an SSE body into its events (data lines joined with "\n") and comment lines. */
export function parseSse(raw: string): SseEvent[] {
  const events: SseEvent[] = [];
  for (const block of raw.split(/\r?\n\r?\n/)) {
    if (block.trim() === "") continue;
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith(":")) events.push({ kind: "comment", text: line.slice(1).trim() });
      else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
    }
    if (data.length > 0) events.push({ kind: "data", text: data.join("\n") });
  }
  return events;
}

export interface RawResponse {
  status: number;
  headers: Headers;
  raw: string;
  /** Set when reading the body failed (e.g. the server dropped the connection). */
  streamError: string | null;
  /** ms from the request to each received piece of the body. */
  arrivals: { at: number; text: string }[];
}

/** Sends a request and reads the whole body, keeping partial data when the connection breaks. */
export async function rawRequest(url: string, init: RequestInit = {}, onPiece?: (text: string, soFar: string) => void): Promise<RawResponse> {
  const t0 = performance.now();
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch (err) {
    // The connection died before any response head (e.g. a dropped non-streaming request).
    return {
      status: 0,
      headers: new Headers(),
      raw: "",
      streamError: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
      arrivals: [],
    };
  }
  let raw = "";
  let streamError: string | null = null;
  const arrivals: { at: number; text: string }[] = [];
  if (res.body) {
    const reader = res.body.getReader();
    const dec = new TextDecoder();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        const text = dec.decode(value, { stream: true });
        raw += text;
        arrivals.push({ at: performance.now() - t0, text });
        onPiece?.(text, raw);
      }
    } catch (err) {
      streamError = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    }
  }
  return { status: res.status, headers: res.headers, raw, streamError, arrivals };
}

export interface ParsedStream {
  /** Parsed JSON of every data event but [DONE]. */
  chunks: Record<string, unknown>[];
  /** Data events that are not JSON. */
  nonJson: string[];
  comments: string[];
  done: boolean;
  /** Index of [DONE] among the data events, -1 if absent. */
  doneIndex: number;
  dataCount: number;
}

export function parseStream(raw: string): ParsedStream {
  const out: ParsedStream = { chunks: [], nonJson: [], comments: [], done: false, doneIndex: -1, dataCount: 0 };
  for (const e of parseSse(raw)) {
    if (e.kind === "comment") {
      out.comments.push(e.text);
      continue;
    }
    if (e.text === "[DONE]") {
      out.done = true;
      out.doneIndex = out.dataCount;
      out.dataCount++;
      continue;
    }
    out.dataCount++;
    try {
      out.chunks.push(JSON.parse(e.text) as Record<string, unknown>);
    } catch {
      out.nonJson.push(e.text);
    }
  }
  return out;
}

/** Validates everything a chat completion response carried against the spec. */
export function assertChatResponseMatchesSpec(v: SpecValidator, r: RawResponse): void {
  const ct = r.headers.get("content-type") ?? "";
  if (ct.startsWith("text/event-stream")) {
    const s = parseStream(r.raw);
    for (const chunk of s.chunks) v.assertResponse("/chat/completions", "post", r.status, { data: chunk }, "text/event-stream");
  } else if (r.raw.length > 0) {
    const body = JSON.parse(r.raw) as { error?: { availability?: unknown } };
    // The spec predates `error.availability` bodies, which carry `error_type` and `http_status` instead of
    // a numeric `code` (tests/fixtures/openrouter-recorded/*availability*.doc.json); recorded-errors.test.ts
    // compares those with the documented ones instead.
    if (body.error?.availability !== undefined) return;
    v.assertResponse("/chat/completions", "post", r.status, body);
  }
}

export interface FetchReport {
  /** Spec violations found in requests or responses. */
  problems: string[];
  generationIds: string[];
  /** Every chunk the SDK received, parsed. */
  chunks: Record<string, unknown>[];
  nonJsonChunks: string[];
  /** Request bodies the SDK sent. */
  requests: unknown[];
  /** Resolves when every response body seen so far has ended (read, cancelled or broken) and was validated. */
  settle(): Promise<void>;
}

/**
 * A `fetch` whose abort signal governs the request only until the response head arrives; after
 * that, stopping is done by cancelling the body stream, which closes the connection just the same.
 *
 * Why: `@openrouter/ai-sdk-provider@3.1.0` wraps the body in `withStreamErrorHandling`, whose
 * `cancel(reason)` calls `reader.cancel(reason)` without handling its promise. When the same
 * signal has already errored the body (what `fetch` does on abort), that promise rejects and
 * Node reports an unhandled rejection (AbortError) on every stopped stream. With this wrapper the
 * body is never errored by the abort, the SDK's cancel resolves, and the upstream connection is
 * still closed at once (the server's request log shows `closedByClient`).
 */
export function detachedAbortFetch(base: typeof fetch = fetch): typeof fetch {
  const wrapped = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const outer = init?.signal ?? undefined;
    if (!outer) return base(input, init);
    const inner = new AbortController();
    const onAbort = () => inner.abort(outer.reason);
    if (outer.aborted) inner.abort(outer.reason);
    else outer.addEventListener("abort", onAbort, { once: true });
    try {
      return await base(input, { ...init, signal: inner.signal });
    } finally {
      outer.removeEventListener("abort", onAbort);
    }
  };
  return wrapped as typeof fetch;
}

/**
 * A `fetch` for `createOpenRouter({ fetch })`: passes everything through unchanged and, on the
 * side, validates each chat request body (ChatRequest) and each response body or stream chunk
 * against the spec. The body is forwarded chunk by chunk (cancelling it cancels the upstream
 * body, so a stop still closes the connection). Built on {@link detachedAbortFetch}.
 */
export function validatingFetch(v: SpecValidator, base: typeof fetch = detachedAbortFetch()): { fetch: typeof fetch; report: FetchReport } {
  const pending: Promise<void>[] = [];
  const report: FetchReport = {
    problems: [],
    generationIds: [],
    chunks: [],
    nonJsonChunks: [],
    requests: [],
    settle: async () => {
      await Promise.all(pending);
    },
  };
  const problem = (what: string, errs: { instancePath: string; message?: string }[]) => {
    if (errs.length > 0) report.problems.push(`${what}: ${errs.map((e) => `${e.instancePath} ${e.message ?? ""}`).join("; ")}`);
  };
  const validate = (status: number, contentType: string, raw: string) => {
    if (contentType.startsWith("text/event-stream")) {
      const s = parseStream(raw);
      report.nonJsonChunks.push(...s.nonJson);
      for (const c of s.chunks) {
        report.chunks.push(c);
        problem(
          `stream chunk ${JSON.stringify(c).slice(0, 200)}`,
          v.responseErrors("/chat/completions", "post", status, { data: c }, "text/event-stream"),
        );
      }
    } else if (raw.length > 0) {
      let json: unknown;
      try {
        json = JSON.parse(raw);
      } catch {
        report.nonJsonChunks.push(raw);
        return;
      }
      problem(`HTTP ${status} body`, v.responseErrors("/chat/completions", "post", status, json));
    }
  };
  const wrapped = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const isChat = new URL(url).pathname.endsWith("/chat/completions");
    if (isChat && typeof init?.body === "string") {
      const body: unknown = JSON.parse(init.body);
      report.requests.push(body);
      problem("request body", v.errors("ChatRequest", body));
    }
    const res = await base(input, init);
    if (!isChat || !res.body) return res;
    const gid = res.headers.get("x-generation-id");
    if (gid) report.generationIds.push(gid);
    const contentType = res.headers.get("content-type") ?? "";
    const reader = res.body.getReader();
    const dec = new TextDecoder();
    let raw = "";
    let ended = false;
    let markDone: () => void = () => undefined;
    pending.push(new Promise<void>((resolve) => (markDone = resolve)));
    const end = () => {
      if (ended) return;
      ended = true;
      validate(res.status, contentType, raw);
      markDone();
    };
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const { done, value } = await reader.read();
          if (done) {
            end();
            controller.close();
            return;
          }
          raw += dec.decode(value, { stream: true });
          controller.enqueue(value);
        } catch (err) {
          end();
          controller.error(err);
        }
      },
      cancel(reason) {
        end();
        return reader.cancel(reason).catch(() => undefined);
      },
    });
    return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
  return { fetch: wrapped as typeof fetch, report };
}

export async function getJson(url: string, key?: string): Promise<{ status: number; headers: Headers; json: unknown; raw: string }> {
  const res = await fetch(url, { headers: key ? { authorization: `Bearer ${key}` } : {} });
  const raw = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(raw);
  } catch {
    json = null;
  }
  return { status: res.status, headers: res.headers, json, raw };
}

/** Polls `/generation?id=` until it answers 200 (it may take a while, like the real one). */
export async function waitForGeneration(baseURL: string, key: string, id: string, timeoutMs = 5000): Promise<GenerationData> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await getJson(`${baseURL}/generation?id=${encodeURIComponent(id)}`, key);
    if (r.status === 200) return (r.json as { data: GenerationData }).data;
    if (r.status !== 404 || Date.now() > deadline) throw new Error(`/generation?id=${id} answered ${r.status}: ${r.raw}`);
    await new Promise((res) => setTimeout(res, 20));
  }
}
