// The local OpenRouter against the responses recorded from openrouter.ai (tests/fixtures/openrouter-recorded): the
// KEY SETS and VALUE TYPES of its stream chunks (by delta shape and kind of chunk), usage objects, non-streaming
// completion bodies, `/generation` data and `/models` entries must be the recorded ones. A key a recording has that
// the local server lacks, or a key the local server sends that no recording has, fails — unless ALLOWED names it
// with the reason, and every ALLOWED entry must still be needed, so the simulation cannot drift in either direction.
// Error bodies and in-band errors are compared elsewhere (their chunks are left out here).
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { startLocalOpenRouter } from "./server";
import { getJson, parseStream, waitForGeneration } from "./test-utils";
import type { LocalOpenRouter } from "./types";
import { readRecorded, recordedStreams } from "@/tests/helpers/recorded";

const KEY = "sk-or-v1-recorded-shape-test";

/** Path → the JSON types seen there. Arrays add `path[]` for their items. */
type Paths = Map<string, Set<string>>;

function typeOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v;
}

/** Adds `value`'s paths to `out`; paths in `opaque` are recorded with their type but not entered. */
function collect(value: unknown, out: Paths, opaque: ReadonlySet<string>, at = ""): Paths {
  if (at !== "") {
    const types = out.get(at) ?? new Set<string>();
    types.add(typeOf(value));
    out.set(at, types);
    if (opaque.has(at)) return out;
  }
  if (Array.isArray(value)) for (const item of value) collect(item, out, opaque, `${at}[]`);
  else if (typeof value === "object" && value !== null) {
    for (const [k, v] of Object.entries(value)) collect(v, out, opaque, at === "" ? k : `${at}.${k}`);
  }
  return out;
}

/**
 * Differences the local server keeps on purpose, each with its reason. Keys: `<comparison> <path>` for a path one
 * side lacks, `<comparison> <path>:<type>` for a type the recordings never show there.
 */
const ALLOWED: Record<string, string> = {
  "chunk 2025 text system_fingerprint":
    "only OpenAI's 2025 gpt-4o/gpt-4o-mini chunks carry it (stream-keepalives-before-first-token-openai-gpt-4o-mini.partial.sse); o3's and the Google-served Claude's do not; not simulated",
  "chunk 2025 finish system_fingerprint": "as for text chunks (stream-usage-after-finish-no-cost-openai-gpt-4o.chunks.txt)",
  "usage completion_tokens_details.accepted_prediction_tokens":
    "OpenAI predicted outputs, only in the 2025 gpt-4o quote (stream-usage-after-finish-no-cost-openai-gpt-4o.chunks.txt); not simulated",
  "usage completion_tokens_details.rejected_prediction_tokens": "as accepted_prediction_tokens",
  "usage server_tool_use_details.tool_calls_requested":
    "server tools (openrouter:advisor) are accepted but not run locally (README, Known differences: Web search)",
  "usage server_tool_use_details.tool_calls_executed": "as tool_calls_requested",
  "completion system_fingerprint": "required by the spec's ChatResult (spec/openapi.yaml), absent from every recorded body; sent as null",
  "generation id:string": "the spec's GenerationResponse has the `gen-…` id in `id`; the 2025 recording has a numeric row id there",
  "generation generation_id": "2025 name of the `gen-…` id, now `id` in the spec's GenerationResponse",
  "generation usage_cache": "2025 name; the spec's GenerationResponse has `cache_discount`",
  "generation usage_data": "2025 field, not in the spec's GenerationResponse",
  "generation usage_web": "2025 field, not in the spec's GenerationResponse",
  "generation usage_file": "2025 field, not in the spec's GenerationResponse",
  "generation byok_usage_inference": "2025 name; the spec's GenerationResponse has `upstream_inference_cost` and `is_byok`",
  "models pricing.request":
    "per-request prices are in the recorded 2025 listing the catalog is generated from (catalog-recorded.json: RooVetGit/Roo-Code openrouter-models.json); the corpus subset has none",
  "models reasoning.supported_efforts:null": "catalog contents: local models without a list of efforts (corpus README point 20)",
  "models default_parameters:null": "catalog contents: local models without defaults; the recording has an object of nulls (point 20)",
  "models default_parameters.top_p": "catalog contents: local defaults name the temperature only (corpus README point 20)",
  "models default_parameters.top_k": "as default_parameters.top_p",
  "models default_parameters.frequency_penalty": "as default_parameters.top_p",
  "models default_parameters.presence_penalty": "as default_parameters.top_p",
  "models default_parameters.repetition_penalty": "as default_parameters.top_p",
  "models benchmarks": "third-party benchmark scores; not simulated",
  "models benchmarks.artificial_analysis": "as benchmarks",
  "models benchmarks.artificial_analysis.agentic_index": "as benchmarks",
  "models benchmarks.artificial_analysis.coding_index": "as benchmarks",
  "models benchmarks.artificial_analysis.intelligence_index": "as benchmarks",
  "models benchmarks.design_arena": "as benchmarks",
  "models benchmarks.design_arena[]": "as benchmarks",
  "models benchmarks.design_arena[].arena": "as benchmarks",
  "models benchmarks.design_arena[].category": "as benchmarks",
  "models benchmarks.design_arena[].elo": "as benchmarks",
  "models benchmarks.design_arena[].rank": "as benchmarks",
  "models benchmarks.design_arena[].win_rate": "as benchmarks",
};

