import "server-only";

// When the server falls behind a fast stream, one socket read holds many SSE events, each a
// one-token text delta. Every event then costs the whole relay (the SDK's parse and validation,
// streamText's transforms, the UI stream, the resumable copy) about half a millisecond. Merging
// the plain text deltas that arrived together into one event keeps the text and every other
// event exactly as sent, never waits for more bytes, and makes that cost per read instead of
// per token — so the relay keeps up under load instead of queueing. "Plain" is judged on the
// shapes openrouter.ai really sends, whose text deltas carry null-valued fields beside the text.

import { parsableUsageEvent } from "./nullable-usage";
import { type ToolCallIds, toolCallRewriter } from "./tool-calls";

const encoder = new TextEncoder();

type Chunk = Record<string, unknown>;

type TextDelta = {
  /**
   * Everything of the event but the text, serialized: the chunk's fields other than `choices`, the choice's other
   * than `delta`, the delta's other than `content` and `role`. Consecutive deltas merge only when it is equal.
   */
  envelope: string;
  chunk: Chunk;
  content: string;
  /** The event as received, used as it is when nothing merges with it. */
  raw: string;
};

/** Choice fields a text delta may carry, each only as `null` (or absent) but `index` and `delta`. */
const CHOICE_KEYS = new Set(["index", "delta", "finish_reason", "native_finish_reason", "logprobs"]);
/**
 * Delta fields a text delta may carry. Both recorded shapes (tests/fixtures/openrouter-recorded/README.md, point
 * 2): `{role, content, reasoning: null, reasoning_details: []}` (2025) and `{content, role}` (2026). `reasoning` and
 * `reasoning_details` count only when empty; anything else (tool calls, annotations, images…) is information.
 */
const DELTA_KEYS = new Set(["content", "role", "reasoning", "reasoning_details"]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * A chunk that carries nothing but text for its one choice: no finish, usage, error, tool call, reasoning,
 * annotation or any field this merger does not know.
 */
function asTextDelta(event: string): TextDelta | null {
  const data = event.slice("data: ".length);
  let chunk: unknown;
  try {
    chunk = JSON.parse(data);
  } catch {
    return null;
  }
  if (!isRecord(chunk) || chunk.usage != null || chunk.error != null) return null;
  const choices = chunk.choices;
  if (!Array.isArray(choices) || choices.length !== 1) return null;
  const choice: unknown = choices[0];
  if (!isRecord(choice)) return null;
  if (Object.keys(choice).some((key) => !CHOICE_KEYS.has(key))) return null;
  if (choice.finish_reason != null || choice.native_finish_reason != null || choice.logprobs != null) return null;
  const delta = choice.delta;
  if (!isRecord(delta)) return null;
  const content = delta.content;
  if (typeof content !== "string") return null;
  if (Object.keys(delta).some((key) => !DELTA_KEYS.has(key))) return null;
  if (delta.reasoning != null) return null;
  if (delta.reasoning_details !== undefined && !(Array.isArray(delta.reasoning_details) && delta.reasoning_details.length === 0)) return null;
  const { choices: _choices, ...rest } = chunk;
  const { delta: _delta, ...choiceRest } = choice;
  // `role` is "assistant" whenever present; OpenAI-style streams send it on the first delta only.
  const { content: _content, role: _role, ...deltaRest } = delta;
  return { envelope: JSON.stringify([rest, choiceRest, deltaRest]), chunk, content, raw: event };
}

function render(run: TextDelta[]): string {
  if (run.length === 1) return `${run[0]!.raw}\n\n`;
  const first = run[0]!;
  const choice = (first.chunk.choices as Record<string, unknown>[])[0]!;
  const delta = choice.delta as Record<string, unknown>;
  const merged = { ...first.chunk, choices: [{ ...choice, delta: { ...delta, content: run.map((d) => d.content).join("") } }] };
  return `data: ${JSON.stringify(merged)}\n\n`;
}

/** The complete events, in order, with each run of mergeable text deltas made one event. */
function coalesceEvents(events: string[], rewrite: (event: string) => string): string {
  let out = "";
  let run: TextDelta[] = [];
  const flushRun = () => {
    if (run.length > 0) out += render(run);
    run = [];
  };
  for (const event of events) {
    const delta = event.startsWith("data: ") && !event.includes("\n") ? asTextDelta(event) : null;
    if (delta && run.length > 0 && run[0]!.envelope !== delta.envelope) flushRun();
    if (delta) {
      run.push(delta);
      continue;
    }
    flushRun();
    out += `${rewrite(event)}\n\n`;
  }
  flushRun();
  return out;
}

/**
 * An SSE body transform that merges consecutive text-delta events found in the same read, makes
 * usage objects parsable by the SDK (./nullable-usage) and, given `toolCallIds`, gives tool calls
 * unique ids and the finish the SDK needs (./tool-calls).
 * Events are passed on as soon as they are complete; a body with `\r` line ends is passed
 * through untouched (OpenRouter sends `\n`). `onBytes` is told of every read, in this stage
 * rather than one more of its own, which would cost the relay a stream hop per read.
 */
export function coalesceTextDeltas(onBytes?: () => void, toolCallIds?: ToolCallIds): TransformStream<Uint8Array, Uint8Array> {
  const decoder = new TextDecoder();
  const toolCalls = toolCallIds ? toolCallRewriter(toolCallIds) : null;
  const rewrite = (event: string) => (toolCalls ? toolCalls(parsableUsageEvent(event)) : parsableUsageEvent(event));
  let buffer = "";
  let passThrough = false;
  return new TransformStream({
    transform(bytes, controller) {
      onBytes?.();
      if (passThrough) {
        controller.enqueue(bytes);
        return;
      }
      buffer += decoder.decode(bytes, { stream: true });
      if (buffer.includes("\r")) {
        passThrough = true;
        controller.enqueue(encoder.encode(buffer));
        buffer = "";
        return;
      }
      const end = buffer.lastIndexOf("\n\n");
      if (end === -1) return;
      const complete = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const events = complete.split("\n\n").filter((event) => event.length > 0);
      // The common case when the server keeps up: one event per read, nothing to merge.
      const text = events.length === 1 ? `${rewrite(events[0]!)}\n\n` : coalesceEvents(events, rewrite);
      controller.enqueue(encoder.encode(text));
    },
    flush(controller) {
      buffer += decoder.decode();
      if (buffer.length > 0) controller.enqueue(encoder.encode(rewrite(buffer)));
    },
  });
}

/** The same response with its SSE body coalesced (each read reported to `onBytes`); other responses are returned as they are. */
export function withCoalescedTextDeltas(response: Response, onBytes?: () => void, toolCallIds?: ToolCallIds): Response {
  const type = response.headers.get("content-type") ?? "";
  if (!response.ok || !response.body || !type.includes("text/event-stream")) return response;
  return new Response(response.body.pipeThrough(coalesceTextDeltas(onBytes, toolCallIds)), {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}
