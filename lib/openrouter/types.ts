// What the UI knows about a model: client-safe, derived from the upstream catalog.

export type ModelSummary = {
  id: string;
  name: string;
  /** The author slug before the slash: "openai", "anthropic", ... */
  provider: string;
  /** The start of the listing's description (lib/openrouter/catalog.ts `shortDescription`). */
  description: string;
  /** A `~author/…-latest` alias: the id of the model it currently points at. */
  aliasOf?: string;
  contextLength: number;
  /** USD per token as the catalog gives it (decimal strings). */
  pricing: {
    prompt: string;
    completion: string;
    inputCacheRead?: string;
    internalReasoning?: string;
    webSearch?: string;
    request?: string;
    /** Per input image. */
    image?: string;
    /** Per output image (image-output models). */
    imageOutput?: string;
    /**
     * Long-context tiers: above `minPromptTokens` prompt tokens these prices replace the base ones
     * (OpenRouter's `pricing.overrides`, models-listing-subset-tiered-alias-router.json).
     */
    tiers?: PriceTier[];
  };
  inputModalities: string[];
  outputModalities: string[];
  supportsTools: boolean;
  supportsReasoning: boolean;
  isFree: boolean;
  maxCompletionTokens: number | null;
};

export type PriceTier = {
  minPromptTokens: number;
  prompt?: string;
  completion?: string;
  inputCacheRead?: string;
  internalReasoning?: string;
  image?: string;
  imageOutput?: string;
};

export type CatalogStatus =
  { state: "fresh" | "stale"; fetchedAt: string; models: ModelSummary[] } | { state: "unavailable"; error: string; models: [] };
