// The routing form of the conversation settings against the server's own schema and upstream
// mapping: what the dialog saves is what routingSettingsSchema accepts and routing.ts sends.
import { describe, expect, it } from "vitest";
import { PROVIDER_NAME, routingFromForm, routingToForm, routingToSave, type RoutingForm } from "@/components/chat/settings/routing-form";
import { providerPreferences } from "@/lib/openrouter/request-options";
import { providerPreferencesSchema, routingSettingsSchema } from "@/lib/chat/types";

const MODEL = "openai/gpt-4o-mini";

function form(change: Partial<RoutingForm>): RoutingForm {
  return { ...routingToForm(null), ...change };
}

describe("routing form", () => {
  it("an untouched form means no routing at all", () => {
    expect(routingFromForm(routingToForm(null), MODEL)).toEqual({ routing: null, errors: {} });
  });

  it("every field becomes the setting the server accepts and sends upstream under OpenRouter's names", () => {
    const { routing, errors } = routingFromForm(
      form({
        fallbackModels: ["anthropic/claude-haiku-4.5", "google/gemini-2.5-flash"],
        sort: "price",
        order: ["Groq", "deepinfra/fp8"],
        ignore: ["Together"],
        allowFallbacks: false,
        denyDataCollection: true,
        zdr: true,
        maxPricePrompt: " 0.5 ",
        maxPriceCompletion: "2",
      }),
      MODEL,
    );
    expect(errors).toEqual({});
    expect(routingSettingsSchema.parse(routing)).toEqual(routing);
    expect(routing?.fallbackModels).toEqual(["anthropic/claude-haiku-4.5", "google/gemini-2.5-flash"]);
    expect(providerPreferences(routing)).toEqual({
      sort: "price",
      order: ["Groq", "deepinfra/fp8"],
      ignore: ["Together"],
      allow_fallbacks: false,
      data_collection: "deny",
      zdr: true,
      max_price: { prompt: "0.5", completion: "2" },
    });
  });

  it("a saved routing fills the form and comes back unchanged", () => {
    const saved = routingSettingsSchema.parse({
      fallbackModels: ["x-ai/grok-3-mini"],
      provider: { sort: "latency", ignore: ["Azure"], maxPrice: { completion: 0 } },
    });
    expect(routingFromForm(routingToForm(saved), MODEL).routing).toEqual(saved);
  });

  it("refuses prices outside 0–10,000 and fallbacks behind the auto router", () => {
    expect(routingFromForm(form({ maxPricePrompt: "-1", maxPriceCompletion: "abc" }), MODEL).errors).toEqual({
      maxPricePrompt: "Between 0 and 10,000.",
      maxPriceCompletion: "Enter a number.",
    });
    expect(routingFromForm(form({ fallbackModels: [MODEL] }), "openrouter/auto").errors.fallbackModels).toContain("auto router");
  });

  it("checks provider names exactly as the server does", () => {
    for (const name of ["OpenAI", "deepinfra/fp8", "Google Vertex", "amazon-bedrock", "a.b_c", " lead", "-x", "x,y", "x!", "ünï", ""]) {
      expect(PROVIDER_NAME.test(name), name).toBe(providerPreferencesSchema.safeParse({ order: [name] }).success);
    }
  });
});

describe("what a conversation saves", () => {
  const byDefault = routingSettingsSchema.parse({ provider: { sort: "price" } });

  it("nothing of its own while it matches the user's default, so later changes of the default reach it", () => {
    expect(routingToSave(routingFromForm(routingToForm(byDefault), MODEL).routing, byDefault)).toBeNull();
    expect(routingToSave(null, null)).toBeNull();
  });

  it("an explicit empty routing when it clears a default, else its own", () => {
    expect(routingToSave(null, byDefault)).toEqual({});
    const own = routingFromForm(form({ sort: "throughput" }), MODEL).routing;
    expect(routingToSave(own, byDefault)).toEqual({ provider: { sort: "throughput" } });
  });
});
