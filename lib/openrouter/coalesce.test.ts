// The SSE coalescer on real upstream bytes: a stream from the local OpenRouter (over HTTP) fed
// through it whole, byte by byte and in random pieces must keep every character of text and every
// other event exactly, merge only plain text deltas, and read the same in the AI SDK.
import { createOpenRouter } from "@openrouter/ai-sdk-provider";
import { streamText } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalOpenRouter, type LocalOpenRouter } from "@/local-openrouter";
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

async function rawStream(prompt: string): Promise<Uint8Array<ArrayBuffer>> {
  const response = await fetch(`${upstream.baseURL}/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "openai/gpt-4o-mini", stream: true, usage: { include: true }, messages: [{ role: "user", content: prompt }] }),
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

function events(sse: string): Event[] {
  return sse
    .split("\n\n")
    .filter((e) => e.length > 0)
    .map((raw) => {
      if (!raw.startsWith("data: ") || raw === "data: [DONE]") return { raw, text: null };
      const chunk = JSON.parse(raw.slice(6)) as { choices?: { delta?: Record<string, unknown>; finish_reason?: unknown }[]; usage?: unknown };
      const choice = chunk.choices?.[0];
      const plain =
        choice && !chunk.usage && choice.finish_reason == null && Object.keys(choice.delta ?? {}).every((k) => k === "content" || k === "role");
      return { raw, text: plain ? String(choice.delta?.content ?? "") : null };
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

  it("reads the same through the AI SDK: text and usage equal the uncoalesced stream's", async () => {
    const raw = await rawStream("Same story twice, please. [[sb:text tokens=60]]");
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
