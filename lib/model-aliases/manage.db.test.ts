// The alias store against a real database and the local OpenRouter's catalog over HTTP: what an
// admin may save, what is refused (with nothing written), and what the readers then return.
import { beforeAll, describe, expect, it } from "vitest";
import { useLocalOpenRouter } from "@/tests/helpers/upstream";
import { aliasCreateSchema, aliasFieldsSchema } from "./types";

beforeAll(async () => {
  await useLocalOpenRouter();
});

async function store() {
  const manage = await import("./manage");
  const read = await import("./store");
  return { ...manage, ...read };
}

describe("alias input", () => {
  it("refuses names that could shadow a model id or are not plain lowercase", () => {
    const base = { model: "openai/gpt-4o-mini" };
    for (const name of ["openai/gpt-4o-mini", "team/default", "Team-Default", "", "-fast", "fast lane", "a".repeat(65), "ü"]) {
      expect(aliasCreateSchema.safeParse({ ...base, name }).success, name).toBe(false);
    }
    for (const name of ["team-default", "fast", "v2.1_cheap", "a".repeat(64)]) {
      expect(aliasCreateSchema.safeParse({ ...base, name }).success, name).toBe(true);
    }
  });

  it("accepts only the provider preferences it knows, in OpenRouter's own names", () => {
    const ok = aliasFieldsSchema.safeParse({
      model: "openai/gpt-4o-mini",
      provider: { order: ["OpenAI", "Azure"], only: ["OpenAI"], ignore: ["Groq"], allow_fallbacks: false, sort: "price", data_collection: "deny" },
    });
    expect(ok.success).toBe(true);
    for (const provider of [{ allowFallbacks: false }, { sort: "cheapest" }, { order: "OpenAI" }, { data_collection: "maybe" }, [1]]) {
      expect(aliasFieldsSchema.safeParse({ model: "openai/gpt-4o-mini", provider }).success, JSON.stringify(provider)).toBe(false);
    }
  });

  it("refuses a fallback listed twice, the alias's own model as a fallback, and more than three", () => {
    const model = "openai/gpt-4o-mini";
    expect(aliasFieldsSchema.safeParse({ model, fallbacks: ["openai/gpt-4o", "openai/gpt-4o"] }).success).toBe(false);
    expect(aliasFieldsSchema.safeParse({ model, fallbacks: [model] }).success).toBe(false);
    expect(
      aliasFieldsSchema.safeParse({ model, fallbacks: ["openai/gpt-4o", "openai/gpt-4.1", "openai/gpt-4.1-mini", "openai/gpt-5"] }).success,
    ).toBe(false);
  });
});

describe("the alias store", () => {
  it("creates, reads, edits and deletes an alias", async () => {
    const s = await store();
    const created = await s.createAlias(
      aliasCreateSchema.parse({
        name: "team-default",
        model: "openai/gpt-4o-mini",
        fallbacks: ["anthropic/claude-haiku-4.5"],
        provider: { sort: "price", data_collection: "deny" },
        description: "What most of us use",
      }),
    );
    expect(created).toEqual({
      name: "team-default",
      model: "openai/gpt-4o-mini",
      fallbacks: ["anthropic/claude-haiku-4.5"],
      provider: { sort: "price", data_collection: "deny" },
      description: "What most of us use",
    });
    expect(await s.findAlias("team-default")).toEqual(created);

    const edited = await s.updateAlias("team-default", aliasFieldsSchema.parse({ model: "google/gemini-2.5-flash" }));
    expect(edited).toEqual({ name: "team-default", model: "google/gemini-2.5-flash", fallbacks: [], provider: null, description: "" });
    expect(await s.findAlias("team-default")).toEqual(edited);

    expect(await s.deleteAlias("team-default")).toEqual(edited);
    expect(await s.findAlias("team-default")).toBeNull();
    await expect(s.deleteAlias("team-default")).rejects.toMatchObject({ code: "not_found:alias", status: 404 });
  });

  it("lists aliases by name", async () => {
    const s = await store();
    await s.createAlias(aliasCreateSchema.parse({ name: "zz-last", model: "openai/gpt-4o" }));
    await s.createAlias(aliasCreateSchema.parse({ name: "aa-first", model: "openai/gpt-4o" }));
    const names = (await s.listAliases()).map((a) => a.name);
    expect(names.indexOf("aa-first")).toBeLessThan(names.indexOf("zz-last"));
  });

  it("refuses an unknown target or fallback model and writes nothing", async () => {
    const s = await store();
    await expect(s.createAlias(aliasCreateSchema.parse({ name: "ghost", model: "nobody/no-such-model" }))).rejects.toMatchObject({
      code: "bad_request:alias",
      status: 400,
      message: expect.stringContaining("nobody/no-such-model"),
    });
    await expect(
      s.createAlias(aliasCreateSchema.parse({ name: "ghost", model: "openai/gpt-4o", fallbacks: ["nobody/no-such-model"] })),
    ).rejects.toMatchObject({ code: "bad_request:alias", details: { field: "fallbacks" } });
    expect(await s.findAlias("ghost")).toBeNull();
  });

  it("refuses a second alias of the same name, and an edit to an unknown model, leaving the first as it was", async () => {
    const s = await store();
    const first = await s.createAlias(aliasCreateSchema.parse({ name: "fast", model: "google/gemini-2.5-flash", description: "quick" }));
    await expect(s.createAlias(aliasCreateSchema.parse({ name: "fast", model: "openai/gpt-4o" }))).rejects.toMatchObject({
      code: "conflict:alias",
      status: 409,
    });
    await expect(s.updateAlias("fast", aliasFieldsSchema.parse({ model: "nobody/no-such-model" }))).rejects.toMatchObject({
      code: "bad_request:alias",
    });
    expect(await s.findAlias("fast")).toEqual(first);
  });

  it("answers 404 for an edit of an alias that does not exist, and creates nothing", async () => {
    const s = await store();
    await expect(s.updateAlias("never-made", aliasFieldsSchema.parse({ model: "openai/gpt-4o" }))).rejects.toMatchObject({
      code: "not_found:alias",
    });
    expect(await s.findAlias("never-made")).toBeNull();
  });
});
