/** Unit tests: the directive grammar, the tokenizer, prompt token counting and plan details. */
import { describe, expect, it } from "vitest";
import { getModel } from "./catalog";
import { directive, parseDirective } from "./directive";
import { expectedCostNano } from "./index";
import { buildPlan } from "./plan";
import { sampleFromSchema } from "./plan-tools";
import { type ChatRequest, parseChatRequest } from "./request";
import { fillerText, reasoningText } from "./text";
import { countPromptTokens, FILE_PART_TOKENS, MESSAGE_OVERHEAD_TOKENS, PROMPT_PRIMING_TOKENS, tokenize } from "./tokenizer";

describe("directive grammar", () => {
  it("parses bare, double-quoted (JSON) and single-quoted values", () => {
    const d = parseDirective(`before [[sb:tool name=get_weather args='{"city":"Paris"}' note="a \\"q\\" ]] b\\n" pct=a%20b%5D]] after`);
    expect(d?.name).toBe("tool");
    expect(d?.params).toEqual({ name: "get_weather", args: '{"city":"Paris"}', note: 'a "q" ]] b\n', pct: "a b]" });
    expect(d?.source.startsWith("[[sb:tool")).toBe(true);
    expect(d?.source.endsWith("]]")).toBe(true);
  });

  it("takes the first valid directive and ignores malformed ones", () => {
    expect(parseDirective("[[sb:text tokens=3]] [[sb:long]]")?.name).toBe("text");
    expect(parseDirective("[[sb:BAD]] then [[sb:long]]")?.name).toBe("long");
    expect(parseDirective('[[sb:say text="unterminated]]')).toBeNull();
    expect(parseDirective("[[sb:say text=]]")).toBeNull();
    expect(parseDirective("no directive here")).toBeNull();
    expect(parseDirective("[[sb:long]]")).toEqual({ name: "long", params: {}, source: "[[sb:long]]" });
  });

  it("directive() builds text that parses back to the same params", () => {
    const params = { text: 'He said "hi" ]] <script>x</script>\n', rate: 50 };
    expect(parseDirective(`x ${directive("say", params)} y`)?.params).toEqual({ text: params.text, rate: "50" });
  });
});

describe("tokenizer", () => {
  it("splits into whitespace-led pieces of at most 8 characters that join back exactly", () => {
    expect(tokenize("Hello, world!")).toEqual(["Hello,", " world!"]);
    expect(tokenize("internationalization")).toEqual(["internat", "ionaliza", "tion"]);
    expect(tokenize("a  \n\nb   ")).toEqual(["a", "  \n\nb", "   "]);
    expect(tokenize("")).toEqual([]);
    const samples = ["🎉🎉🎉🎉🎉🎉🎉🎉🎉 x", "tabs\tand\r\nlines", "  lead", "x".repeat(100), "café 日本語テキストです"];
    for (const t of samples) expect(tokenize(t).join("")).toBe(t);
  });

  it("counts prompt tokens by the documented rules", () => {
    const req = {
      messages: [
        { role: "system", content: [{ type: "text", text: "Be brief." }] },
        {
          role: "user",
          content: [
            { type: "text", text: "Look" },
            { type: "image_url", image_url: { url: "data:x" } },
            { type: "file", file: { filename: "a.pdf" } },
          ],
        },
        { role: "assistant", content: null, tool_calls: [{ function: { name: "f", arguments: "{}" } }] },
        { role: "tool", content: "ok" },
      ],
      tools: [{ type: "function", function: { name: "f" } }],
    };
    const expected =
      PROMPT_PRIMING_TOKENS +
      4 * MESSAGE_OVERHEAD_TOKENS +
      tokenize("Be brief.").length +
      tokenize("Look").length +
      FILE_PART_TOKENS +
      tokenize("f{}").length +
      tokenize("ok").length +
      tokenize(JSON.stringify(req.tools)).length;
    expect(countPromptTokens(req)).toBe(expected);
  });
});

describe("plans", () => {
  function plan(body: Record<string, unknown>) {
    const parsed = parseChatRequest({ model: "openai/gpt-4o", messages: [{ role: "user", content: "hi" }], ...body });
    if (!parsed.ok) throw new Error(parsed.message);
    const req: ChatRequest = parsed.value;
    const model = getModel(req.model ?? "");
    if (!model) throw new Error("model");
    const last = req.messages.at(-1);
    const text = last && typeof last.content === "string" ? last.content : "";
    const d = parseDirective(text);
    return buildPlan({
      req,
      directive: d,
      promptText: text,
      model,
      endpoint: model.endpoints[0],
      promptTokens: countPromptTokens(req),
      defaultRate: 200,
      webSearch: { enabled: false, maxResults: 5, engine: undefined },
      streamShape: null,
    });
  }

  it("rates= gives each model its own speed; models not listed take rate=", () => {
    const text = (model: string) =>
      plan({ model, messages: [{ role: "user", content: '[[sb:text rate=7 rates="openai/gpt-4o:20,openai/gpt-4o-mini:80"]]' }] }).rate;
    expect(text("openai/gpt-4o")).toBe(20);
    expect(text("openai/gpt-4o-mini")).toBe(80);
    expect(text("anthropic/claude-haiku-4.5")).toBe(7);
  });

  it("structured output follows response_format, and stop sequences cut the text", () => {
    const p = plan({
      response_format: {
        type: "json_schema",
        json_schema: {
          name: "r",
          schema: {
            type: "object",
            properties: {
              title: { type: "string" },
              n: { type: "integer", minimum: 3 },
              tags: { type: "array", items: { type: "string", enum: ["a"] } },
            },
            required: ["title", "n", "tags"],
          },
        },
      },
    });
    expect(JSON.parse(p.content.join(""))).toEqual({ title: "sample title", n: 3, tags: ["a"] });
    const cut = plan({ messages: [{ role: "user", content: '[[sb:say text="one two STOP three"]]' }], stop: ["STOP"] });
    expect(cut.content.join("")).toBe("one two ");
    expect(cut.finishReason).toBe("stop");
  });

  it("samples JSON for tool schemas", () => {
    expect(sampleFromSchema({ type: "object", properties: { a: { type: "boolean" }, b: { type: ["string", "null"] } } })).toEqual({
      a: true,
      b: "sample b",
    });
  });

  it("expectedCostNano matches the plan arithmetic", () => {
    const req = { messages: [{ role: "user", content: "hello world" }] };
    const c = expectedCostNano(req, { modelId: "openai/gpt-4o-mini", completionTokens: 10 });
    // (3 + 4 + 2) prompt tokens at 150 nano, 10 completion tokens at 600 nano
    expect(c.totalNano).toBe(9n * 150n + 10n * 600n);
  });
});

describe("generated text", () => {
  it("filler and reasoning text have exactly the token count asked for, whatever the seed", () => {
    for (const seed of [0, 1, 7, 12345, 0xdeadbeef]) {
      for (let n = 1; n <= 120; n++) {
        expect(tokenize(fillerText(n, seed))).toHaveLength(n);
        // A word of 8 letters ending a sentence was two tokens ("consider" + "."): reasoning was billed one more.
        expect(tokenize(reasoningText(n, seed))).toHaveLength(n);
      }
    }
  });
});