const used = new Set<string>();

/**
 * The differences between the recorded and the local paths of one comparison that ALLOWED does not excuse.
 * `localAllowed`: local-only paths excused by a rule (the spec); `nullIsUntyped`: a path recorded only as `null`
 * says nothing of its type (a catalog's or a record's field that happened to be empty).
 */
function differences(
  name: string,
  recorded: Paths,
  local: Paths,
  { localAllowed = () => false, nullIsUntyped = false }: { localAllowed?: (path: string) => boolean; nullIsUntyped?: boolean } = {},
): string[] {
  const problems: string[] = [];
  const allowed = (key: string) => {
    if (!(key in ALLOWED)) return false;
    used.add(key);
    return true;
  };
  for (const [p, types] of local) {
    const seen = recorded.get(p);
    if (!seen) {
      if (!allowed(`${name} ${p}`) && !localAllowed(p)) problems.push(`${name}: local sends ${p}, no recording has it`);
      continue;
    }
    if (nullIsUntyped && seen.size === 1 && seen.has("null")) continue;
    for (const t of types)
      if (!seen.has(t) && !allowed(`${name} ${p}:${t}`)) problems.push(`${name}: local ${p} is ${t}, recorded ${[...seen].join("|")}`);
  }
  for (const p of recorded.keys()) if (!local.has(p) && !allowed(`${name} ${p}`)) problems.push(`${name}: recorded ${p} is missing locally`);
  return problems;
}

// ---- recorded stream chunks, by shape and kind

type Kind = "text" | "reasoning" | "annotations" | "finish" | "usage" | "error";
type Shape = "2025" | "2026";

/** 2025 chunks start `id, provider`; 2026 chunks `id, object` (corpus README point 2). */
function shapeOfChunk(chunk: Record<string, unknown>): Shape {
  return Object.keys(chunk)[1] === "provider" ? "2025" : "2026";
}

function kindOf(chunk: Record<string, unknown>): Kind {
  if (chunk.error !== undefined) return "error";
  if (chunk.usage !== undefined) return "usage";
  const choice = (chunk.choices as { delta?: Record<string, unknown>; finish_reason?: unknown }[])[0];
  const delta = choice?.delta ?? {};
  if (delta.reasoning != null || (Array.isArray(delta.reasoning_details) && delta.reasoning_details.length > 0)) return "reasoning";
  if (delta.annotations !== undefined) return "annotations";
  if (choice?.finish_reason != null) return "finish";
  return "text";
}

/** Reasoning details' content and in-band errors are compared by their own tests; usage on its own below. */
const CHUNK_OPAQUE = new Set(["usage", "error", "choices[].delta.reasoning_details[]"]);

function chunkPaths(chunks: Record<string, unknown>[]): Map<string, Paths> {
  const byGroup = new Map<string, Paths>();
  for (const chunk of chunks) {
    const kind = kindOf(chunk);
    if (kind === "error") continue;
    const group = `${shapeOfChunk(chunk)} ${kind}`;
    byGroup.set(group, collect(chunk, byGroup.get(group) ?? new Map(), CHUNK_OPAQUE));
  }
  return byGroup;
}

/** The raw streams captured from the live service (the documentation example is not a capture). */
const recordedRaw = recordedStreams({ captured: true }).map(({ file, body }) => ({ file, raw: body }));
const recordedChunks = [
  ...recordedRaw.flatMap(({ raw }) => parseStream(raw).chunks),
  ...readRecorded("stream-usage-after-finish-no-cost-openai-gpt-4o.chunks.txt")
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as Record<string, unknown>),
];

