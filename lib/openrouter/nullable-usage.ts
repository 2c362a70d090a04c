import "server-only";

// OpenRouter's spec lets a usage object carry `cost: null` and
// `completion_tokens_details.reasoning_tokens: null` (shared/openrouter/openapi.yaml, schema
// `ChatUsage`: both `type: [number|integer, null]`). @openrouter/ai-sdk-provider 3.1.0 types them
// as plain numbers (dist/index.js, `OpenRouterChatCompletionBaseResponseSchema`: `cost:
// z.number().optional()`, `reasoning_tokens: z.number()`), so such a chunk fails its parse: the
// provider emits an error instead of the usage and the answer would end failed. Here a null `cost`
// is dropped (the SDK then reports no cost, settled later from /generation) and a null
// `reasoning_tokens` becomes 0 (what the SDK assumes when the details are absent). Null
// `prompt_tokens_details` / `completion_tokens_details` objects the SDK already accepts.
// Only events that carry a usage object are parsed; every other byte passes as received.

const encoder = new TextEncoder();

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

/** Rewrites the null fields the SDK cannot parse, in place; true when anything changed. */
export function normalizeNullableUsage(chunk: unknown): boolean {
  if (!isObject(chunk) || !isObject(chunk.usage)) return false;
  const usage = chunk.usage;
  let changed = false;
  if ("cost" in usage && usage.cost === null) {
    delete usage.cost;
    changed = true;
  }
  const details = usage.completion_tokens_details;
  if (isObject(details) && "reasoning_tokens" in details && details.reasoning_tokens === null) {
    details.reasoning_tokens = 0;
    changed = true;
  }
  return changed;
}

function rewriteLine(line: string): string {
  if (!line.startsWith("data:") || !line.includes('"usage"')) return line;
  let chunk: unknown;
  try {
    chunk = JSON.parse(line.slice("data:".length));
  } catch {
    return line;
  }
  return normalizeNullableUsage(chunk) ? `data: ${JSON.stringify(chunk)}` : line;
}

/**
 * One SSE event with a usage object the SDK can parse. The streaming body's only pass over its
 * events is the delta merger (./coalesce.ts), which calls this, so the relay gets no extra stage.
 */
export function parsableUsageEvent(event: string): string {
  if (!event.includes('"usage"')) return event;
  return event.split("\n").map(rewriteLine).join("\n");
}

/** A non-streaming answer (titles) with a usage object the SDK can parse; other responses as they are. */
export function withNullableUsageJson(response: Response): Response {
  const type = response.headers.get("content-type") ?? "";
  if (!response.body || !response.ok) return response;
  if (type.includes("application/json")) {
    // A non-streaming answer (titles): the whole body is one JSON object.
    const body = response.text().then((text) => {
      if (!text.includes('"usage"')) return text;
      try {
        const json: unknown = JSON.parse(text);
        return normalizeNullableUsage(json) ? JSON.stringify(json) : text;
      } catch {
        return text;
      }
    });
    const stream = new ReadableStream<Uint8Array>({
      async start(controller) {
        try {
          controller.enqueue(encoder.encode(await body));
          controller.close();
        } catch (error) {
          controller.error(error);
        }
      },
    });
    return new Response(stream, { status: response.status, statusText: response.statusText, headers: response.headers });
  }
  return response;
}
