import "server-only";
import { z } from "zod";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/log";
import type { CatalogStatus, ModelSummary, PriceTier } from "./types";

// The upstream /models list, cached for SWITCHBOARD_CATALOG_TTL_SECONDS and refreshed in the
// background; when OpenRouter is down the last good copy is served ("stale"), and when it was
// never reachable the state says so ("unavailable") instead of pretending there are no models.
// Over 300 lines because the listing's schema, its summary for the browser, the cache and the lookups
// built from it (served slugs, the auto router's models) share the one cached copy.

const upstreamModel = z.object({
  id: z.string().min(1),
  /** Dated in the real listing ("anthropic/claude-4.6-sonnet-20260217"); some answers name the served model by it. */
  canonical_slug: z.string().nullish(),
  /** A `~author/…-latest` alias's current target. */
  alias_target: z.object({ name: z.string(), slug: z.string() }).nullish(),
  name: z.string().default(""),
  description: z.string().nullish(),
  context_length: z.number().nullish(),
  architecture: z
    .object({
      input_modalities: z.array(z.string()).nullish(),
      output_modalities: z.array(z.string()).nullish(),
    })
    .partial()
    .nullish(),
  pricing: z.object({
    prompt: z.string(),
    completion: z.string(),
    request: z.string().nullish(),
    image: z.string().nullish(),
    web_search: z.string().nullish(),
    internal_reasoning: z.string().nullish(),
    input_cache_read: z.string().nullish(),
    image_output: z.string().nullish(),
    // Long-context tiers (models-listing-subset-tiered-alias-router.json: `~google/gemini-pro-latest`
    // is dearer above `min_prompt_tokens: 200000`). An entry that does not parse is dropped, not the model.
    overrides: z.array(z.unknown()).nullish(),
  }),
  top_provider: z.object({ max_completion_tokens: z.number().nullish() }).partial().nullish(),
  supported_parameters: z.array(z.string()).nullish(),
});

const upstreamTier = z.object({
  // Absent on an override with only a time window (`utc_start`/`utc_end`): it may apply to any prompt.
  min_prompt_tokens: z.number().nonnegative().default(0),
  prompt: z.string().nullish(),
  completion: z.string().nullish(),
  input_cache_read: z.string().nullish(),
  internal_reasoning: z.string().nullish(),
  image: z.string().nullish(),
  image_output: z.string().nullish(),
});

function priceTiers(raw: unknown[] | null | undefined): PriceTier[] | undefined {
  const tiers: PriceTier[] = [];
  for (const entry of raw ?? []) {
    const parsed = upstreamTier.safeParse(entry);
    if (!parsed.success) continue;
    const t = parsed.data;
    const tier: PriceTier = { minPromptTokens: t.min_prompt_tokens };
    if (t.prompt) tier.prompt = t.prompt;
    if (t.completion) tier.completion = t.completion;
    if (t.input_cache_read) tier.inputCacheRead = t.input_cache_read;
    if (t.internal_reasoning) tier.internalReasoning = t.internal_reasoning;
    if (t.image) tier.image = t.image;
    if (t.image_output) tier.imageOutput = t.image_output;
    tiers.push(tier);
  }
  return tiers.length > 0 ? tiers.sort((a, b) => a.minPromptTokens - b.minPromptTokens) : undefined;
}

const upstreamModelsResponse = z.object({ data: z.array(z.unknown()) });

/**
 * The browser gets the start of a description only (the picker's details show three lines): the
 * real listing's descriptions run to a few thousand characters, and with hundreds of models they
 * would be most of the list's bytes (measured in catalog-size.test.ts).
 */
export const DESCRIPTION_CHARS = 240;

export function shortDescription(text: string | null | undefined): string {
  const flat = (text ?? "").replace(/\s+/g, " ").trim();
  if (flat.length <= DESCRIPTION_CHARS) return flat;
  const cut = flat.slice(0, DESCRIPTION_CHARS);
  const space = cut.lastIndexOf(" ");
  return `${(space > DESCRIPTION_CHARS / 2 ? cut.slice(0, space) : cut).replace(/[\s.,;:]+$/, "")}…`;
}

export function toModelSummary(raw: z.infer<typeof upstreamModel>): ModelSummary {
  const optional = (v: string | null | undefined) => (v && v !== "0" ? v : undefined);
  const params = raw.supported_parameters ?? [];
  const isFree = raw.id.endsWith(":free") || (raw.pricing.prompt === "0" && raw.pricing.completion === "0");
  return {
    id: raw.id,
    name: raw.name || raw.id,
    provider: raw.id.replace(/^~/, "").split("/")[0] ?? raw.id,
    description: shortDescription(raw.description),
    ...(raw.alias_target ? { aliasOf: raw.alias_target.slug } : {}),
    contextLength: raw.context_length ?? 0,
    pricing: {
      prompt: raw.pricing.prompt,
      completion: raw.pricing.completion,
      inputCacheRead: optional(raw.pricing.input_cache_read),
      internalReasoning: optional(raw.pricing.internal_reasoning),
      webSearch: optional(raw.pricing.web_search),
      request: optional(raw.pricing.request),
      image: optional(raw.pricing.image),
      imageOutput: optional(raw.pricing.image_output),
      tiers: priceTiers(raw.pricing.overrides),
    },
    inputModalities: raw.architecture?.input_modalities ?? ["text"],
    outputModalities: raw.architecture?.output_modalities ?? ["text"],
    supportsTools: params.includes("tools"),
    supportsReasoning: params.includes("reasoning") || params.includes("include_reasoning"),
    isFree,
    maxCompletionTokens: raw.top_provider?.max_completion_tokens ?? null,
  };
}

