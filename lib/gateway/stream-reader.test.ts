import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseWireUsage } from "@/lib/openrouter/usage";
import { assembledCompletion, StreamReader } from "./stream-reader";

// The side reader against streams recorded from openrouter.ai (tests/fixtures/openrouter-recorded),
// fed in awkward pieces as a network delivers them, and the usage parser against their usage chunks.

const recorded = (name: string) => readFileSync(path.join(__dirname, "../../tests/fixtures/openrouter-recorded", name));

function readInPieces(bytes: Uint8Array, size: number): StreamReader {
  const reader = new StreamReader();
  for (let at = 0; at < bytes.length; at += size) reader.push(bytes.subarray(at, at + size));
  reader.end();
  return reader;
}

describe("StreamReader on recorded streams", () => {
  it("finds the generation id, text, finish and usage of a stream with keep-alives, in any split", () => {
    const bytes = recorded("stream-text-deltas-keepalives-openai-gpt-4o-mini-2026.sse");
    // When the first token came is a clock reading, not something the split can change.
    const { firstOutputAt, ...whole } = readInPieces(bytes, bytes.length).summary;
    expect(firstOutputAt).not.toBeNull();
    expect(whole.id).toMatch(/^gen-/);
    expect(whole.content.length).toBeGreaterThan(0);
    expect(whole.finishReason).toBe("stop");
    expect(whole.sawDone).toBe(true);
    const usage = parseWireUsage(whole.usage, whole.provider);
    expect(usage?.costNano).toBeGreaterThan(0n);
    expect(usage?.promptTokens).toBeGreaterThan(0);
    for (const size of [1, 7, 64]) expect(readInPieces(bytes, size).summary).toEqual({ ...whole, firstOutputAt: expect.any(Number) });
  });

  it("reads usage from a chunk with `choices: []` and names the dated served slug", () => {
    const summary = readInPieces(recorded("stream-usage-empty-choices-dated-slug-claude-sonnet-4.6-bedrock.sse"), 13).summary;
    expect(summary.model).toBe("anthropic/claude-4.6-sonnet-20260217");
    expect(parseWireUsage(summary.usage, summary.provider)?.costNano).toBeGreaterThan(0n);
  });

  it("keeps a mid-stream error and the usage that came with it", () => {
    const summary = readInPieces(recorded("stream-keepalives-reasoning-midstream-error-minimax-m2-free.sse"), 29).summary;
    expect(summary.error).toBeTruthy();
    expect(summary.reasoning.length).toBeGreaterThan(0);
  });

  it("assembles split tool calls by index, for a kept log", () => {
    const reader = new StreamReader();
    const chunk = (delta: unknown, finish: string | null = null) =>
      `data: ${JSON.stringify({ id: "gen-1", model: "m", provider: "P", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    const text =
      ": OPENROUTER PROCESSING\n\n" +
      chunk({ role: "assistant", content: "" }) +
      chunk({ tool_calls: [{ index: 0, id: "call_a", type: "function", function: { name: "f", arguments: "" } }] }) +
      chunk({ tool_calls: [{ index: 1, id: "call_b", type: "function", function: { name: "g", arguments: "{}" } }] }) +
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"x":' } }] }) +
      chunk({ tool_calls: [{ index: 0, function: { arguments: "1}" } }] }, "tool_calls") +
      "data: [DONE]\n\n";
    reader.push(new TextEncoder().encode(text));
    const summary = reader.end();
    expect(assembledCompletion(summary)).toMatchObject({
      id: "gen-1",
      choices: [
        {
          message: {
            role: "assistant",
            content: "",
            tool_calls: [
              { id: "call_a", type: "function", function: { name: "f", arguments: '{"x":1}' } },
              { id: "call_b", type: "function", function: { name: "g", arguments: "{}" } },
            ],
          },
          finish_reason: "tool_calls",
        },
      ],
    });
  });
});

describe("parseWireUsage", () => {
  it("reads the documented usage object exactly", () => {
    expect(
      parseWireUsage(
        {
          prompt_tokens: 37,
          completion_tokens: 8,
          total_tokens: 45,
          cost: 0.000007765,
          is_byok: false,
          prompt_tokens_details: { cached_tokens: 3, cache_write_tokens: 0 },
          completion_tokens_details: { reasoning_tokens: 2 },
          cost_details: { upstream_inference_cost: 0.000007765 },
        },
        "OpenAI",
      ),
    ).toEqual({
      provider: "OpenAI",
      promptTokens: 37,
      completionTokens: 8,
      reasoningTokens: 2,
      cachedTokens: 3,
      costNano: 7765n,
      upstreamCostNano: 7765n,
      isByok: false,
    });
  });

  it("adds the provider's charge to OpenRouter's fee for BYOK (usage-byok.json)", () => {
    const parsed = parseWireUsage(JSON.parse(recorded("usage-byok.json").toString("utf8")));
    expect(parsed).toMatchObject({ isByok: true, costNano: 36_079_500n, upstreamCostNano: 36_079_500n, reasoningTokens: 55 });
  });

  it("leaves the cost unknown when it is null, and survives null details", () => {
    const parsed = parseWireUsage({
      prompt_tokens: 5,
      completion_tokens: 1,
      cost: null,
      prompt_tokens_details: null,
      completion_tokens_details: { reasoning_tokens: null },
    });
    expect(parsed).toMatchObject({ costNano: null, promptTokens: 5, cachedTokens: 0, reasoningTokens: 0 });
    expect(parseWireUsage("nonsense")).toBeNull();
  });
});
