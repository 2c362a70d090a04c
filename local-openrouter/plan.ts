/**
 * Turns a validated request plus its directive into a Plan: what the "model" will emit
 * (reasoning, text, tool calls, images, citations), how fast, and how it may break.
 * The directive names and keys are documented in README.md.
 */
import type { CatalogEndpoint, CatalogModel } from "./catalog";
import type { WebSearchCharge } from "./cost";
import { type Directive, intParam, numParam } from "./directive";
import { type PlannedToolCall, planToolCalls, sampleFromSchema } from "./plan-tools";
import type { ChatRequest } from "./request";
import { defaultAnswer, fillerText, hash32, longText, pngDataUrl, reasoningText } from "./text";
import { tokenize } from "./tokenizer";
import { defaultStreamShape, type StreamShape } from "./wire";

export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter";

export interface UrlCitation {
  type: "url_citation";
  url_citation: { url: string; title: string; content: string; start_index: number; end_index: number };
}

export type Failure =
  | { kind: "midstream-error"; afterTokens: number; code: number; message: string }
  | { kind: "drop"; afterTokens: number }
  | { kind: "malformed"; afterTokens: number; then: "continue" | "close" };

export interface Plan {
  reasoning: string[];
  /** False with `reasoning.exclude: true`: reasoning is billed but not sent. */
  reasoningVisible: boolean;
  content: string[];
  toolCalls: PlannedToolCall[];
  images: string[];
  annotations: UrlCitation[];
  /** `null`: the stream ends without any finish reason (`finish=null`). */
  finishReason: FinishReason | null;
  /** `whole=1`: every tool call in one delta, id, name and whole arguments together. */
  toolCallsWhole: boolean;
  failure: Failure | null;
  /** `everyMs` null: the stall is silence (a dead connection), not keep-alives. */
  stall: { afterTokens: number; ms: number; everyMs: number | null } | null;
  firstTokenDelayMs: number;
  /** `: OPENROUTER PROCESSING` comments written at once before the first chunk. */
  leadingKeepAlives: number;
  /** Comments written after the first reasoning chunk and then every REASONING_KEEPALIVE_EVERY reasoning tokens. */
  reasoningKeepAlives: number;
  /** Which recorded stream shape the chunks take (wire.ts). */
  shape: StreamShape;
  keepAliveMs: number;
  /** Tokens per second; 0 = as fast as possible. */
  rate: number;
  cachedTokens: number;
  webSearch: WebSearchCharge | null;
  numSearchResults: number;
  /** `byok=P`: answered as a BYOK request, OpenRouter's fee P% of the provider's charge (records.ts). */
  byokFeePercent: number | null;
  /** `usage=null`: the usage chunk has `cost`, `reasoning_tokens` and `prompt_tokens_details` null. */
  nullUsage: boolean;
}

export interface PlanContext {
  req: ChatRequest;
  directive: Directive | null;
  /** Text of the last user message with the directive removed. */
  promptText: string;
  model: CatalogModel;
  endpoint: CatalogEndpoint;
  promptTokens: number;
  /** Server default tokens/s (0 = unlimited). */
  defaultRate: number;
  webSearch: { enabled: boolean; maxResults: number; engine: string | undefined };
  /** The server's `streamShape` option; null: by provider. */
  streamShape: StreamShape | null;
}

export const DEFAULT_TOKENS_PER_SECOND = 200;
/** `long` streams at least this fast unless it has its own `rate=`. */
export const LONG_MIN_TOKENS_PER_SECOND = 2000;
export const LONG_TOKENS = 1000;
export const TEXT_DEFAULT_TOKENS = 50;
export const REASONING_DEFAULT_TOKENS = 32;
export const STALL_DEFAULT_MS = 10 * 60 * 1000;
export const KEEPALIVE_DEFAULT_MS = 1000;
/**
 * Keep-alives a reasoning model sends before its first chunk unless `keepalives=N` says otherwise.
 * Every raw stream recorded from openrouter.ai starts with 2–30 of them (tests/fixtures/openrouter-recorded/:
 * stream-reasoning-encrypted-openai-o3.sse 2, stream-fallback-keepalives-reasoning-encrypted-xai-grok-4.sse 2,
 * stream-keepalives-reasoning-midstream-error-minimax-m2-free.sse 17); a few, written at once, keep tests fast.
 */