type CacheState = {
  models?: ModelSummary[];
  byId?: Map<string, ModelSummary>;
  /** Served slug (a dated `canonical_slug`) → the catalog id it stands for. */
  byServed?: Map<string, string>;
  fetchedAt?: number;
  lastError?: string;
  refreshing?: Promise<void>;
};

const holder = globalThis as unknown as { __sbCatalog?: CacheState };
const cache = (): CacheState => (holder.__sbCatalog ??= {});

/** A listed model's dated slug and its id: answers may name the model by the slug. */
export type ServedAs = [slug: string, id: string];

/**
 * Slug → id. Where several ids share one slug (`x` and `x:free`), the id without a variant wins:
 * the spend page then shows one row for the model whichever variant answered under that slug.
 */
function servedIndex(servedAs: ServedAs[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const [slug, id] of servedAs) {
    const held = map.get(slug);
    if (held === undefined || (held.includes(":") && !id.includes(":"))) map.set(slug, id);
  }
  return map;
}

/** A `/models` body as the app keeps it: the summaries, and which dated slugs stand for which ids. */
export function summariseListing(body: unknown): { models: ModelSummary[]; servedAs: ServedAs[] } {
  const listing = upstreamModelsResponse.parse(body);
  // One malformed entry must not hide the other models.
  const models: ModelSummary[] = [];
  const servedAs: ServedAs[] = [];
  for (const entry of listing.data) {
    const parsed = upstreamModel.safeParse(entry);
    if (!parsed.success) continue;
    models.push(toModelSummary(parsed.data));
    const slug = parsed.data.canonical_slug;
    if (slug && slug !== parsed.data.id) servedAs.push([slug, parsed.data.id]);
  }
  return { models, servedAs };
}

async function fetchCatalog(): Promise<{ models: ModelSummary[]; servedAs: ServedAs[] }> {
  const env = getEnv();
  const response = await fetch(`${env.OPENROUTER_BASE_URL}/models`, {
    headers: { accept: "application/json" },
    signal: AbortSignal.timeout(15_000),
  });
  if (!response.ok) throw new Error(`GET /models answered ${response.status}`);
  const summary = summariseListing(await response.json());
  if (summary.models.length === 0) throw new Error("GET /models returned no usable models");
  return summary;
}

function refresh(): Promise<void> {
  const state = cache();
  state.refreshing ??= loadCatalog()
    .then(({ models, servedAs, fetchedAt }) => {
      state.models = models;
      state.byId = new Map(models.map((m) => [m.id, m]));
      state.byServed = servedIndex(servedAs ?? []);
      state.fetchedAt = fetchedAt;
      state.lastError = undefined;
    })
    .catch((error: unknown) => {
      state.lastError = error instanceof Error ? error.message : String(error);
      logger().warn({ error: state.lastError }, "the model catalog could not be refreshed");
    })
    .finally(() => {
      state.refreshing = undefined;
    });
  return state.refreshing;
}

// With several instances the catalog is shared (through Redis, lib/redis/catalog-share.ts, set
// at server start): an instance whose copy is old takes the fresh one another instance fetched;
// if there is none, one instance (holder of a short lock) fetches /models and the others wait for
// its copy. So one upstream fetch per refresh, however many instances.

/** The store instances share the catalog through. Every call fails soft (null, "unavailable"). */
export type CatalogShare = {
  /** Waits briefly for a connection being made; false when the store cannot be used now. */
  ready(): Promise<boolean>;
  read(): Promise<string | null>;
  /** Keeps the copy for `ttlMs`. */
  write(value: string, ttlMs: number): Promise<void>;
  /** Takes the fetch lock for `ttlMs`: "OK", "taken" by another instance, or "unavailable". */
  lock(token: string, ttlMs: number): Promise<"OK" | "taken" | "unavailable">;
  /** Lets go of the lock if `token` still holds it. */
  unlock(token: string): Promise<void>;
};

const shareHolder = globalThis as unknown as { __sbCatalogShare?: CatalogShare | null };

/** Shares the catalog between instances through `share` (null: this instance fetches alone). */
export function shareCatalogThrough(share: CatalogShare | null): void {
  shareHolder.__sbCatalogShare = share;
}

const LOCK_MS = 20_000;
/** How long an instance waits for another's fetch before fetching itself. */
const WAIT_FOR_PEER_MS = 16_000;

/** `servedAs` is absent from a copy an older instance shared. */
type SharedCatalog = { fetchedAt: number; models: ModelSummary[]; servedAs?: ServedAs[] };

