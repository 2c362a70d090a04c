// The fetch-level rewrite of the null usage fields OpenRouter's spec allows (`ChatUsage`: `cost`
// and `completion_tokens_details.reasoning_tokens` may be null) and the SDK 3.1.0 rejects.
import { describe, expect, it } from "vitest";
import { withCoalescedTextDeltas } from "./coalesce";
import { withNullableUsageJson } from "./nullable-usage";

const encoder = new TextEncoder();

function sse(parts: string[]): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const part of parts) controller.enqueue(encoder.encode(part));
      controller.close();
    },
  });
  return new Response(body, { headers: { "content-type": "text/event-stream" } });
}

describe("null usage fields", () => {
  it("rewrites a usage event split across reads, and leaves every other byte as sent", async () => {
    const usage = `data: {"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3,"cost":null,"prompt_tokens_details":null,"completion_tokens_details":{"reasoning_tokens":null}}}\n\n`;
    const text = `: OPENROUTER PROCESSING\n\ndata: {"choices":[{"index":0,"delta":{"content":"\\"usage\\": null"},"finish_reason":null}]}\n\n`;
    const response = withCoalescedTextDeltas(sse([text, usage.slice(0, 40), usage.slice(40), "data: [DONE]\n\n"]));
    const out = await response.text();
    expect(out.startsWith(text)).toBe(true);
    expect(out.endsWith("data: [DONE]\n\n")).toBe(true);
    const rewritten = JSON.parse(
      out
        .split("\n")
        .find((line) => line.includes('"usage":{'))!
        .slice("data: ".length),
    ) as { usage: Record<string, unknown> };
    expect(rewritten.usage).toEqual({
      prompt_tokens: 1,
      completion_tokens: 2,
      total_tokens: 3,
      prompt_tokens_details: null,
      completion_tokens_details: { reasoning_tokens: 0 },
    });
  });

  it("rewrites a non-streaming answer's usage", async () => {
    const response = withNullableUsageJson(
      new Response(JSON.stringify({ choices: [], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2, cost: null } }), {
        headers: { "content-type": "application/json" },
      }),
    );
    expect(await response.json()).toEqual({ choices: [], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } });
  });
});