export const LEADING_KEEPALIVES_REASONING = 3;
/**
 * Keep-alives before the first chunk of every other stream: all 9 raw recorded streams start with them, models
 * that cannot reason too (stream-keepalives-before-first-token-openai-gpt-4o-mini.partial.sse 2,
 * stream-usage-empty-choices-dated-slug-claude-sonnet-4.6-bedrock.sse 3, stream-text-deltas-keepalives-openai-gpt-4o-mini-2026.sse 30).
 */
export const LEADING_KEEPALIVES = 2;
/**
 * Reasoning models also send keep-alives between chunks while they think: o3 sends 5 after its opening chunk
 * (stream-reasoning-encrypted-openai-o3.sse), grok-4 6 (stream-fallback-keepalives-reasoning-encrypted-xai-grok-4.sse),
 * Claude 2 between reasoning chunks (stream-reasoning-text-signature-anthropic-claude-sonnet-4.5.sse). Here: this many
 * after the first reasoning token and again every REASONING_KEEPALIVE_EVERY reasoning tokens.
 */
export const REASONING_KEEPALIVES = 2;
export const REASONING_KEEPALIVE_EVERY = 16;

/**
 * Default messages of in-band errors by code: 400 as recorded (stream-keepalives-reasoning-midstream-error-minimax-m2-free.sse),
 * 429 as documented (stream-midstream-error-429.doc.sse), 502 ours (the docs' example says "Provider disconnected mid-stream").
 */
const MIDSTREAM_MESSAGES: Record<number, string> = {
  400: "Token limit reached",
  429: "Rate limit exceeded",
  502: "Provider disconnected unexpectedly",
};

const FAILURE_NAMES = new Set(["midstream-error", "drop", "stall", "malformed", "slow-first"]);

function effortTokens(effort: string | null | undefined): number {
  switch (effort) {
    case "minimal":
      return 8;
    case "low":
      return 16;
    case "medium":
      return 32;
    case "high":
      return 64;
    case "xhigh":
    case "max":
      return 96;
    default:
      return 24;
  }
}

/**
 * How many reasoning tokens the request gets without a `reasoning` directive. A model whose listing says
 * `reasoning.default_enabled: true` reasons, and bills it, unasked (models-listing-subset-tiered-alias-router.json,
 * anthropic/claude-opus-5; WIRE.md "Models with `reasoning.default_enabled` reason (and bill reasoning)
 * unasked"); only `reasoning.enabled: false` or effort `none` turns it off.
 */
function implicitReasoningTokens(req: ChatRequest, model: CatalogModel): number {
  if (!model.reasoning) return 0;
  const r = req.reasoning;
  const effort = r?.effort ?? req.reasoning_effort;
  const off = r?.enabled === false || effort === "none";
  if (off) return model.reasoning.mandatory ? effortTokens("minimal") : 0;
  const asked = r != null || req.include_reasoning === true || effort != null;
  if (!asked && !model.reasoning.mandatory && model.reasoning.default_enabled !== true) return 0;
  return effortTokens(effort ?? model.reasoning.default_effort);
}

function webResults(topic: string, n: number, seed: number): { url: string; title: string; content: string }[] {
  const slug =
    topic
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "")
      .slice(0, 40) || "query";
  const tlds = ["com", "org", "net"];
  return Array.from({ length: n }, (_, i) => ({
    url: `https://www.example.${tlds[(seed + i) % 3]}/${slug}/${i + 1}`,
    title: `${topic || "Search"} — result ${i + 1}`,
    content: `Snippet ${i + 1} about ${topic || "the query"} from a stored local search index.`,
  }));
}

/**
 * `rates="model-a:20,model-b:80"`: a speed per model, so one prompt sent to several models (a
 * comparison) streams at a different rate from each; models not listed take `rate=`.
 */
function modelRate(spec: string | undefined, modelId: string): number | null {
  for (const entry of spec?.split(",") ?? []) {
    const at = entry.lastIndexOf(":");
    if (at <= 0 || entry.slice(0, at).trim() !== modelId) continue;
    const n = Number(entry.slice(at + 1));
    if (Number.isFinite(n) && n >= 0) return Math.min(n, 1_000_000);
  }
  return null;
}

