import { describe, expect, it } from "vitest";
import { requestLines, responseLines } from "./log-text";

describe("a kept call as text", () => {
  it("reads chat messages, parts and tool calls", () => {
    expect(
      requestLines({
        model: "openai/gpt-4o-mini",
        messages: [
          { role: "system", content: "Be brief" },
          {
            role: "user",
            content: [
              { type: "text", text: "What is in" },
              { type: "image_url", image_url: { url: "data:…" } },
            ],
          },
        ],
      }),
    ).toEqual([
      { role: "system", text: "Be brief" },
      { role: "user", text: "What is in\n[image]" },
    ]);
    expect(
      responseLines({
        choices: [{ message: { role: "assistant", content: null, tool_calls: [{ function: { name: "add", arguments: '{"a":1}' } }] } }],
      }),
    ).toEqual([{ role: "assistant", text: '→ add({"a":1})' }]);
  });

  it("reads a stream's assembled message, embeddings, and errors; keeps anything else as JSON", () => {
    expect(responseLines({ role: "assistant", content: "<b>hi</b>" })).toEqual([{ role: "assistant", text: "<b>hi</b>" }]);
    expect(responseLines({ object: "list", data: [{}, {}] })).toEqual([{ role: "embeddings", text: "2 embeddings" }]);
    expect(responseLines({ error: { message: "Over budget" } })).toEqual([{ role: "error", text: "Over budget" }]);
    expect(requestLines({ input: ["a", "b"] })).toEqual([
      { role: "input", text: "a" },
      { role: "input", text: "b" },
    ]);
    expect(responseLines({ odd: 1 })[0]!.text).toContain('"odd": 1');
    expect(responseLines(null)).toEqual([]);
  });
});
