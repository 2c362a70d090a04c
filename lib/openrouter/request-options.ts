import "server-only";
import type { OpenRouterChatSettings } from "@openrouter/ai-sdk-provider";

// What one chat request asks of OpenRouter beyond the model and the messages, in OpenRouter's
// own field names: `usage` (cost in the stream), `reasoning`, fallback `models`, `provider`
// preferences, `plugins` (web search, the file parser) and `modalities` (image output). The
// chat decides what it wants (lib/chat/routing.ts); the wire names appear only here.

/** Provider preferences as the app keeps them (USD per million tokens for prices). */
export type ProviderPreferences = {
  sort?: "price" | "throughput" | "latency" | null;
  order?: string[] | null;
  ignore?: string[] | null;
  allowFallbacks?: boolean | null;
  dataCollection?: "allow" | "deny" | null;
  zdr?: boolean | null;
  maxPrice?: { prompt?: number | null; completion?: number | null } | null;
};

export type ReasoningEffort = "low" | "medium" | "high";

export type ChatRequestChoices = {
  /** Tried in order when the model fails. */
  fallbackModelIds: string[];
  provider: ProviderPreferences | null;
  webSearch: { engine: "native" | "exa" | undefined; maxResults: number } | null;
  /** The file-parser plugin's engine, when a PDF goes to a model that cannot read files. */
  pdfEngine: "cloudflare-ai" | "mistral-ocr" | "pdf-text" | null;
  imageOutput: boolean;
  /** The auto-router plugin's `allowed_models`: the only models `openrouter/auto` may pick. */
  autoRouterModelIds?: string[];
};

type ProviderField = NonNullable<OpenRouterChatSettings["provider"]>;
type PluginList = NonNullable<OpenRouterChatSettings["plugins"]>;

/** OpenRouter's `provider` object for these preferences; undefined when there are none. */
export function providerPreferences(routing: { provider?: ProviderPreferences | null } | null): ProviderField | undefined {
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

/**
 * OpenRouter refuses a `models` array of more than 3 entries with HTTP 400 "'models' array must
 * have 3 items or fewer." (tests/fixtures/openrouter-recorded/error-400-models-too-many.message.txt).
 */
export const MAX_UPSTREAM_MODELS = 3;

/**
 * The `models` field: the fallbacks only, never the model itself. The model goes in `model` and is
 * tried first; `models` holds what to try after it (openrouter.ai/docs/guides/routing/model-fallbacks,
 * "Using with OpenAI SDK": `model` is tried first, then `models` in order). The recording
 * stream-fallback-keepalives-reasoning-encrypted-xai-grok-4.sse was a request with `model`
 * google/gemini-2.0-flash-exp:free and `models: ["x-ai/grok-4"]`, answered by the fallback. Repeating
 * the model in `models` would spend one of its 3 places, and three fallbacks would be refused.
 * Cut to 3 as a last guard: settings are checked to hold at most 3 fallbacks before they get here.
 */
export function fallbackModels(modelId: string, fallbackModelIds: readonly string[]): string[] {
  return [...new Set(fallbackModelIds)].filter((id) => id !== modelId).slice(0, MAX_UPSTREAM_MODELS);
}

/**
 * The provider settings of one chat request: usage always, the rest as chosen. `max_tokens` is not
 * here: the AI SDK's `maxOutputTokens` sends it (lib/chat/answer.ts), from the same limit the budget
 * reserved (lib/spend/budget.ts outputTokenLimit).
 */
export function chatRequestOptions(
  modelId: string,
  choices: ChatRequestChoices | undefined,
  reasoningEffort?: ReasoningEffort,
): OpenRouterChatSettings {
  const settings: OpenRouterChatSettings = { usage: { include: true } };
  if (reasoningEffort) settings.reasoning = { effort: reasoningEffort };
  if (!choices) return settings;
  const models = fallbackModels(modelId, choices.fallbackModelIds);
  if (models.length > 0) settings.models = models;
  const provider = providerPreferences(choices);
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
  // Exact ids, so the budget can price each (openrouter.ai/docs/guides/routing/routers/auto-router).
  if (choices.autoRouterModelIds && choices.autoRouterModelIds.length > 0) {
    plugins.push({ id: "auto-router", allowed_models: [...choices.autoRouterModelIds] });
  }
  if (plugins.length > 0) settings.plugins = plugins;
  if (choices.imageOutput) settings.extraBody = { modalities: ["image", "text"] };
  return settings;
}
