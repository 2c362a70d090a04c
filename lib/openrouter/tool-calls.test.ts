// The tool-call pass (./tool-calls.ts) on its own, then the provider with and without it against the
// local OpenRouter: what @openrouter/ai-sdk-provider drops by itself, and that our seam keeps it.
import { createOpenRouter } from "@openrouter/ai-sdk-provider";
import { streamText, tool, type ToolSet } from "ai";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { LocalOpenRouter } from "@/local-openrouter";
import { TEST_OPENROUTER_KEY, useLocalOpenRouter } from "@/tests/helpers/upstream";
import { createUpstream } from "./provider";
import { newToolCallId, toolCallRewriter } from "./tool-calls";

type Call = { index?: number; id?: string; type?: string; function?: { name?: string; arguments?: string } };
type Chunk = { choices: { delta: { tool_calls?: Call[] }; finish_reason: string | null }[] };

const event = (choice: Chunk["choices"][0]) => `data: ${JSON.stringify({ id: "gen-1", choices: [choice] })}`;
const parse = (e: string) => JSON.parse(e.slice("data: ".length)) as Chunk;
const calls = (e: string) => parse(e).choices[0]!.delta.tool_calls ?? [];

describe("toolCallRewriter", () => {
  it("gives a missing or empty id a new one and keeps it on the call's later deltas", () => {
    const rewrite = toolCallRewriter(new Set());
    const opened = rewrite(
      event({
        delta: {
          tool_calls: [
            { index: 0, type: "function", function: { name: "a", arguments: "" } },
            { index: 1, id: "", type: "function", function: { name: "b", arguments: "{}" } },
          ],
        },
        finish_reason: null,
      }),
    );
    const [a, b] = calls(opened);
    expect(a!.id).toMatch(/^call_[A-Za-z0-9]{24}$/);
    expect(b!.id).toMatch(/^call_[A-Za-z0-9]{24}$/);
    expect(a!.id).not.toBe(b!.id);
    const more = rewrite(event({ delta: { tool_calls: [{ index: 0, id: "", function: { arguments: "{}" } }] }, finish_reason: null }));
    expect(calls(more)[0]!.id).toBe(a!.id);
  });

  it("replaces an id repeated within a response and one reused by a later step of the same answer", () => {
    const used = new Set<string>();
    const whole = (id: string) =>
      event({
        delta: {
          tool_calls: [
            { index: 0, id, type: "function", function: { name: "a", arguments: "{}" } },
            { index: 1, id, type: "function", function: { name: "a", arguments: "{}" } },
          ],
        },
        finish_reason: "tool_calls",
      });
    const first = calls(toolCallRewriter(used)(whole("toolu_vrtx_01A")));
    expect(first[0]!.id).toBe("toolu_vrtx_01A");
    expect(first[1]!.id).not.toBe("toolu_vrtx_01A");
    const second = calls(toolCallRewriter(used)(whole("toolu_vrtx_01A")));
    expect(new Set([...first, ...second].map((c) => c.id)).size).toBe(4);
  });

  it("numbers calls that come without an index instead of merging them", () => {
    const rewrite = toolCallRewriter(new Set(), newToolCallId);
    const out = calls(
      rewrite(
        event({
          delta: {
            tool_calls: [
              { id: "x", type: "function", function: { name: "a", arguments: "{}" } },
              { id: "y", type: "function", function: { name: "b", arguments: "{}" } },
            ],
          },
          finish_reason: null,
        }),
      ),
    );
    expect(out.map((c) => [c.index, c.id])).toEqual([
      [0, "x"],
      [1, "y"],
    ]);
  });

  it("turns a `stop` after tool calls into `tool_calls`, and leaves a stream without tool calls byte for byte", () => {
    const rewrite = toolCallRewriter(new Set());
    rewrite(event({ delta: { tool_calls: [{ index: 0, id: "c1", type: "function", function: { name: "a" } }] }, finish_reason: null }));
    expect(parse(rewrite(event({ delta: {}, finish_reason: "stop" }))).choices[0]!.finish_reason).toBe("tool_calls");
    const plain = `data: {"id":"gen-2","choices":[{"index":0,"delta":{"content":"","role":"assistant"},"finish_reason":"stop"}]}`;
    expect(toolCallRewriter(new Set())(plain)).toBe(plain);
  });
});

describe("tool calls through the provider, against the local OpenRouter", () => {
  let upstream: LocalOpenRouter;
  beforeAll(async () => {
    upstream = await useLocalOpenRouter();
  });

  const tools: ToolSet = {
    ping: tool({ description: "Ping.", inputSchema: z.object({}), execute: async () => ({ pong: true }) }),
  };
  const run = async (model: ReturnType<ReturnType<typeof createOpenRouter>["chat"]>, directive: string) => {
    const result = streamText({ model, tools, prompt: `Ping it ${directive}` });
    const [step] = await result.steps;
    return step!;
  };

  it("a call without `arguments` that ends `stop`: dropped by the provider alone, run once through our seam", async () => {
    const directive = "[[sb:tool name=ping noargs=1 finish=stop]]";
    const bare = createOpenRouter({ apiKey: TEST_OPENROUTER_KEY, baseURL: upstream.baseURL });
    const dropped = await run(bare.chat("openai/gpt-4o-mini"), directive);
    expect(dropped.toolCalls).toHaveLength(0);
    const mended = await run(createUpstream().chat("openai/gpt-4o-mini"), directive);
    expect(mended.toolCalls.map((c) => [c.toolName, c.input])).toEqual([["ping", {}]]);
    expect(mended.toolResults.map((r) => r.output)).toEqual([{ pong: true }]);
    expect(mended.finishReason).toBe("tool-calls");
  });
});
