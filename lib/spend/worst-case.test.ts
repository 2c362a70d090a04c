import type { StepResult, ToolSet } from "ai";
import { describe, expect, it } from "vitest";
import type { ModelSummary } from "@/lib/openrouter/types";
import { estimatePromptTokens, outputTokenLimit, worstCaseCostNano } from "@/lib/spend/budget";
import {
  answerOutputLimit,
  beyondReservedPrompt,
  IMAGE_INPUT_TOKENS,
  MAX_ANSWER_STEPS,
  TOOL_DEFINITIONS_TOKENS,
  TOOL_RESULTS_TOKENS_PER_STEP,
  stepResentTokens,
  worstCaseForChoices,
} from "./worst-case";

function model(id: string, prompt: string, completion: string, extra: Partial<ModelSummary> = {}): ModelSummary {
  return {
    id,
    name: id,
    provider: id.split("/")[0]!,
    description: "",
    contextLength: 128_000,
    pricing: { prompt, completion },
    inputModalities: ["text"],
    outputModalities: ["text"],
    supportsTools: false,
    supportsReasoning: false,
    isFree: false,
    maxCompletionTokens: 16_384,
    ...extra,
  };
}

const cheap = model("a/cheap", "0.0000001", "0.0000004");
const dear = model("b/dear", "0.000015", "0.000075");
const auto = model("openrouter/auto", "-1", "-1", { maxCompletionTokens: null });
const catalog = [cheap, dear, auto];
const plain = { fallbacks: [], webSearch: null };
const shape = (extra: Partial<Parameters<typeof worstCaseForChoices>[2]> = {}) => ({
  promptTokens: 1000,
  images: 0,
  pdfs: 0,
  tools: false,
  maxTokens: 500,
  ...extra,
});

describe("the budget's worst case", () => {
  it("is the model's own worst case for one generation without tools", () => {
    expect(worstCaseForChoices(cheap, plain, shape(), catalog)).toBe(worstCaseCostNano(cheap, 1000, 500));
  });

  it("takes the dearest of the model and its fallbacks", () => {
    expect(worstCaseForChoices(cheap, { ...plain, fallbacks: [dear] }, shape(), catalog)).toBe(worstCaseCostNano(dear, 1000, 500));
  });

  it("asks every model of an answer for no more output than the one that can write least", () => {
    const short = model("h/short", "0", "0", { maxCompletionTokens: 8192 });
    expect(answerOutputLimit(cheap, [short], null)).toBe(8192);
    expect(answerOutputLimit(cheap, [short], 20_000)).toBe(20_000);
    expect(answerOutputLimit(auto, [], null)).toBe(4096);
  });

  it("holds a router without a list to the dearest model of the catalog, and one with a list to the dearest of the list", () => {
    const open = worstCaseForChoices(auto, plain, shape(), catalog);
    expect(open).toBe(worstCaseCostNano(dear, 1000, 500));
    expect(worstCaseForChoices(auto, { ...plain, autoRouterModels: [cheap] }, shape(), catalog)).toBe(worstCaseCostNano(cheap, 1000, 500));
  });

  it("counts every generation of a tool loop, each resending the history and the previous steps' output", () => {
    let expected = 0n;
    for (let step = 0; step < MAX_ANSWER_STEPS; step++) {
      expected += worstCaseCostNano(cheap, 1000 + TOOL_DEFINITIONS_TOKENS + step * (500 + TOOL_RESULTS_TOKENS_PER_STEP), 500);
    }
    expect(worstCaseForChoices(cheap, plain, shape({ tools: true }), catalog)).toBe(expected);
  });

  it("charges the per-request fee once per generation", () => {
    const fee = model("c/fee", "0", "0", { pricing: { prompt: "0", completion: "0", request: "0.005" } });
    expect(worstCaseForChoices(fee, plain, shape({ tools: true }), [fee])).toBe(5_000_000n * BigInt(MAX_ANSWER_STEPS));
  });

  it("adds each image's price and its tokens", () => {
    const vision = model("d/vision", "0.000001", "0", { pricing: { prompt: "0.000001", completion: "0", image: "0.002" } });
    expect(worstCaseForChoices(vision, plain, shape({ images: 2 }), [vision])).toBe(2n * 2_000_000n + BigInt(1000 + 2 * IMAGE_INPUT_TOKENS) * 1000n);
  });

  it("prices a prompt that reaches a long-context tier at the tier's prices", () => {
    const tiered = model("e/tiered", "0.000001", "0.000002", {
      pricing: { prompt: "0.000001", completion: "0.000002", tiers: [{ minPromptTokens: 200_000, prompt: "0.000004" }] },
    });
    // The spec's PricingOverride: it applies to prompts strictly longer than `min_prompt_tokens`.
    expect(worstCaseForChoices(tiered, plain, shape({ promptTokens: 200_000, maxTokens: 1 }), [tiered])).toBe(200_000n * 1000n + 2000n);
    expect(worstCaseForChoices(tiered, plain, shape({ promptTokens: 200_001, maxTokens: 1 }), [tiered])).toBe(200_001n * 4000n + 2000n);
  });

  it("adds web search: the native price and the plugin's results when the engine is left to OpenRouter", () => {
    const searching = model("f/search", "0", "0", { pricing: { prompt: "0", completion: "0", webSearch: "0.01" } });
    const web = (engine: "native" | "exa" | undefined) => ({ ...plain, webSearch: { engine, maxResults: 5 } });
    expect(worstCaseForChoices(searching, web("native"), shape(), [searching])).toBe(10_000_000n);
    expect(worstCaseForChoices(searching, web("exa"), shape(), [searching])).toBe(20_000_000n);
    expect(worstCaseForChoices(searching, web(undefined), shape(), [searching])).toBe(30_000_000n);
  });

  it("adds one output image per generation for image output", () => {
    const painter = model("g/paint", "0", "0", {
      outputModalities: ["image", "text"],
      pricing: { prompt: "0", completion: "0", imageOutput: "0.039" },
    });
    expect(worstCaseForChoices(painter, { ...plain, imageOutput: true }, shape(), [painter])).toBe(39_000_000n);
  });

  it("assumes the output limit that goes upstream as max_tokens", () => {
    expect(outputTokenLimit(cheap, 700)).toBe(700);
    expect(outputTokenLimit(cheap, null)).toBe(16_384);
    expect(outputTokenLimit({ maxCompletionTokens: 128_000 }, null)).toBe(16_384);
    expect(outputTokenLimit({ maxCompletionTokens: null }, undefined)).toBe(4096);
  });
});

