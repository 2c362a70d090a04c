import "server-only";
import { randomBytes } from "node:crypto";

// Streamed tool calls as providers send them through OpenRouter are not always what
// @openrouter/ai-sdk-provider 3.1.0 expects (dist/index.js, `doStream`):
// - an id that is absent or `""` (Gemini, vercel/ai#7834; camel-ai/camel#3027) or that repeats
//   (cloudwego/eino-ext#652). The provider replaces it within one response, but a reused id across
//   the steps of a tool loop reaches the history twice, and the next request carries two calls and
//   two results under one id, which a provider pairs wrongly or refuses;
// - `finish_reason: "stop"` after tool calls (o1-pro and Cohere streams, BerriAI/litellm#12862; OCI,
//   BerriAI/litellm#40040). The provider emits a call only once its arguments parse as JSON, and
//   emits the rest at the end only when the finish is `tool_calls` (or absent): a call without an
//   `arguments` key (completion-tool-call-claude-sonnet-4.5.json records it for a tool without
//   parameters) that ends `stop` is silently dropped, and the answer ends empty;
// - a call delta without `index`: the provider then uses `toolCalls.length - 1`, which is -1 for the
//   first call, so several index-less calls merge into one.
// This pass gives every call of one answer a unique, non-empty id and an index, and turns a `stop`
// that follows tool calls into `tool_calls`. Only events that mention tool calls (or end a response
// that had them) are parsed; every other byte passes as received. What providers send in a stream
// here is inferred from these reports: no streamed tool call was found recorded.

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

const ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** An id of OpenAI's form (`call_` and 24 letters or digits): accepted as a tool call id by every provider. */
export function newToolCallId(): string {
  const bytes = randomBytes(24);
  let id = "call_";
  for (const byte of bytes) id += ID_ALPHABET[byte % ID_ALPHABET.length];
  return id;
}

/**
 * One answer's tool-call ids, shared by its generations (each step is one response): an id used by an
 * earlier step is replaced like an absent one.
 */
export type ToolCallIds = Set<string>;

/** A rewriter for the events of ONE streamed response; `used` is shared by the answer's responses. */
export function toolCallRewriter(used: ToolCallIds, makeId: () => string = newToolCallId): (event: string) => string {
  /** The id given to each call index of this response. */
  const byIndex = new Map<number, string>();
  let lastIndex = -1;

  const rewriteChunk = (chunk: unknown): boolean => {
    if (!isObject(chunk) || !Array.isArray(chunk.choices)) return false;
    let changed = false;
    for (const choice of chunk.choices) {
      if (!isObject(choice)) continue;
      const delta = choice.delta;
      if (isObject(delta) && Array.isArray(delta.tool_calls)) {
        for (const call of delta.tool_calls) {
          if (!isObject(call)) continue;
          const fn = isObject(call.function) ? call.function : undefined;
          let index = typeof call.index === "number" ? call.index : null;
          if (index === null) {
            // Without an index, a call with a name opens a new call; anything else continues the last one.
            index = typeof fn?.name === "string" || lastIndex < 0 ? lastIndex + 1 : lastIndex;
            call.index = index;
            changed = true;
          }
          lastIndex = Math.max(lastIndex, index);
          const known = byIndex.get(index);
          if (known === undefined) {
            let id = typeof call.id === "string" ? call.id : "";
            if (id === "" || used.has(id)) id = makeId();
            used.add(id);
            byIndex.set(index, id);
            if (call.id !== id) {
              call.id = id;
              changed = true;
            }
          } else if ("id" in call && call.id !== known) {
            call.id = known;
            changed = true;
          }
        }
      }
      if (byIndex.size > 0 && choice.finish_reason === "stop") {
        choice.finish_reason = "tool_calls";
        changed = true;
      }
    }
    return changed;
  };

  const rewriteLine = (line: string): string => {
    if (!line.startsWith("data:")) return line;
    let chunk: unknown;
    try {
      chunk = JSON.parse(line.slice("data:".length));
    } catch {
      return line;
    }
    return rewriteChunk(chunk) ? `data: ${JSON.stringify(chunk)}` : line;
  };

  return (event) => {
    const relevant = event.includes('"tool_calls"') || (byIndex.size > 0 && event.includes('"stop"'));
    if (!relevant) return event;
    return event.split("\n").map(rewriteLine).join("\n");
  };
}
