import "server-only";
import type { OpenRouterChatSettings } from "@openrouter/ai-sdk-provider";
import type { ChatMessageMetadata, ConversationSettings, RoutingSettings } from "@/lib/chat/types";
import { getModelPreferences } from "@/lib/db/preferences";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { requireModel } from "@/lib/openrouter/catalog";
import type { ModelSummary } from "@/lib/openrouter/types";

// What a conversation's settings and a message's choices add to the upstream request: fallback
// models (`models`), provider preferences (`provider`), the web plugin, the file-parser plugin
// and image output (`modalities`). OpenRouter's field names appear only here.

export const AUTO_ROUTER_ID = "openrouter/auto";

export type UpstreamChoices = {
  routing: RoutingSettings | null;
  /** The fallback models, from the catalog (checked to exist). */
  fallbacks: ModelSummary[];
  webSearch: { engine: "native" | "exa" | undefined; maxResults: number } | null;
  /** The file-parser plugin's engine, when a PDF goes to a model that cannot read files. */
  pdfEngine: "cloudflare-ai" | "mistral-ocr" | "pdf-text" | null;
  /** Ask for image output (models whose output modalities include images). */
  imageOutput: boolean;
};

/**
 * The conversation's routing, or the user's default when the conversation has none of its own.
 * The default's fallback models do not apply to the auto router (it picks its own model); the
 * conversation's own fallbacks with it are the user's mistake, refused by requireFallbackModels.
 */
export async function effectiveRouting(userId: string, settings: ConversationSettings, modelId: string): Promise<RoutingSettings | null> {
  if (settings.routing) return settings.routing;
  const preferences = await getModelPreferences(userId, getEnv().SWITCHBOARD_DEFAULT_MODEL);
  const routing = preferences.defaultRouting ?? null;
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

type ProviderField = NonNullable<OpenRouterChatSettings["provider"]>;
type PluginList = NonNullable<OpenRouterChatSettings["plugins"]>;

/** OpenRouter's `provider` object for these preferences; undefined when there are none. */
export function providerPreferences(routing: RoutingSettings | null): ProviderField | undefined {
  const p = routing?.provider;
  if (!p) return undefined;
  const out: ProviderField = {};
  if (p.sort) out.sort = p.sort;
  if (p.order && p.order.length > 0) out.order = [...p.order];
  if (p.ignore && p.ignore.length > 0) out.ignore = [...p.ignore];
  if (p.allowFallbacks === false || p.allowFallbacks === true) out.allow_fallbacks = p.allowFallbacks;
  if (p.dataCollection) out.data_collection = p.dataCollection;
  if (p.zdr === true) out.zdr = true;
  const maxPrice: NonNullable<ProviderField["max_price"]> = {};
  // Decimal strings, as OpenRouter's ProviderPreferences describes them (never "1e-7").
  if (p.maxPrice?.prompt !== undefined && p.maxPrice.prompt !== null) maxPrice.prompt = decimal(p.maxPrice.prompt);
  if (p.maxPrice?.completion !== undefined && p.maxPrice.completion !== null) maxPrice.completion = decimal(p.maxPrice.completion);
  if (Object.keys(maxPrice).length > 0) out.max_price = maxPrice;
  return Object.keys(out).length > 0 ? out : undefined;
}

function decimal(value: number): string {
  return value.toFixed(9).replace(/\.?0+$/, "") || "0";
}

/** The settings the provider turns into `models`, `provider`, `plugins` and `modalities`. */
export function upstreamSettings(model: ModelSummary, choices: UpstreamChoices): OpenRouterChatSettings {
  const settings: OpenRouterChatSettings = {};
  if (choices.fallbacks.length > 0) settings.models = [model.id, ...choices.fallbacks.map((m) => m.id)];
  const provider = providerPreferences(choices.routing);
  if (provider) settings.provider = provider;
  const plugins: PluginList = [];
  if (choices.webSearch) {
    plugins.push({
      id: "web",
      max_results: choices.webSearch.maxResults,
      ...(choices.webSearch.engine ? { engine: choices.webSearch.engine } : {}),
    });
  }
  if (choices.pdfEngine) plugins.push({ id: "file-parser", pdf: { engine: choices.pdfEngine } });
  if (plugins.length > 0) settings.plugins = plugins;
  if (choices.imageOutput) settings.extraBody = { modalities: ["image", "text"] };
  return settings;
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