export function buildPlan(ctx: PlanContext): Plan {
  const { req, directive: d, model, endpoint } = ctx;
  const name = d?.name ?? null;
  const seed = hash32(ctx.promptText);

  const defaultRate = ctx.defaultRate;
  const rateFallback = name === "long" ? (defaultRate === 0 ? 0 : Math.max(defaultRate, LONG_MIN_TOKENS_PER_SECOND)) : defaultRate;
  const rate = modelRate(d?.params.rates, model.id) ?? numParam(d, "rate", rateFallback, 0, 1_000_000);
  const keepAliveMs = intParam(d, "every", KEEPALIVE_DEFAULT_MS, 10);
  const firstTokenDelayMs = name === "slow-first" ? intParam(d, "ms", 3000) : intParam(d, "first", 0);

  // ---- tools
  const { toolCalls: plannedCalls, followUp } = planToolCalls(req, d);
  let toolCalls = plannedCalls;

  // ---- reasoning
  let reasoningCount = 0;
  if (name === "reasoning") reasoningCount = intParam(d, "tokens", REASONING_DEFAULT_TOKENS, 0, 100_000);
  else if (d?.params.reasoning !== undefined) reasoningCount = intParam(d, "reasoning", 0, 0, 100_000);
  else reasoningCount = implicitReasoningTokens(req, model);
  if (req.reasoning?.max_tokens != null) reasoningCount = Math.min(reasoningCount, req.reasoning.max_tokens);
  // Each step of a tool loop (and each turn) thinks differently, as a real model does: identical thinking
  // would be one block twice, which the provider deduplicates when it is sent back (reasoning.ts).
  const priorAnswers = req.messages.filter((m) => m.role === "assistant").length;
  let reasoning = reasoningCount > 0 ? tokenize(reasoningText(reasoningCount, hash32(`${ctx.promptText}\u0000${priorAnswers}`))) : [];
  const reasoningVisible = req.reasoning?.exclude !== true;

  // ---- images (image-output models)
  const wantsImage =
    model.architecture.output_modalities.includes("image") &&
    (req.modalities === undefined || req.modalities.includes("image")) &&
    toolCalls.length === 0;
  const images = wantsImage ? [pngDataUrl(seed)] : [];

  // ---- structured output: a JSON value matching `response_format`'s schema
  let structured: string | null = null;
  const rf = req.response_format as { type?: string; json_schema?: { schema?: unknown } } | undefined;
  if (rf?.type === "json_schema") structured = JSON.stringify(sampleFromSchema(rf.json_schema?.schema ?? { type: "object", properties: {} }));
  else if (rf?.type === "json_object") structured = JSON.stringify({ answer: defaultAnswer(ctx.promptText, model.name) });

  // ---- content
  let text: string;
  const p = d?.params ?? {};
  if (p.text !== undefined) text = p.text;
  else if (toolCalls.length > 0) text = "";
  else if (followUp !== null) text = followUp;
  else if (p.tokens !== undefined && name !== "reasoning") text = fillerText(intParam(d, "tokens", TEXT_DEFAULT_TOKENS, 0, 1_000_000), seed);
  else if (name === "reasoning" && p.answer !== undefined) text = fillerText(intParam(d, "answer", 20, 0, 1_000_000), seed);
  else if (name === "text") text = fillerText(TEXT_DEFAULT_TOKENS, seed);
  else if (name === "long") text = longText(LONG_TOKENS, seed);
  else if (name === "say") text = "";
  else if (name !== null && FAILURE_NAMES.has(name) && name !== "slow-first") text = fillerText(Math.max(intParam(d, "after", 5) + 20, 40), seed);
  else if (wantsImage) text = "Here is the image you asked for.";
  else if (structured !== null) text = structured;
  else text = defaultAnswer(ctx.promptText, model.name);

  // ---- stop sequences: the text ends before the first one (finish_reason stays "stop")
  const stops = req.stop == null ? [] : Array.isArray(req.stop) ? req.stop : [req.stop];
  let cut = -1;
  for (const st of stops) {
    const at = st ? text.indexOf(st) : -1;
    if (at >= 0 && (cut < 0 || at < cut)) cut = at;
  }
  if (cut >= 0) text = text.slice(0, cut);

  // ---- web search (plugin `web` or `:online`)
  let annotations: UrlCitation[] = [];
  let webSearch: WebSearchCharge | null = null;
  let numSearchResults = 0;
  if (ctx.webSearch.enabled && toolCalls.length === 0) {
    // Native search when asked for (or by default) and the endpoint prices it; otherwise the Exa plugin.
    const engine = ctx.webSearch.engine;
    const native = (engine === undefined || engine === "native") && endpoint.pricing.web_search !== undefined;
    numSearchResults = ctx.webSearch.maxResults;
    webSearch = native ? { engine: "native" } : { engine: "exa", results: numSearchResults };
    const topic = ctx.promptText.replace(/\s+/g, " ").trim().split(" ").slice(0, 6).join(" ");
    const found = webResults(topic, numSearchResults, seed);
    let body = `${text}\n\nSources: `;
    annotations = found.map((r, i) => {
      const link = `[${new URL(r.url).hostname}](${r.url})`;
      if (i > 0) body += ", ";
      const start = body.length;
      body += link;
      return { type: "url_citation", url_citation: { url: r.url, title: r.title, content: r.content, start_index: start, end_index: body.length } };
    });
    text = body;
  }

  let content = tokenize(text);

  // ---- max_tokens: reasoning, then text, then tool calls
  let finishReason: FinishReason = toolCalls.length > 0 ? "tool_calls" : "stop";
  const maxTokens = req.max_tokens ?? req.max_completion_tokens ?? null;
  if (maxTokens != null) {
    let budget = maxTokens;
    const take = <T>(arr: T[]): T[] => {
      const kept = arr.slice(0, Math.max(0, budget));
      budget -= kept.length;
      return kept;
    };
    const total = reasoning.length + content.length + toolCalls.reduce((n, t) => n + t.nameTokens + t.argPieces.length, 0);
    if (total > maxTokens) {
      reasoning = take(reasoning);
      content = take(content);
      const kept: PlannedToolCall[] = [];
      for (const t of toolCalls) {
        if (budget < t.nameTokens) break;
        budget -= t.nameTokens;
        kept.push({ ...t, argPieces: take(t.argPieces) });
      }
      toolCalls = kept;
      finishReason = "length";
    }
  }

  // ---- `finish=`: what real providers end with besides the expected reason. Tool calls ending `stop` (streamed
  // o1-pro and Cohere, BerriAI/litellm#12862; OCI, BerriAI/litellm#40040) or with no finish at all
  // (openclaw/openclaw#98575); `content_filter` when the provider's filter stops an answer (the spec's
  // ChatFinishReasonEnum); the text planned up to then is sent.
  const finishParam = p.finish;
  let finish: FinishReason | null = finishReason;
  if (finishParam === "null") finish = null;
  else if (finishParam === "stop" || finishParam === "length" || finishParam === "tool_calls" || finishParam === "content_filter")
    finish = finishParam;

  // ---- failures
  let failure: Failure | null = null;
  let stall: Plan["stall"] = null;
  const after = intParam(d, "after", 5);
  if (name === "midstream-error") {
    const code = intParam(d, "code", 502, 400, 599);
    failure = { kind: "midstream-error", afterTokens: after, code, message: p.message ?? MIDSTREAM_MESSAGES[code] ?? "Provider returned error" };
  } else if (name === "drop") failure = { kind: "drop", afterTokens: after };
  else if (name === "malformed") failure = { kind: "malformed", afterTokens: after, then: p.then === "close" ? "close" : "continue" };
  // Without `every=` a stall is silence, the case the app's short timeout is for; with it, keep-alives
  // only, as OpenRouter sends while a provider thinks (the app's longer keep-alive ceiling).
  else if (name === "stall")
    stall = { afterTokens: after, ms: intParam(d, "ms", STALL_DEFAULT_MS), everyMs: d?.params.every === undefined ? null : keepAliveMs };
  const leadingKeepAlives = intParam(d, "keepalives", model.reasoning ? LEADING_KEEPALIVES_REASONING : LEADING_KEEPALIVES, 0, 1000);
  const shapeParam = d?.params.shape;
  const shape: StreamShape =
    shapeParam === "2025" || shapeParam === "2026" ? shapeParam : (ctx.streamShape ?? defaultStreamShape(endpoint.providerName));

  return {
    reasoning,
    reasoningVisible,
    content,
    toolCalls,
    images,
    annotations,
    finishReason: finish,
    toolCallsWhole: p.whole === "1",
    failure,
    stall,
    leadingKeepAlives,
    reasoningKeepAlives: model.reasoning ? REASONING_KEEPALIVES : 0,
    shape,
    firstTokenDelayMs,
    keepAliveMs,
    rate,
    cachedTokens: Math.min(intParam(d, "cached", 0), ctx.promptTokens),
    webSearch,
    numSearchResults,
    byokFeePercent: d?.params.byok === undefined ? null : numParam(d, "byok", 0, 0, 100),
    nullUsage: d?.params.usage === "null",
  };
}
