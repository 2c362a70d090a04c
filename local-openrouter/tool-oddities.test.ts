/**
 * The tool-call and finish oddities the `tool`/`tools` directives and `finish=` script (README.md, Directives):
 * the raw chunks and bodies, as real providers send them through OpenRouter.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPEATED_TOOL_CALL_ID } from "./plan-tools";
import { type LocalOpenRouter, startLocalOpenRouter } from "./server";
import { parseStream, rawRequest } from "./test-utils";

const KEY = "sk-or-v1-local-test-key-0123456789abcdef";
let s: LocalOpenRouter;
beforeAll(async () => {
  s = await startLocalOpenRouter({ apiKey: KEY, tokensPerSecond: 0, generationDelayMs: 0 });
});
afterAll(() => s.close());

type Call = { index: number; id?: string; type?: string; function: { name?: string; arguments?: string } };
type Chunk = { choices: { delta: { content?: string | null; tool_calls?: Call[] }; finish_reason: string | null }[] };

const tools = ["a", "b"].map((name) => ({
  type: "function",
  function: { name, parameters: { type: "object", properties: { x: { type: "string" } }, required: ["x"] } },
}));

async function chat(text: string, stream = true) {
  const r = await rawRequest(`${s.baseURL}/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "openai/gpt-4o-mini", stream, tools, messages: [{ role: "user", content: text }] }),
  });
  expect(r.status).toBe(200);
  return r.raw;
}

function streamed(raw: string) {
  const chunks = parseStream(raw).chunks as Chunk[];
  const callDeltas = chunks.filter((c) => c.choices[0]?.delta.tool_calls);
  const finishes = chunks.flatMap((c) => c.choices.map((ch) => ch.finish_reason)).filter((f) => f !== null);
  return { chunks, callDeltas, finishes };
}

describe("tool calls as real providers send them", () => {
  it("whole=1: every call whole in one delta", async () => {
    const { callDeltas, finishes } = streamed(await chat(`[[sb:tools calls=a,b args.a='{"x":"1"}' args.b='{"x":"2"}' whole=1]]`));
    expect(callDeltas).toHaveLength(1);
    const calls = callDeltas[0]!.choices[0]!.delta.tool_calls!;
    expect(calls.map((c) => [c.index, c.type, c.function.name, c.function.arguments])).toEqual([
      [0, "function", "a", '{"x":"1"}'],
      [1, "function", "b", '{"x":"2"}'],
    ]);
    expect(calls.every((c) => typeof c.id === "string" && c.id.startsWith("call_"))).toBe(true);
    expect(finishes).toEqual(["tool_calls"]);
  });

  it("finish=stop and finish=null end tool calls with `stop` or with no finish at all", async () => {
    expect(streamed(await chat("[[sb:tool name=a whole=1 finish=stop]]")).finishes).toEqual(["stop"]);
    const none = streamed(await chat("[[sb:tool name=a finish=null]]"));
    expect(none.callDeltas.length).toBeGreaterThan(1);
    expect(none.finishes).toEqual([]);
  });

  it("ids=missing, ids=empty, ids=repeated", async () => {
    const opening = (raw: string) => streamed(raw).callDeltas.flatMap((c) => c.choices[0]!.delta.tool_calls!.filter((t) => t.function.name));
    expect(opening(await chat("[[sb:tools calls=a,b ids=missing]]")).map((c) => "id" in c)).toEqual([false, false]);
    expect(opening(await chat("[[sb:tools calls=a,b ids=empty whole=1]]")).map((c) => c.id)).toEqual(["", ""]);
    expect(opening(await chat("[[sb:tools calls=a,b ids=repeated]]")).map((c) => c.id)).toEqual([REPEATED_TOOL_CALL_ID, REPEATED_TOOL_CALL_ID]);
  });

  it("noargs=1: calls without an `arguments` key, streamed and in a JSON body (completion-tool-call-claude-sonnet-4.5.json)", async () => {
    const { callDeltas } = streamed(await chat("[[sb:tool name=a noargs=1]]"));
    expect(callDeltas).toHaveLength(1);
    expect(callDeltas[0]!.choices[0]!.delta.tool_calls![0]!.function).toEqual({ name: "a" });
    const body = JSON.parse(await chat("[[sb:tool name=a noargs=1]]", false)) as {
      choices: { finish_reason: string; message: { tool_calls: Call[] } }[];
    };
    expect(body.choices[0]!.message.tool_calls[0]!.function).toEqual({ name: "a" });
    expect(body.choices[0]!.finish_reason).toBe("tool_calls");
  });
});

describe("unusual finishes", () => {
  it('finish=content_filter after the planned text; say text="" streams no text at all', async () => {
    const filtered = streamed(await chat("[[sb:text tokens=6 finish=content_filter]]"));
    expect(filtered.finishes).toEqual(["content_filter"]);
    expect(
      filtered.chunks
        .map((c) => c.choices[0]?.delta.content ?? "")
        .join("")
        .trim()
        .split(/\s+/),
    ).toHaveLength(6);
    const empty = streamed(await chat(`[[sb:say text=""]]`));
    expect(empty.chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe("");
    expect(empty.finishes).toEqual(["stop"]);
  });
});
