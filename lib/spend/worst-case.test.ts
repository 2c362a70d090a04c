import { describe, expect, it } from "vitest";
import type { ModelSummary } from "@/lib/openrouter/types";
import { worstCaseCostNano } from "@/lib/spend/budget";
import type { UpstreamChoices } from "@/lib/chat/routing";
import { worstCaseForChoices } from "./worst-case";

function model(id: string, prompt: string, completion: string): ModelSummary {
  return {
    id,
    name: id,
    provider: id.split("/")[0]!,
    description: "",
    contextLength: 128_000,
    pricing: { prompt, completion },
    inputModalities: ["text"],
    outputModalities: ["text"],
    supportsTools: true,
    supportsReasoning: false,
    isFree: false,
    maxCompletionTokens: 16_384,
  };
}

const cheap = model("a/cheap", "0.0000001", "0.0000004");
const dear = model("b/dear", "0.000015", "0.000075");
const auto = model("openrouter/auto", "-1", "-1");
const catalog = [cheap, dear, auto];
const plain = { fallbacks: [], webSearch: null } as unknown as UpstreamChoices;

describe("the budget's worst case", () => {
  it("is the model's own worst case when its price is fixed", () => {
    expect(worstCaseForChoices(cheap, plain, 1000, 500, catalog)).toBe(worstCaseCostNano(cheap, 1000, 500));
  });

  it("takes the dearest of the model and its fallbacks", () => {
    const choices = { ...plain, fallbacks: [dear] } as UpstreamChoices;
    expect(worstCaseForChoices(cheap, choices, 1000, 500, catalog)).toBe(worstCaseCostNano(dear, 1000, 500));
  });

  it("holds the auto router to the dearest model it could pick, never to nothing", () => {
    const worst = worstCaseForChoices(auto, plain, 1000, 500, catalog);
    expect(worst).toBe(worstCaseCostNano(dear, 1000, 500));
    expect(worst > 0n).toBe(true);
  });
});