const COMPLETIONS = [
  "completion-reasoning-summary-encrypted-openai-gpt-5-mini.json",
  "completion-tool-call-mistral-small.json",
  "completion-reasoning-text-signature-claude-3.7-sonnet-thinking.json",
  "completion-tool-call-claude-sonnet-4.5.json",
].map((file) => JSON.parse(readRecorded(file)) as Record<string, unknown>);

// ---- the local server's answers to comparable requests

let or: LocalOpenRouter;
const local: { raw: string; headers: Headers; chunks: Record<string, unknown>[]; label: string }[] = [];
const localBodies: Record<string, unknown>[] = [];
const localGenerationIds: string[] = [];

type Req = { label: string; model: string; text: string; provider?: string; stream?: boolean; extra?: Record<string, unknown> };

const WEATHER_TOOL = {
  type: "function",
  function: {
    name: "get_weather",
    description: "Weather",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};

/** What is compared: streams of both shapes (every usage placement, reasoning, citations) and non-streaming bodies. */
const REQUESTS: Req[] = [
  { label: "2025 text (OpenAI)", model: "openai/gpt-4o-mini", text: "Hello there" },
  {
    label: "2025 reasoning (Claude via Google)",
    model: "anthropic/claude-sonnet-4.5",
    provider: "google-vertex",
    text: "[[sb:reasoning tokens=20]] 2+2?",
  },
  { label: "2025 reasoning (DeepSeek R1)", model: "deepseek/deepseek-r1", text: "Why is the sky blue?" },
  { label: "2026 text, usage repeating the finish (OpenAI)", model: "openai/gpt-4o-mini", text: "Hello [[sb:text tokens=12 shape=2026]]" },
  { label: "2026 text, usage with choices: [] (Bedrock)", model: "anthropic/claude-haiku-4.5", provider: "amazon-bedrock", text: "Hello" },
  { label: "2026 citations and web search usage (OpenAI)", model: "openai/gpt-4.1-mini:online", text: "pydantic ai [[sb:text tokens=8 shape=2026]]" },
  { label: "completion (text)", model: "openai/gpt-4o-mini", text: "Hi", stream: false },
  {
    label: "completion (reasoning)",
    model: "anthropic/claude-sonnet-4.5",
    provider: "google-vertex",
    text: "[[sb:reasoning tokens=12]] hi",
    stream: false,
  },
  {
    label: "completion (tool call)",
    model: "mistralai/mistral-small-3.2-24b-instruct",
    text: "[[sb:tool name=get_weather]] Paris?",
    stream: false,
    extra: { tools: [WEATHER_TOOL] },
  },
];

async function send(r: Req): Promise<void> {
  const body = {
    model: r.model,
    stream: r.stream ?? true,
    usage: { include: true },
    messages: [{ role: "user", content: r.text }],
    ...(r.provider ? { provider: { order: [r.provider], allow_fallbacks: false } } : {}),
    ...r.extra,
  };
  const res = await fetch(`${or.baseURL}/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const raw = await res.text();
  if (res.status !== 200) throw new Error(`${r.label}: ${res.status} ${raw}`);
  localGenerationIds.push(res.headers.get("x-generation-id") ?? "");
  if (r.stream === false) localBodies.push(JSON.parse(raw) as Record<string, unknown>);
  else local.push({ raw, headers: res.headers, chunks: parseStream(raw).chunks, label: r.label });
}

beforeAll(async () => {
  or = await startLocalOpenRouter({ apiKey: KEY, tokensPerSecond: 0 });
  for (const r of REQUESTS) await send(r);
});

afterAll(async () => {
  await or.close();
});

describe("stream chunks: key sets and value types by shape and kind", () => {
  const groups = () => ({ recorded: chunkPaths(recordedChunks), local: chunkPaths(local.flatMap((s) => s.chunks)) });

  it("the local server sends every recorded kind of chunk in both shapes, and no kind that was never recorded", () => {
    const { recorded, local: mine } = groups();
    expect([...mine.keys()].sort()).toEqual([...recorded.keys()].sort());
  });

  it("each kind of chunk has the recorded keys with the recorded types", () => {
    const { recorded, local: mine } = groups();
    const problems = [...mine.keys()].flatMap((group) => differences(`chunk ${group}`, recorded.get(group) ?? new Map(), mine.get(group)!));
    expect(problems).toEqual([]);
  });

  it("keys come in the recorded order: 2025 `id, provider, model, object, created`, 2026 `id, object, created, model, provider`", () => {
    const order = (chunks: Record<string, unknown>[], shape: Shape, kind: Kind) => {
      const chunk = chunks.find((c) => shapeOfChunk(c) === shape && kindOf(c) === kind && !("system_fingerprint" in c))!;
      const choice = (chunk.choices as Record<string, unknown>[])[0]!;
      return [Object.keys(chunk), Object.keys(choice), Object.keys(choice.delta as object)];
    };
    const mine = local.flatMap((s) => s.chunks);
    for (const shape of ["2025", "2026"] as const) {
      // The text delta of a 2025 Google-served Claude carries the null reasoning fields; OpenAI's 2025 ones do not.
      const recorded =
        shape === "2025"
          ? parseStream(recordedRaw[1]!.raw)
              .chunks.filter((c) => kindOf(c) === "text")
              .slice(-3)
          : recordedChunks;
      expect(order(mine, shape, "text")).toEqual(order(recorded, shape, "text"));
    }
    expect(order(mine, "2026", "text")[0]).toEqual(["id", "object", "created", "model", "provider", "choices"]);
  });
});

describe("the usage chunk's three placements (corpus README point 3)", () => {
  const usageChunk = (label: string) => local.find((s) => s.label.startsWith(label))!.chunks.find((c) => c.usage !== undefined)!;

  it("(a) 2025: its own chunk, one choice with an empty delta and finish_reason null", () => {
    const chunk = usageChunk("2025 text");
    expect(chunk.choices).toEqual([
      { index: 0, delta: { role: "assistant", content: "" }, finish_reason: null, native_finish_reason: null, logprobs: null },
    ]);
  });

  it("(b) Amazon Bedrock: choices: []", () => {
    expect(usageChunk("2026 text, usage with choices: []").choices).toEqual([]);
  });

  it("(c) OpenAI 2026: a second chunk repeating finish_reason stop, with service_tier", () => {
    const s = local.find((x) => x.label.startsWith("2026 text, usage repeating"))!;
    const finishes = s.chunks.filter((c) => (c.choices as { finish_reason: string | null }[])[0]?.finish_reason === "stop");
    expect(finishes).toHaveLength(2);
    expect(finishes[0]!.usage).toBeUndefined();
    expect(finishes[1]!.usage).toBeDefined();
    expect(Object.keys(finishes[1]!).slice(0, 7)).toEqual(["id", "object", "created", "model", "provider", "service_tier", "choices"]);
  });
});

describe("usage objects", () => {
  it("have the recorded keys with the recorded types (streams, bodies and the BYOK example)", () => {
    const recorded: Paths = new Map();
    for (const c of recordedChunks) if (c.usage && typeof c.usage === "object") collect(c.usage, recorded, new Set());
    for (const body of COMPLETIONS) collect(body.usage, recorded, new Set());
    collect(JSON.parse(readRecorded("usage-byok.json")), recorded, new Set());
    const mine: Paths = new Map();
    for (const s of local) for (const c of s.chunks) if (c.usage) collect(c.usage, mine, new Set());
    for (const body of localBodies) collect(body.usage, mine, new Set());
    expect(differences("usage", recorded, mine)).toEqual([]);
  });
});

describe("non-streaming completion bodies", () => {
  it("have the recorded keys with the recorded types", () => {
    const opaque = new Set(["usage", "choices[].message.reasoning_details[]"]);
    const recorded: Paths = new Map();
    for (const body of COMPLETIONS) collect(body, recorded, opaque);
    const mine: Paths = new Map();
    for (const body of localBodies) collect(body, mine, opaque);
    expect(differences("completion", recorded, mine)).toEqual([]);
  });
});

describe("/generation data", () => {
  /** The recorded 2025 body is cut off: its top-level keys and one-line values, read line by line. */
  function recordedGeneration(): Paths {
    const out: Paths = new Map();
    for (const line of readRecorded("generation-data-claude-3.7-sonnet.partial.txt").split("\n")) {
      const m = /^ {2}"([a-z_]+)": (.*?),?$/.exec(line);
      if (!m) continue;
      const value: unknown = m[2] === "[" ? [] : m[2] === "{" ? {} : JSON.parse(m[2]!);
      out.set(m[1]!, new Set([typeOf(value)]));
    }
    return out;
  }

  it("has the recorded keys with the recorded types; other keys only as the spec's GenerationResponse names them", async () => {
    const spec = parse(readFileSync(path.join(process.cwd(), "local-openrouter/spec/openapi.yaml"), "utf8")) as {
      components: { schemas: Record<string, { properties?: Record<string, { $ref?: string; properties?: Record<string, unknown> }> }> };
    };
    const data = spec.components.schemas.GenerationResponse!.properties!.data!;
    const specKeys = new Set(Object.keys(data.$ref ? spec.components.schemas[data.$ref.split("/").at(-1)!]!.properties! : data.properties!));
    expect(specKeys.size).toBeGreaterThan(20);
    const mine: Paths = new Map();
    for (const id of localGenerationIds) {
      const d = await waitForGeneration(or.baseURL, KEY, id);
      const top = Object.fromEntries(Object.entries(d).map(([k, v]) => [k, Array.isArray(v) ? [] : v]));
      collect(top, mine, new Set(Object.keys(top)));
    }
    expect(differences("generation", recordedGeneration(), mine, { localAllowed: (p) => specKeys.has(p), nullIsUntyped: true })).toEqual([]);
  });
});

describe("/models entries", () => {
  it("have the recorded keys with the recorded types", async () => {
    const recorded: Paths = new Map();
    for (const m of (JSON.parse(readRecorded("models-listing-subset-tiered-alias-router.json")) as { data: unknown[] }).data)
      collect(m, recorded, new Set());
    const r = await getJson(`${or.baseURL}/models`);
    const mine: Paths = new Map();
    for (const m of (r.json as { data: unknown[] }).data) collect(m, mine, new Set());
    expect(differences("models", recorded, mine, { nullIsUntyped: true })).toEqual([]);
  });
});

describe("stream framing", () => {
  const leading = (raw: string) => raw.split("\n\n").findIndex((e) => !e.startsWith(":"));

  it("keep-alive comments before the first chunk of every stream, within the recorded range", () => {
    const counts = recordedRaw.map((r) => leading(r.raw));
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(2);
    for (const s of local) {
      expect(leading(s.raw), s.label).toBeGreaterThanOrEqual(Math.min(...counts));
      expect(leading(s.raw), s.label).toBeLessThanOrEqual(Math.max(...counts));
    }
  });

  it("reasoning models send keep-alives between chunks too, as the recorded o3 and Claude streams do", () => {
    const between = (raw: string) =>
      raw
        .slice(raw.indexOf("data: "))
        .split("\n\n")
        .filter((e) => e.startsWith(":")).length;
    expect(between(recordedRaw.find((r) => r.file.includes("openai-o3"))!.raw)).toBeGreaterThan(0);
    expect(between(recordedRaw.find((r) => r.file.includes("claude-sonnet-4.5"))!.raw)).toBeGreaterThan(0);
    for (const s of local.filter((x) => x.label.includes("reasoning"))) expect(between(s.raw), s.label).toBeGreaterThan(0);
    for (const s of local.filter((x) => !x.label.includes("reasoning"))) expect(between(s.raw), s.label).toBe(0);
  });

  it("X-Provider-Name beside X-Generation-Id, exposed as recorded", () => {
    const recorded = JSON.parse(readRecorded("stream-text-deltas-keepalives-openai-gpt-4o-mini-2026.headers.json")) as {
      headers: Record<string, string>;
    };
    for (const s of local) {
      expect(s.headers.get("x-provider-name")).toBe(s.chunks[0]!.provider);
      expect(s.headers.get("x-generation-id")).toBe(s.chunks[0]!.id);
      expect(s.headers.get("access-control-expose-headers")).toBe(recorded.headers["access-control-expose-headers"]);
    }
  });

  it("native_finish_reason as recorded: Claude via Google or Bedrock `stop`, OpenAI Responses-API models `completed`", async () => {
    const finish = (chunks: Record<string, unknown>[]) =>
      chunks.map((c) => (c.choices as { native_finish_reason?: string | null }[])[0]?.native_finish_reason).find((n) => n != null);
    const byFile = (part: string) => finish(parseStream(recordedRaw.find((r) => r.file.includes(part))!.raw).chunks);
    const byLabel = (part: string) => finish(local.find((s) => s.label.includes(part))!.chunks);
    expect(byLabel("Claude via Google")).toBe(byFile("anthropic-claude-sonnet-4.5"));
    expect(byLabel("(Bedrock)")).toBe(byFile("claude-sonnet-4.6-bedrock"));
    expect(byLabel("citations")).toBe(byFile("gpt-4.1-mini"));
    expect(byLabel("2026 text, usage repeating")).toBe(byFile("gpt-4o-mini-2026"));
  });
});

describe("the allow-list", () => {
  it("has no entry that is no longer needed", () => {
    // Runs last (files run their tests in order): every comparison above has marked what it used.
    expect(Object.keys(ALLOWED).filter((key) => !used.has(key))).toEqual([]);
  });
});
