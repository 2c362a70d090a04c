// OpenRouter takes at most 3 entries in `models` (tests/fixtures/openrouter-recorded/
// error-400-models-too-many.message.txt): the settings allow 3 fallbacks, the request carries only
// the fallbacks in `models`, and the 400, should it come anyway, reads as something to change.
import { readFileSync } from "node:fs";
import { APICallError } from "ai";
import { describe, expect, it } from "vitest";
import { MAX_FALLBACK_MODELS } from "@/lib/chat/limits";
import { routingSettingsSchema } from "@/lib/chat/types";
import { mapUpstreamError } from "@/lib/openrouter/errors";
import { chatRequestOptions, fallbackModels, MAX_UPSTREAM_MODELS } from "@/lib/openrouter/request-options";

const RECORDED = readFileSync(
  new URL("../../tests/fixtures/openrouter-recorded/error-400-models-too-many.message.txt", import.meta.url),
  "utf8",
).trim();

const choices = (fallbackModelIds: string[]) => ({ fallbackModelIds, provider: null, webSearch: null, pdfEngine: null, imageOutput: false });

describe("fallback models and OpenRouter's limit of 3 in `models`", () => {
  it("a routing may name as many fallbacks as `models` holds, and no more", () => {
    expect(MAX_FALLBACK_MODELS).toBe(MAX_UPSTREAM_MODELS);
    expect(routingSettingsSchema.safeParse({ fallbackModels: ["a/b", "c/d", "e/f"] }).success).toBe(true);
    const four = routingSettingsSchema.safeParse({ fallbackModels: ["a/b", "c/d", "e/f", "g/h"] });
    expect(four.success).toBe(false);
    expect(four.error?.issues[0].message).toBe("At most 3 fallback models.");
  });

  it("sends the fallbacks in `models` without the model itself, so three fallbacks are 3 entries", () => {
    const settings = chatRequestOptions(
      "openai/gpt-4o-mini",
      choices(["anthropic/claude-haiku-4.5", "google/gemini-2.5-flash", "mistralai/mistral-nemo"]),
    );
    expect(settings.models).toEqual(["anthropic/claude-haiku-4.5", "google/gemini-2.5-flash", "mistralai/mistral-nemo"]);
    expect(chatRequestOptions("openai/gpt-4o-mini", choices([])).models).toBeUndefined();
    // The model named again among its fallbacks, repeats and a list too long never take a place beyond 3.
    expect(fallbackModels("x/main", ["x/main", "a/b", "a/b", "c/d", "e/f", "g/h"])).toEqual(["a/b", "c/d", "e/f"]);
  });

  it("maps the recorded 400 to a sentence that says what to change", () => {
    const error = new APICallError({
      message: RECORDED,
      url: "https://openrouter.ai/api/v1/chat/completions",
      requestBodyValues: {},
      statusCode: 400,
      responseBody: JSON.stringify({ error: { message: RECORDED, code: 400 } }),
    });
    const mapped = mapUpstreamError(error);
    expect(mapped.code).toBe("bad_request:upstream_fallbacks");
    expect(mapped.status).toBe(400);
    expect(mapped.message).toContain("at most 3 fallback models");
    expect(mapped.details).toEqual({ upstream: RECORDED });
  });
});
