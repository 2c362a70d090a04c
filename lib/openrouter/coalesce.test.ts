// The SSE coalescer on real upstream bytes: a stream from the local OpenRouter (over HTTP) and the
// streams recorded from openrouter.ai (tests/fixtures/openrouter-recorded) fed through it whole, byte
// by byte and in random pieces must keep every character of text and every other event exactly,
// merge only plain text deltas — in both recorded delta shapes — and read the same in the AI SDK.
import { createOpenRouter } from "@openrouter/ai-sdk-provider";
import { streamText } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalOpenRouter, type LocalOpenRouter } from "@/local-openrouter";
import { recordedStreams } from "@/tests/helpers/recorded";
import { coalesceTextDeltas, withCoalescedTextDeltas } from "./coalesce";

const KEY = "sk-or-v1-coalesce-test-key";
let upstream: LocalOpenRouter;

beforeAll(async () => {
  upstream = await startLocalOpenRouter({ apiKey: KEY, tokensPerSecond: 5000 });
});

afterAll(async () => {
  await upstream.close();
});

const encoder = new TextEncoder();

async function rawStream(prompt: string, model = "openai/gpt-4o-mini"): Promise<Uint8Array<ArrayBuffer>> {
  const response = await fetch(`${upstream.baseURL}/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
    body: JSON.stringify({ model, stream: true, usage: { include: true }, messages: [{ role: "user", content: prompt }] }),
  });
  expect(response.status).toBe(200);
  return new Uint8Array(await response.arrayBuffer());
}

/** Feeds `bytes` through the coalescer in the given pieces; returns the output as text. */
async function throughCoalescer(bytes: Uint8Array, cuts: number[]): Promise<string> {
  const pieces: Uint8Array[] = [];
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    pieces.push(bytes.slice(at, cut));
    at = cut;
  }
  const source = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const piece of pieces) controller.enqueue(piece);
      controller.close();
    },
  });
  return new Response(source.pipeThrough(coalesceTextDeltas())).text();
}

type Event = { raw: string; text: string | null };

/** Empty as the real text deltas' companions are: `null` or `[]`. */
const empty = (value: unknown) => value === null || (Array.isArray(value) && value.length === 0);

/** A text delta: one choice without a finish or logprobs, string content, every other delta field empty. */
function events(sse: string): Event[] {
  return sse
    .split("\n\n")
    .filter((e) => e.length > 0)
    .map((raw) => {
      if (!raw.startsWith("data: ") || raw === "data: [DONE]") return { raw, text: null };
      const chunk = JSON.parse(raw.slice(6)) as {
        choices?: { delta?: Record<string, unknown>; finish_reason?: unknown; logprobs?: unknown }[];
        usage?: unknown;
        error?: unknown;
      };
      const choice = chunk.choices?.length === 1 ? chunk.choices[0] : undefined;
      const delta = choice?.delta ?? {};
      const plain =
        choice &&
        !chunk.usage &&
        !chunk.error &&
        choice.finish_reason == null &&
        choice.logprobs == null &&
        typeof delta.content === "string" &&
        Object.entries(delta).every(([k, v]) => k === "content" || k === "role" || empty(v));
      return { raw, text: plain ? String(delta.content) : null };
    });
}

function allText(sse: string): string {
  return events(sse)
    .map((e) => e.text ?? "")
    .join("");
}

function otherEvents(sse: string): string[] {
  return events(sse)
    .filter((e) => e.text === null)
    .map((e) => e.raw);
}

describe("coalescing text deltas", () => {
  it("merges a whole answer read at once into few events, keeping all text and every other event", async () => {
    const raw = await rawStream("Tell me a long story about ünïcode — 日本語 and emoji 🎉. [[sb:text tokens=120]]");
    const original = new TextDecoder().decode(raw);
    // The local OpenRouter's default shape is the recorded 2025 one, null-valued fields and all.
    expect(original).toContain('"reasoning":null,"reasoning_details":[]},"finish_reason":null,"native_finish_reason":null,"logprobs":null}');
    const merged = await throughCoalescer(raw, []);
    expect(allText(merged)).toBe(allText(original));
    expect(otherEvents(merged)).toEqual(otherEvents(original));
    expect(events(original).filter((e) => e.text !== null).length).toBeGreaterThanOrEqual(100);
    // One read: the text deltas collapse (the role-bearing first delta starts the run).
    expect(events(merged).filter((e) => e.text !== null).length).toBe(1);
    expect(merged.endsWith("data: [DONE]\n\n")).toBe(true);
  });

  it("keeps the stream exact whatever the read boundaries, including inside multi-byte characters", async () => {
    const raw = await rawStream("Unicode everywhere: 日本語テキスト 🎉🎉 ünïcödé. [[sb:text tokens=80]]");
    const original = new TextDecoder().decode(raw);
    const byteByByte = await throughCoalescer(
      raw,
      Array.from({ length: raw.length - 1 }, (_, i) => i + 1),
    );
    expect(byteByByte).toBe(original);
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (let round = 0; round < 20; round++) {
      const cuts = Array.from({ length: 30 }, () => Math.floor(random() * raw.length)).sort((a, b) => a - b);
      const out = await throughCoalescer(raw, cuts);
      expect(allText(out)).toBe(allText(original));
      expect(otherEvents(out)).toEqual(otherEvents(original));
    }
  });

  it("never merges across a finish, usage, tool call, reasoning, comment or a change of generation", async () => {
    const chunk = (id: string, delta: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      `data: ${JSON.stringify({ id, object: "chat.completion.chunk", model: "m", provider: "P", choices: [{ index: 0, delta, finish_reason: null, native_finish_reason: null }], ...extra })}\n\n`;
    const sse = [
      chunk("a", { role: "assistant", content: "He" }),
      chunk("a", { content: "llo" }),
      ": OPENROUTER PROCESSING\n\n",
      chunk("a", { content: " wor" }),
      chunk("a", { reasoning: "thinking", content: "" }),
      chunk("a", { content: "ld" }),
      chunk("b", { content: "!" }),
      chunk("a", { content: "" }, { usage: { prompt_tokens: 1, completion_tokens: 2 } }),
      chunk("a", { tool_calls: [{ index: 0, id: "t", type: "function", function: { name: "f", arguments: "{}" } }] }),
      "data: [DONE]\n\n",
    ].join("");
    const out = await throughCoalescer(encoder.encode(sse), []);
    const texts = events(out).map((e) => e.text);
    expect(texts).toEqual(["Hello", null, " wor", null, "ld", "!", null, null, null]);
    expect(otherEvents(out)).toEqual(otherEvents(sse));
  });

  it.each(["2025", "2026"])("reads the same through the AI SDK in the %s shape: text and usage equal the uncoalesced stream's", async (shape) => {
    const raw = await rawStream(`Same story twice, please. [[sb:text tokens=60 shape=${shape}]]`);
    const run = async (coalesce: boolean) => {
      const provider = createOpenRouter({
        apiKey: KEY,
        baseURL: upstream.baseURL,
        compatibility: "strict",
        // The recorded bytes as one read, so every text delta is in one piece.
        fetch: async () => {
          const response = new Response(raw, { status: 200, headers: { "content-type": "text/event-stream" } });
          return coalesce ? withCoalescedTextDeltas(response) : response;
        },
      });
      const result = streamText({ model: provider.chat("openai/gpt-4o-mini"), prompt: "x" });
      const deltas: string[] = [];
      for await (const part of result.fullStream) if (part.type === "text-delta") deltas.push(part.text);
      return { text: await result.text, usage: await result.usage, deltas: deltas.length };
    };
    const plain = await run(false);
    const coalesced = await run(true);
    expect(coalesced.text).toBe(plain.text);
    expect(coalesced.text.length).toBeGreaterThan(100);
    expect(coalesced.usage).toEqual(plain.usage);
    expect(coalesced.deltas).toBeLessThan(plain.deltas / 10);
  });

  it("leaves errors and non-SSE responses alone", () => {
    const error = new Response("{}", { status: 402, headers: { "content-type": "application/json" } });
    expect(withCoalescedTextDeltas(error)).toBe(error);
    const json = new Response("{}", { status: 200, headers: { "content-type": "application/json" } });
    expect(withCoalescedTextDeltas(json)).toBe(json);
  });
});

const streams = recordedStreams();

/** Runs of consecutive text deltas (any other event, a keep-alive comment too, ends a run). */
function textRuns(sse: string): number {
  let runs = 0;
  let inRun = false;
  for (const e of events(sse)) {
    if (e.text !== null && !inRun) runs++;
    inRun = e.text !== null;
  }
  return runs;
}

describe("coalescing the streams recorded from openrouter.ai", () => {
  it.each(streams)("$file: each run of text deltas becomes one event; text and every other event kept", async ({ body }) => {
    const bytes = encoder.encode(body);
    const merged = await throughCoalescer(bytes, []);
    expect(allText(merged)).toBe(allText(body));
    expect(otherEvents(merged)).toEqual(otherEvents(body));
    expect(events(merged).filter((e) => e.text !== null)).toHaveLength(textRuns(body));
    let seed = 11;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (let round = 0; round < 5; round++) {
      const cuts = Array.from({ length: 20 }, () => Math.floor(random() * bytes.length)).sort((a, b) => a - b);
      const out = await throughCoalescer(bytes, cuts);
      expect(allText(out)).toBe(allText(body));
      expect(otherEvents(out)).toEqual(otherEvents(body));
    }
  });

  it("merges the 2025 shape's text deltas (reasoning: null, reasoning_details: [], logprobs: null) keeping those fields", async () => {
    const { body } = streams.find((r) => r.file.includes("anthropic-claude-sonnet-4.5"))!;
    const before = events(body).filter((e) => e.text !== null).length;
    const merged = events(await throughCoalescer(encoder.encode(body), [])).filter((e) => e.text !== null);
    expect(merged.length).toBeLessThan(before);
    const answer = merged.find((e) => e.text === "2 + 2 = 4");
    expect(answer).toBeDefined();
    const chunk = JSON.parse(answer!.raw.slice(6)) as { choices: { delta: Record<string, unknown>; logprobs: unknown }[] };
    expect(chunk.choices[0]!.delta).toEqual({ role: "assistant", content: "2 + 2 = 4", reasoning: null, reasoning_details: [] });
    expect(chunk.choices[0]!).toHaveProperty("logprobs", null);
  });

  it("merges the 2026 shape's {content, role} deltas and keeps the usage chunk that repeats the finish", async () => {
    const { body } = streams.find((r) => r.file.includes("gpt-4o-mini-2026"))!;
    const merged = await throughCoalescer(encoder.encode(body), []);
    const texts = events(merged).filter((e) => e.text !== null);
    expect(texts).toHaveLength(1);
    expect(texts[0]!.raw.startsWith('data: {"id":"gen-1784878121-HxA00pxmV0n2x1hZAuok","object":"chat.completion.chunk","created":1784878121')).toBe(
      true,
    );
    const finishes = events(merged).filter((e) => e.raw.includes('"finish_reason":"stop"'));
    expect(finishes).toHaveLength(2);
    expect(finishes[1]!.raw).toContain('"usage":');
  });

  it("never merges across a recorded chunk that carries something: reasoning, a closing reasoning detail, annotations, finish, usage, error", async () => {
    const lines = (file: string) =>
      streams
        .find((r) => r.file === file)!
        .body.split("\n\n")
        .filter((e) => e.startsWith("data: {"));
    const claude = lines("stream-reasoning-text-signature-anthropic-claude-sonnet-4.5.sse");
    const text = claude.find((e) => e.includes('"content":"2 "'))!;
    const withText = (t: string) => text.replace('"content":"2 "', `"content":${JSON.stringify(t)}`);
    const reasoning = claude.find((e) => e.includes('"reasoning":"2+2 equals 4."'))!;
    // reasoning: null, but a non-empty reasoning_details (the end of the thinking block).
    const closingDetail = claude.find((e) => e.includes('"reasoning":null,"reasoning_details":[{"type":"reasoning.text","text":""'))!;
    const finish = claude.find((e) => e.includes('"finish_reason":"stop"'))!;
    const usage = claude.find((e) => e.includes('"usage":'))!;
    const minimax = lines("stream-keepalives-reasoning-midstream-error-minimax-m2-free.sse");
    const error = minimax.find((e) => e.includes('"error":'))!;
    const annotations = lines("stream-annotations-web-plugin-no-is-byok-deepseek-chat.sse").find((e) => e.includes('"annotations":'))!;
    const logprobs = withText("L").replace('"logprobs":null', '"logprobs":{"content":[]}');
    const sse = [
      withText("a"),
      withText("b"),
      reasoning,
      withText("c"),
      closingDetail,
      withText("d"),
      annotations,
      withText("e"),
      logprobs,
      withText("f"),
      finish,
      withText("g"),
      usage,
      withText("h"),
      error,
      withText("i"),
      "data: [DONE]",
    ]
      .map((e) => `${e}\n\n`)
      .join("");
    const out = await throughCoalescer(encoder.encode(sse), []);
    expect(events(out).map((e) => e.text)).toEqual(["ab", null, "c", null, "d", null, "e", null, "f", null, "g", null, "h", null, "i", null]);
    expect(otherEvents(out)).toEqual(otherEvents(sse));
  });
});