async function loadCatalog(): Promise<SharedCatalog> {
  const share = shareHolder.__sbCatalogShare;
  const ttlMs = getEnv().SWITCHBOARD_CATALOG_TTL_SECONDS * 1000;
  if (!share || !(await share.ready())) return { ...(await fetchCatalog()), fetchedAt: Date.now() };
  const readShared = async (): Promise<SharedCatalog | null> => {
    const raw = await share.read();
    return raw ? (JSON.parse(raw) as SharedCatalog) : null;
  };
  const fresh = (c: SharedCatalog | null): c is SharedCatalog => c !== null && Date.now() - c.fetchedAt < ttlMs;
  const deadline = Date.now() + WAIT_FOR_PEER_MS;
  while (Date.now() < deadline) {
    const shared = await readShared();
    if (fresh(shared)) return shared;
    const token = `${process.pid}-${Math.random()}`;
    const locked = await share.lock(token, LOCK_MS);
    if (locked === "unavailable") break; // the store went away: fetch ourselves
    if (locked === "OK") {
      try {
        // A peer may have stored a fresh copy and let go of the lock since we last looked.
        const again = await readShared();
        if (fresh(again)) return again;
        const fetched: SharedCatalog = { ...(await fetchCatalog()), fetchedAt: Date.now() };
        // Kept well past its TTL: a stale copy still serves while OpenRouter is down.
        await share.write(JSON.stringify(fetched), Math.max(ttlMs * 20, 3_600_000));
        return fetched;
      } finally {
        await share.unlock(token);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { ...(await fetchCatalog()), fetchedAt: Date.now() };
}

/** The catalog, refreshing it first when there is none yet, in the background when old. */
export async function getCatalog(): Promise<CatalogStatus> {
  const state = cache();
  const ttlMs = getEnv().SWITCHBOARD_CATALOG_TTL_SECONDS * 1000;
  if (!state.models) await refresh();
  else if (Date.now() - (state.fetchedAt ?? 0) > ttlMs) void refresh();
  if (!state.models) {
    return { state: "unavailable", error: state.lastError ?? "The model list could not be loaded.", models: [] };
  }
  const stale = Boolean(state.lastError) || Date.now() - (state.fetchedAt ?? 0) > ttlMs;
  return { state: stale ? "stale" : "fresh", fetchedAt: new Date(state.fetchedAt!).toISOString(), models: state.models };
}

/** The model, or a `bad_request:model` error naming it (`unavailable:catalog` when there is no catalog). */
export async function requireModel(id: string): Promise<ModelSummary> {
  const catalog = await getCatalog();
  if (catalog.state === "unavailable") {
    throw new AppError("unavailable:catalog", "The model list from OpenRouter cannot be loaded right now. Try again shortly.");
  }
  const model = cache().byId?.get(id);
  if (!model) throw new AppError("bad_request:model", `Unknown model "${id.slice(0, 100)}". Pick one from the list.`);
  return model;
}

/**
 * The catalog id an answer's served `model` stands for, so that one model is one row in spend and
 * history: OpenRouter may name the model by its dated `canonical_slug` (requested
 * `anthropic/claude-sonnet-4.6`, served `anthropic/claude-4.6-sonnet-20260217`:
 * tests/fixtures/openrouter-recorded/stream-usage-empty-choices-dated-slug-claude-sonnet-4.6-bedrock.sse).
 * A listed id, or a slug the catalog does not know, is kept as it came. Synchronous, from the catalog
 * in memory: an answer has always loaded it (its model was checked against it); settlement loads it
 * first (`ensureCatalogLoaded`).
 */
export function servedModelId(served: string | null | undefined): string | null {
  if (!served) return null;
  const state = cache();
  if (state.byId?.has(served)) return served;
  return state.byServed?.get(served) ?? served;
}

/** Loads the catalog if this process has none yet; never throws (without one, served slugs are kept as they came). */
export async function ensureCatalogLoaded(): Promise<void> {
  if (cache().models) return;
  try {
    await getCatalog();
  } catch {
    // No configuration or no upstream: nothing to map with.
  }
}

/** OpenRouter's auto router: priced "-1", it bills the model it picks. */
export const AUTO_ROUTER_ID = "openrouter/auto";

/**
 * The models the auto router may pick: SWITCHBOARD_AUTO_ROUTER_MODELS, those of them the catalog
 * lists. They go upstream as the auto-router plugin's `allowed_models`, so the router cannot pick
 * another (openrouter.ai/docs/guides/routing/routers/auto-router: the allowed list narrows the pool),
 * and the budget holds the dearest of them. Empty when none is listed: the router is then held to
 * the dearest model of the catalog.
 */
export async function autoRouterModels(): Promise<ModelSummary[]> {
  const ids = getEnv().SWITCHBOARD_AUTO_ROUTER_MODELS;
  const catalog = await getCatalog();
  const byId = new Map(catalog.models.map((m) => [m.id, m]));
  return ids.flatMap((id) => {
    const model = byId.get(id);
    return model && id !== AUTO_ROUTER_ID ? [model] : [];
  });
}
