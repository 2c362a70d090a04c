import "server-only";
import type { ChatMessageMetadata, ConversationSettings, ModelPreferences, RoutingSettings } from "@/lib/chat/types";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { AUTO_ROUTER_ID, requireModel } from "@/lib/openrouter/catalog";
import type { ChatRequestChoices } from "@/lib/openrouter/request-options";
import type { ModelSummary } from "@/lib/openrouter/types";

// What a conversation's settings and a message's choices add to the upstream request: fallback
// models, provider preferences, web search, the file parser for PDFs and image output, decided
// and checked here; lib/openrouter/request-options.ts turns them into OpenRouter's fields.

export { AUTO_ROUTER_ID };

export type UpstreamChoices = {
  routing: RoutingSettings | null;
  /** The fallback models, from the catalog (checked to exist). */
  fallbacks: ModelSummary[];
  webSearch: { engine: "native" | "exa" | undefined; maxResults: number } | null;
  /** The file-parser plugin's engine, when a PDF goes to a model that cannot read files. */
  pdfEngine: "cloudflare-ai" | "mistral-ocr" | "pdf-text" | null;
  /** Ask for image output (models whose output modalities include images). */
  imageOutput: boolean;
  /** The auto router's allowed models (SWITCHBOARD_AUTO_ROUTER_MODELS); null for any other model. */
  autoRouterModels: ModelSummary[] | null;
};

/**
 * The conversation's routing, or the user's default when the conversation has none of its own.
 * The default's fallback models do not apply to the auto router (it picks its own model); the
 * conversation's own fallbacks with it are the user's mistake, refused by requireFallbackModels.
 */
export async function effectiveRouting(
  settings: ConversationSettings,
  modelId: string,
  preferences: () => Promise<ModelPreferences>,
): Promise<RoutingSettings | null> {
  if (settings.routing) return settings.routing;
  const routing = (await preferences()).defaultRouting ?? null;
  if (routing && modelId === AUTO_ROUTER_ID && routing.fallbackModels?.length) return { ...routing, fallbackModels: null };
  return routing;
}

/** The fallback models, each one checked against the catalog (an unknown one is a 400 naming it). */
export async function requireFallbackModels(model: ModelSummary, routing: RoutingSettings | null): Promise<ModelSummary[]> {
  const ids = [...new Set(routing?.fallbackModels ?? [])].filter((id) => id !== model.id);
  if (ids.length > 0 && model.id === AUTO_ROUTER_ID) {
    throw new AppError("bad_request:routing", "The auto router picks its own model; fallback models cannot be combined with openrouter/auto.");
  }
  const models: ModelSummary[] = [];
  for (const id of ids) {
    try {
      models.push(await requireModel(id));
    } catch (error) {
      if (error instanceof AppError && error.code === "bad_request:model") {
        throw new AppError("bad_request:routing", `Unknown fallback model "${id.slice(0, 100)}". Pick one from the list.`);
      }
      throw error;
    }
  }
  return models;
}

export function webSearchChoice(enabled: boolean | undefined): UpstreamChoices["webSearch"] {
  if (!enabled) return null;
  const env = getEnv();
  return {
    engine: env.SWITCHBOARD_WEB_SEARCH_ENGINE === "auto" ? undefined : env.SWITCHBOARD_WEB_SEARCH_ENGINE,
    maxResults: env.SWITCHBOARD_WEB_SEARCH_MAX_RESULTS,
  };
}

/** What the chat chose, as the upstream request's options (lib/openrouter builds the wire fields). */
export function requestChoices(choices: UpstreamChoices): ChatRequestChoices {
  return {
    fallbackModelIds: choices.fallbacks.map((m) => m.id),
    provider: choices.routing?.provider ?? null,
    webSearch: choices.webSearch,
    pdfEngine: choices.pdfEngine,
    imageOutput: choices.imageOutput,
    autoRouterModelIds: choices.autoRouterModels?.map((m) => m.id) ?? [],
  };
}

/** Footer facts about routing, once the served model is known. */
export function routingMetadata(
  model: ModelSummary,
  choices: UpstreamChoices | undefined,
  modelServed: string | undefined,
): Pick<ChatMessageMetadata, "fallbackUsed" | "autoRouted" | "webSearch"> {
  const out: Pick<ChatMessageMetadata, "fallbackUsed" | "autoRouted" | "webSearch"> = {};
  if (model.id === AUTO_ROUTER_ID && modelServed && modelServed !== AUTO_ROUTER_ID) out.autoRouted = true;
  if (choices && modelServed && choices.fallbacks.some((f) => sameModel(modelServed, f.id)) && !sameModel(modelServed, model.id)) {
    out.fallbackUsed = true;
  }
  if (choices?.webSearch) out.webSearch = { engine: choices.webSearch.engine ?? "auto", maxResults: choices.webSearch.maxResults };
  return out;
}

/** OpenRouter may name a dated version of the model it served ("openai/gpt-4o-mini-2024-07-18"). */
function sameModel(served: string, id: string): boolean {
  return served === id || served.startsWith(`${id}-`) || served.startsWith(`${id}:`);
}
