/**
 * The tool calls an answer makes: which offered tools the `tool`/`tools` directive (or a forced
 * `tool_choice`) calls and with what arguments, and the text answer once the tool results are back.
 */
import { type Directive, intParam } from "./directive";
import { type ChatMessage, type ChatRequest, contentText, type FunctionTool, isFunctionTool } from "./request";
import { tokenize } from "./tokenizer";
import { randomId } from "./wire";

export interface PlannedToolCall {
  /** `null`: sent without an `id` key (`ids=missing`). */
  id: string | null;
  name: string;
  arguments: string;
  /** Sent without an `arguments` key (`noargs=1`), as recorded for a tool without parameters. */
  noArguments: boolean;
  /** Tokens counted when the first delta (id, type, name) is sent. */
  nameTokens: number;
  /** The argument text split into one-token pieces, one chunk each. */
  argPieces: string[];
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A plausible value for a JSON schema (required properties only, when `required` is given). */
export function sampleFromSchema(schema: unknown, key = "value", depth = 0): Json {
  if (!isRecord(schema) || depth > 6) return null;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0] as Json;
  if ("const" in schema) return schema.const as Json;
  if (Array.isArray(schema.anyOf) && schema.anyOf.length > 0) return sampleFromSchema(schema.anyOf[0], key, depth + 1);
  if (Array.isArray(schema.oneOf) && schema.oneOf.length > 0) return sampleFromSchema(schema.oneOf[0], key, depth + 1);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  switch (type) {
    case "string":
      return `sample ${key}`;
    case "integer":
    case "number":
      return typeof schema.minimum === "number" ? schema.minimum : 1;
    case "boolean":
      return true;
    case "array":
      return [sampleFromSchema(schema.items, key, depth + 1)];
    case "object":
    default: {
      if (!isRecord(schema.properties)) return type === "object" ? {} : null;
      const props = schema.properties;
      const required = Array.isArray(schema.required) ? schema.required.filter((k): k is string => typeof k === "string") : Object.keys(props);
      const out: { [k: string]: Json } = {};
      for (const k of required) if (k in props) out[k] = sampleFromSchema(props[k], k, depth + 1);
      return out;
    }
  }
}

function lastUserIndex(messages: ChatMessage[]): number {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i].role === "user") return i;
  return -1;
}

/** Tool rounds since the last user message, and the trailing tool results (if the request ends with them). */
function toolHistory(messages: ChatMessage[]): { rounds: number; results: { name: string; content: string }[] } {
  const start = lastUserIndex(messages) + 1;
  let rounds = 0;
  const names = new Map<string, string>();
  for (let i = start; i < messages.length; i++) {
    const m = messages[i];
    if (m.role === "assistant" && m.tool_calls && m.tool_calls.length > 0) {
      rounds++;
      for (const tc of m.tool_calls) names.set(tc.id, tc.function.name);
    }
  }
  const results: { name: string; content: string }[] = [];
  for (let i = messages.length - 1; i >= start; i--) {
    const m = messages[i];
    if (m.role !== "tool") break;
    results.unshift({ name: names.get(m.tool_call_id) ?? m.tool_call_id, content: contentText(m.content) });
  }
  return { rounds, results };
}

function followUpText(results: { name: string; content: string }[]): string {
  const parts = results.map((r) => {
    const c = r.content.length > 200 ? `${r.content.slice(0, 200)}…` : r.content;
    return `${r.name} returned ${c}`;
  });
  return `Here is what the tools told me: ${parts.join("; ")}. That answers your question.`;
}

/**
 * The id a call is sent with, by `ids=`: its own (default); `missing`, no `id` key; `empty`, `""` (Gemini through
 * OpenAI-compatible APIs, quoted in vercel/ai#7834); `repeated`, one fixed id for every call of every step (duplicate
 * ids from providers that derive them from the tool name: cloudwego/eino-ext#652, camel-ai/camel#3027).
 */
export const REPEATED_TOOL_CALL_ID = "call_repeated";

function toolCallId(mode: string | undefined): string | null {
  if (mode === "missing") return null;
  if (mode === "empty") return "";
  if (mode === "repeated") return REPEATED_TOOL_CALL_ID;
  return `call_${randomId(24)}`;
}

function toolCall(name: string, args: string, d: Directive | null): PlannedToolCall {
  // A tool without parameters comes back without `arguments` (completion-tool-call-claude-sonnet-4.5.json);
  // `noargs=1` sends every call so.
  const noArguments = d?.params.noargs === "1";
  const text = noArguments ? "" : args;
  return {
    id: toolCallId(d?.params.ids),
    name,
    arguments: text,
    noArguments,
    nameTokens: Math.max(1, tokenize(name).length),
    argPieces: tokenize(text),
  };
}

function argsFor(tool: FunctionTool, explicit: string | undefined): string {
  if (explicit !== undefined) return explicit;
  return JSON.stringify(sampleFromSchema(tool.function.parameters ?? { type: "object", properties: {} }));
}

/**
 * The calls this request makes (the directive's when it names offered tools and fewer than
 * `steps=` rounds happened; the forced one with `tool_choice`), or else the text answering the
 * trailing tool results.
 */
export function planToolCalls(req: ChatRequest, d: Directive | null): { toolCalls: PlannedToolCall[]; followUp: string | null } {
  const name = d?.name ?? null;
  const fnTools = (req.tools ?? []).filter(isFunctionTool);
  const byName = new Map(fnTools.map((t) => [t.function.name, t]));
  const toolChoice = req.tool_choice;
  const { rounds, results } = toolHistory(req.messages);
  const steps = intParam(d, "steps", 1, 1);
  let toolCalls: PlannedToolCall[] = [];
  let followUp: string | null = null;
  if (toolChoice !== "none" && fnTools.length > 0) {
    if (name === "tool" || name === "tools") {
      const wanted =
        name === "tool"
          ? [d?.params.name ?? ""]
          : (d?.params.calls ?? "")
              .split(",")
              .map((s) => s.trim())
              .filter(Boolean);
      const offered = wanted.filter((n) => byName.has(n));
      if (offered.length > 0) {
        if (rounds < steps) {
          toolCalls = offered.map((n) => {
            const t = byName.get(n) as FunctionTool;
            const explicit = name === "tool" ? d?.params.args : d?.params[`args.${n}`];
            return toolCall(n, argsFor(t, explicit), d);
          });
        } else if (results.length > 0) {
          followUp = followUpText(results);
        }
      }
    } else if (toolChoice === "required" || (typeof toolChoice === "object" && toolChoice.type === "function")) {
      const forced = typeof toolChoice === "object" ? byName.get((toolChoice.function as { name?: string } | undefined)?.name ?? "") : fnTools[0];
      if (forced) toolCalls = [toolCall(forced.function.name, argsFor(forced, undefined), d)];
    }
    if (toolCalls.length === 0 && followUp === null && results.length > 0) followUp = followUpText(results);
  } else if (results.length > 0) {
    followUp = followUpText(results);
  }
  return { toolCalls, followUp };
}
