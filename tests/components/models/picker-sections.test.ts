// The picker's list with the real-sized catalog (the local OpenRouter's, generated from a recorded
// listing): grouped by author, filtered by text, favourites and recent first, routers and aliases
// findable. The rendering window is model-picker.tsx's; this is the list it windows.
import { describe, expect, it } from "vitest";
import { summariseListing } from "@/lib/openrouter/catalog";
import { CATALOG } from "@/local-openrouter";
import { modelJson } from "@/local-openrouter/routes/models";
import { buildSections, groupByAuthor, searchIndex } from "@/components/models/picker-sections";

const { models } = summariseListing({ data: CATALOG.map(modelJson) });
const byId = new Map(models.map((m) => [m.id, m]));
const groups = groupByAuthor(models);
const index = searchIndex(models);
const none = { favoriteModels: [], recentModels: [] };
const ids = (sections: ReturnType<typeof buildSections>) => sections.flatMap((s) => s.models.map((m) => m.id));

describe("the picker's list", () => {
  it("groups a few hundred models by author, each model once, the router first", () => {
    expect(models.length).toBeGreaterThanOrEqual(300);
    const all = buildSections(groups, byId, none, "", index);
    expect(ids(all).sort()).toEqual(models.map((m) => m.id).sort());
    expect(all[0]).toMatchObject({ key: "author:openrouter", label: "openrouter" });
    expect(all[0].models.map((m) => m.id)).toEqual(["openrouter/auto"]);
    const google = all.find((s) => s.key === "author:google")!;
    expect(google.label).toBe("Google");
    // The alias sits with its author's models.
    expect(google.models.map((m) => m.id)).toContain("~google/gemini-pro-latest");
    for (const s of all.slice(1)) {
      const names = s.models.map((m) => m.name);
      expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
    }
    const labels = all.slice(1).map((s) => s.label);
    expect(labels).toEqual([...labels].sort((a, b) => a.localeCompare(b)));
  });

  it("filters by every word of the query, in name, id, author or alias target", () => {
    expect(ids(buildSections(groups, byId, none, "claude haiku 4.5", index))).toEqual(["anthropic/claude-haiku-4.5"]);
    expect(ids(buildSections(groups, byId, none, "gemini 2.5 flash", index))[0]).toBe("google/gemini-2.5-flash");
    // A name that says what was typed comes before a model matched only through its id
    // (aion-labs/aion-rp-llama-3.1-8b is "Aion-RP 1.0 (8B)"), even from an author earlier in the alphabet.
    const llama = ids(buildSections(groups, byId, none, "llama 3.1 8b", index));
    expect(llama[0]).toBe("meta-llama/llama-3.1-8b-instruct");
    expect(llama).toContain("aion-labs/aion-rp-llama-3.1-8b");
    expect(llama.indexOf("aion-labs/aion-rp-llama-3.1-8b")).toBeGreaterThan(llama.indexOf("perplexity/llama-3.1-sonar-small-128k-online"));
    const deepseek = buildSections(groups, byId, none, "DeepSeek", index);
    expect(deepseek[0].key).toBe("author:deepseek");
    expect(deepseek.map((s) => s.key)).toContain("author:tngtech");
    // An alias is found by the model it points at.
    expect(ids(buildSections(groups, byId, none, "gemini-3.1-pro", index))).toContain("~google/gemini-pro-latest");
    expect(buildSections(groups, byId, none, "no such model anywhere", index)).toEqual([]);
  });

  it("puts favourites, then recent models, first, and does not list them twice", () => {
    const prefs = { favoriteModels: ["x-ai/grok-4"], recentModels: ["x-ai/grok-4", "openai/gpt-4o-mini", "gone/model"] };
    const sections = buildSections(groups, byId, prefs, "", index);
    expect(sections.slice(0, 2).map((s) => [s.key, s.models.map((m) => m.id)])).toEqual([
      ["favorites", ["x-ai/grok-4"]],
      ["recent", ["openai/gpt-4o-mini"]],
    ]);
    const listed = ids(sections);
    expect(listed.filter((id) => id === "x-ai/grok-4")).toHaveLength(1);
    expect(new Set(listed).size).toBe(listed.length);
  });
});
