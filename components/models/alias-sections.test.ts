import { describe, expect, it } from "vitest";
import type { ModelSummary } from "@/lib/openrouter/types";
import { aliasOptionKey, matchingAliases } from "./picker-sections";

const model = (id: string, name: string) => ({ id, name }) as ModelSummary;
const byId = new Map(
  [model("openai/gpt-4o-mini", "OpenAI: GPT-4o-mini"), model("google/gemini-2.5-flash", "Google: Gemini 2.5 Flash")].map((m) => [m.id, m]),
);
const aliases = [
  { name: "team-default", model: "openai/gpt-4o-mini", description: "What most of us use" },
  { name: "fast", model: "google/gemini-2.5-flash", description: "" },
  { name: "gone", model: "nobody/removed-model", description: "target no longer listed" },
];

describe("the picker's team aliases", () => {
  it("offers aliases whose target the catalog lists, matched by name, description or target", () => {
    expect(matchingAliases(aliases, byId, "").map((a) => a.name)).toEqual(["team-default", "fast"]);
    expect(matchingAliases(aliases, byId, "most").map((a) => a.name)).toEqual(["team-default"]);
    expect(matchingAliases(aliases, byId, "gemini").map((a) => a.name)).toEqual(["fast"]);
    expect(matchingAliases(aliases, byId, "removed")).toEqual([]);
  });

  it("keys alias options apart from model ids (an alias name never has a slash)", () => {
    expect(aliasOptionKey("fast")).toBe("alias:fast");
    expect([...byId.keys()]).not.toContain(aliasOptionKey("fast"));
  });
});