describe("the prompt estimate", () => {
  it("never counts fewer tokens than characters for one-letter words, CJK or emoji", () => {
    const overhead = estimatePromptTokens([""]);
    // "a a a a": four letters and three spaces.
    expect(estimatePromptTokens(["a a a a"]) - overhead).toBe(7);
    // Three bytes per CJK character, four per emoji.
    expect(estimatePromptTokens(["漢字"]) - overhead).toBe(6);
    expect(estimatePromptTokens(["🙂"]) - overhead).toBe(4);
    // English words at three letters a token.
    expect(estimatePromptTokens(["international"]) - overhead).toBe(5);
  });
});

describe("the tool loop's stop at what was reserved", () => {
  // A step as the stop condition reads it: its content parts (the SDK's own types need more fields).
  const step = (...content: object[]) => ({ content }) as unknown as Pick<StepResult<ToolSet>, "content">;
  const call = { type: "tool-call", toolCallId: "c", toolName: "calculator", input: { expression: "1+1" } };
  const result = (output: unknown) => ({ type: "tool-result", toolCallId: "c", toolName: "calculator", input: {}, output });

  it("counts what a step resends: its text, tool calls, tool results and tool errors", () => {
    const resent = stepResentTokens(
      step({ type: "text", text: "abc" }, call, result({ result: "2" }), { type: "tool-error", error: new Error("x") }),
    );
    expect(resent).toBe(estimatePromptTokens(["abc", `calculator${JSON.stringify({ expression: "1+1" })}`, JSON.stringify({ result: "2" }), "x"]));
  });

  it("lets a loop go on while the steps so far resend no more than the reservation assumed", () => {
    const stop = beyondReservedPrompt(100);
    expect(stop({ steps: [step(call, result({ result: "2" }))] })).toBe(false);
    // Cumulative: a second step may use what the first left.
    const half = result("x".repeat(3 * (TOOL_RESULTS_TOKENS_PER_STEP - 200)));
    expect(stop({ steps: [step(call), step(call, half, half)] })).toBe(false);
  });

  it("stops once a step's tool results run past the allowance (a calculator's large matrix)", () => {
    const stop = beyondReservedPrompt(100);
    const matrix = result({ result: `[${Array.from({ length: 5_000 }, () => "1").join(", ")}]` });
    expect(stop({ steps: [step(call, matrix)] })).toBe(true);
    // A larger output allowance holds it.
    expect(beyondReservedPrompt(16_384)({ steps: [step(call, matrix)] })).toBe(false);
  });
});
