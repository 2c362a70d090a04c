/** The catalog data is checked when it loads: the shipped file passes, and each kind of mistake is named. */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import data from "./catalog.json";
import { CatalogFile, RecordedCatalogFile } from "./catalog-schema";
import { computeCostNano } from "./cost";

const recorded: unknown = JSON.parse(readFileSync(new URL("./catalog-recorded.json", import.meta.url), "utf8"));

function withFirstModel(change: (model: Record<string, unknown>) => void): unknown {
  const copy = structuredClone(data) as { models: Record<string, unknown>[] };
  change(copy.models[0]);
  return copy;
}

function issues(input: unknown): string[] {
  const result = CatalogFile.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

describe("catalog.json", () => {
  it("is valid as shipped", () => {
    expect(issues(data)).toEqual([]);
  });

  it("rejects a price that is not an exact number of nano-USD", () => {
    const bad = withFirstModel((m) => {
      (m.endpoints as { pricing: Record<string, string> }[])[0].pricing.prompt = "0.0000000001";
    });
    expect(issues(bad).join("\n")).toMatch(/^models\.0\.endpoints\.0\.pricing\.prompt: a decimal USD amount/m);
  });

  it("rejects a price table without a completion price", () => {
    const bad = withFirstModel((m) => {
      delete (m.endpoints as { pricing: Record<string, string> }[])[0].pricing.completion;
    });
    expect(issues(bad).join("\n")).toMatch(/needs `prompt` and `completion`/);
  });

  it("rejects an unknown field, a provider listed twice and a duplicate model", () => {
    expect(issues(withFirstModel((m) => (m.colour = "blue"))).join("\n")).toMatch(/colour/);
    const twice = withFirstModel((m) => {
      const endpoints = m.endpoints as unknown[];
      endpoints.push(endpoints[0]);
    });
    expect(issues(twice).join("\n")).toMatch(/lists a provider twice/);
    const copy = structuredClone(data);
    copy.models.push(copy.models[0]);
    expect(issues(copy).join("\n")).toMatch(/duplicate model openai\/gpt-4o/);
  });

  it("accepts long-context tiers (pricing.overrides) and rejects a tier price it does not know", () => {
    const tiered = withFirstModel((m) => {
      (m.endpoints as { pricing: Record<string, unknown> }[])[0].pricing.overrides = [{ min_prompt_tokens: 200000, prompt: "0.000005" }];
    });
    expect(issues(tiered)).toEqual([]);
    const unknown = withFirstModel((m) => {
      (m.endpoints as { pricing: Record<string, unknown> }[])[0].pricing.overrides = [{ min_prompt_tokens: 200000, colour: "0.1" }];
    });
    expect(issues(unknown).join("\n")).toMatch(/an override names an unknown price/);
  });

  it("bills a tier's prices only above its min_prompt_tokens, later tiers winning per key", () => {
    const pricing = {
      prompt: "0.000001",
      completion: "0.000002",
      overrides: [
        { min_prompt_tokens: 100, prompt: "0.000003", completion: "0.000004" },
        { min_prompt_tokens: 200, prompt: "0.000005" },
      ],
    };
    const cost = (promptTokens: number) => computeCostNano(pricing, { promptTokens, completionTokens: 1 }).totalNano;
    expect(cost(100)).toBe(100n * 1000n + 2000n);
    expect(cost(101)).toBe(101n * 3000n + 4000n);
    expect(cost(201)).toBe(201n * 5000n + 4000n);
  });

  it("rejects an auto-router candidate that is not in the catalog", () => {
    const copy = structuredClone(data);
    copy.router.candidates.push("nobody/nothing");
    expect(issues(copy).join("\n")).toMatch(/nobody\/nothing is not in the catalog/);
  });
  it("accepts tiered prices as OpenRouter lists them, and rejects an unknown price or a tier without its threshold", () => {
    const tiered = withFirstModel((m) => {
      const pricing = (m.endpoints as { pricing: Record<string, unknown> }[])[0].pricing;
      pricing.input_cache_write_1h = "0.00001";
      pricing.overrides = [{ min_prompt_tokens: 200000, prompt: "0.000005", completion: "0.00002" }];
    });
    expect(issues(tiered)).toEqual([]);
    const parsed = CatalogFile.parse(tiered);
    expect(parsed.models[0].endpoints[0].pricing.overrides).toEqual([{ min_prompt_tokens: 200000, prompt: "0.000005", completion: "0.00002" }]);
    const unknown = withFirstModel((m) => {
      (m.endpoints as { pricing: Record<string, unknown> }[])[0].pricing.colour_tokens = "0.1";
    });
    expect(issues(unknown).join("\n")).toMatch(/pricing\.colour_tokens: unknown price colour_tokens/);
    const noThreshold = withFirstModel((m) => {
      (m.endpoints as { pricing: Record<string, unknown> }[])[0].pricing.overrides = [{ prompt: "0.000005" }];
    });
    expect(issues(noThreshold).join("\n")).toMatch(/pricing\.overrides\.0\.min_prompt_tokens/);
  });
});

describe("catalog-recorded.json", () => {
  it("is valid as generated, with a few hundred models and its source named", () => {
    const result = RecordedCatalogFile.safeParse(recorded);
    expect(result.success ? [] : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual([]);
    const file = RecordedCatalogFile.parse(recorded);
    expect(file.models.length).toBeGreaterThanOrEqual(300);
    expect(file.source.listing).toMatch(/fa1e7b415cc565647b436807682ebfbc751cf788/);
    const ids = new Set(file.models.map((m) => m.id));
    expect(ids.has("~google/gemini-pro-latest")).toBe(true);
    expect(ids.has("anthropic/claude-sonnet-4.6")).toBe(true);
    // Hand-written models are catalog.json's alone: tests script against them.
    for (const m of data.models) expect(ids.has(m.id)).toBe(false);
  });
});
