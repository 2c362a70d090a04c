/**
 * Model resolution and provider routing, after OpenRouter's documented rules.
 *
 * Provider preferences (`provider` in the request body) filter a model's endpoints in this
 * order, and the first filter that leaves nothing answers with the 404 OpenRouter gives for it:
 *   tool support (when `tools` are sent) → image input (when image parts are sent)
 *   → `only` → `ignore` → `data_collection: 'deny'` → `zdr` → `quantizations`
 *   → `max_price` (prompt/completion in USD per million tokens, request/image per unit)
 *   → `require_parameters` → `order` with `allow_fallbacks: false`.
 * The survivors are ranked: `order` first (in the order given), then the rest (only when
 * `allow_fallbacks` is not false) by `sort` (`price`: prompt+completion price ascending;
 * `throughput`: p50 tokens/s descending; `latency`: p50 seconds ascending), or in catalog
 * order when there is no `sort` (the first endpoint is the model's default, whose prices are
 * the model's listed prices). With `allow_fallbacks: false` only the first survivor is tried.
 * Provider names in `order/only/ignore` match case-insensitively on the provider name, its
 * slug (`deepinfra`, `amazon-bedrock`, `google-vertex`) or an endpoint tag (`deepinfra/fp8`).
 *
 * The 404 bodies, and which exclusion gives which (README, "Routing 404s"):
 * - provider lists (`only`, `ignore`, `order` without fallbacks): "No allowed providers are available
 *   for the selected model." with `metadata.available_providers` / `requested_providers` as lowercase
 *   slugs (error-404-no-allowed-providers-*.json; a preset naming only Groq got the same message:
 *   github.com/musistudio/claude-code-router/issues/188);
 * - `data_collection: "deny"`: "No endpoints found matching your data policy (Paid model training). …"
 *   with no metadata (error-404-data-policy-paid-model-training.json);
 * - `zdr`: the newer `error.availability` body, code `privacy_restricted`, `excluded_by: ["data_policy:zdr"]`
 *   (error-404-availability-privacy-restricted.doc.json, whose example is exactly this case);
 * - tools on a model none of whose endpoints takes them: "No endpoints found that support tool use. Try
 *   disabling \"<tool>\". …" (error-404-no-endpoints-tool-use-via-kilo-gateway.message.txt);
 * - `quantizations`, `max_price`, `require_parameters`: no recorded body; "No endpoints found for <model>."
 *   as OpenRouter answers when nothing serves a model (github.com/anomalyco/opencode/issues/1558,
 *   github.com/vyancharuk/nodejs-api-boilerplate/issues/16). The preference is not named, as far as
 *   anything recorded shows: a client has to know what it asked for.
 */
import { AUTO_CANDIDATES, AUTO_MODEL_ID, CATALOG, type CatalogEndpoint, type CatalogModel, getModel, type Parameter } from "./catalog";
import { priceToNano } from "./cost";
import type { ProviderPreferences } from "./request";
import { availabilityErrorBody, errorBody } from "./wire";

export interface RouteNeeds {
  tools: boolean;
  /** Names of the request's tools (the tool-use 404 names the first). */
  toolNames: string[];
  images: boolean;
  /** Parameters present in the request (checked only with `require_parameters: true`). */
  params: Parameter[];
}

export type RouteFailure = { ok: false; status: number; body: Record<string, unknown> };
export type RouteResult = { ok: true; endpoints: CatalogEndpoint[]; allowFallbacks: boolean } | RouteFailure;

const ROUTING_DOCS = "To learn more about provider routing, visit: https://openrouter.ai/docs/guides/routing/provider-selection";

/** The lowercase provider slugs of the recorded `available_providers` (`google-ai-studio`, `z-ai`). */
function slugsOf(endpoints: readonly CatalogEndpoint[]): string[] {
  return Array.from(new Set(endpoints.map((e) => e.slug)));
}

function slugOfName(name: string): string {
  return name.trim().toLowerCase().replace(/\s+/g, "-");
}

function matches(e: CatalogEndpoint, name: string): boolean {
  const n = name.trim().toLowerCase();
  return n === e.providerName.toLowerCase() || n === e.providerName.toLowerCase().replace(/\s+/g, "-") || n === e.slug || n === e.tag.toLowerCase();
}

function priceLimitNano(v: string | number): bigint {
  if (typeof v === "number") return BigInt(Math.round(v * 1e9));
  try {
    return priceToNano(v);
  } catch {
    return BigInt(Math.round(Number(v) * 1e9));
  }
}

function sortKey(sort: ProviderPreferences["sort"]): "price" | "throughput" | "latency" | null {
  if (!sort) return null;
  const by = typeof sort === "string" ? sort : sort.by;
  return by === "price" || by === "throughput" || by === "latency" ? by : null;
}

function sortEndpoints(list: CatalogEndpoint[], by: "price" | "throughput" | "latency" | null): CatalogEndpoint[] {
  if (!by) return list;
  const indexed = list.map((e, i) => ({ e, i }));
  indexed.sort((a, b) => {
    let d = 0;
    if (by === "price") {
      const pa = priceToNano(a.e.pricing.prompt) + priceToNano(a.e.pricing.completion);
      const pb = priceToNano(b.e.pricing.prompt) + priceToNano(b.e.pricing.completion);
      d = pa < pb ? -1 : pa > pb ? 1 : 0;
    } else if (by === "throughput") {
      d = b.e.throughput.p50 - a.e.throughput.p50;
    } else {
      d = a.e.latency.p50 - b.e.latency.p50;
    }
    return d !== 0 ? d : a.i - b.i;
  });
  return indexed.map((x) => x.e);
}

/** Filters and ranks `model`'s endpoints for a request. */
export function routeEndpoints(model: CatalogModel, prefs: ProviderPreferences | null | undefined, needs: RouteNeeds): RouteResult {
  const p = prefs ?? {};
  let list = [...model.endpoints];
  const fail = (body: Record<string, unknown>, status = 404): RouteResult => ({ ok: false, status, body });
  const noEndpoints = () => fail(errorBody(404, `No endpoints found for ${model.id}.`));
  const noAllowed = (requested: string[]) =>
    fail(
      errorBody(404, "No allowed providers are available for the selected model.", {
        available_providers: slugsOf(model.endpoints),
        requested_providers: requested,
      }),
    );
  if (list.length === 0) return noEndpoints();

  if (needs.tools) {
    list = list.filter((e) => e.supportedParameters.includes("tools"));
    const tool = needs.toolNames[0] ?? "tools";
    if (list.length === 0) return fail(errorBody(404, `No endpoints found that support tool use. Try disabling "${tool}". ${ROUTING_DOCS}`));
  }
  if (needs.images) {
    if (!model.architecture.input_modalities.includes("image"))
      return fail(errorBody(404, `No endpoints found that support image input. ${ROUTING_DOCS}`));
  }
  if (p.only && p.only.length > 0) {
    const only = p.only;
    list = list.filter((e) => only.some((n) => matches(e, n)));
    if (list.length === 0) return noAllowed(only.map(slugOfName));
  }
  if (p.ignore && p.ignore.length > 0) {
    const ignore = p.ignore;
    list = list.filter((e) => !ignore.some((n) => matches(e, n)));
    // What is still allowed of this model's providers: nothing (not recorded; README, Known differences).
    if (list.length === 0) return noAllowed([]);
  }
  if (p.data_collection === "deny") {
    list = list.filter((e) => !e.trainsOnData);
    if (list.length === 0)
      return fail(
        errorBody(404, "No endpoints found matching your data policy (Paid model training). Configure: https://openrouter.ai/settings/privacy"),
      );
  }
  if (p.zdr === true) {
    const before = list;
    list = list.filter((e) => e.zdr);
    if (list.length === 0)
      return fail(
        availabilityErrorBody(
          404,
          "not_found",
          `No endpoints for ${model.id} match your data policy (zero data retention). Adjust at https://openrouter.ai/settings/privacy.`,
          {
            code: "privacy_restricted",
            retryable: false,
            requested_models: [model.id],
            affected_providers: slugsOf(before),
            excluded_by: ["data_policy:zdr"],
            docs_url: "https://openrouter.ai/docs/errors#privacy_restricted",
          },
        ),
      );
  }
  if (p.quantizations && p.quantizations.length > 0) {
    const qs: readonly string[] = p.quantizations;
    list = list.filter((e) => e.quantization !== null && qs.includes(e.quantization));
    if (list.length === 0) return noEndpoints();
  }
  if (p.max_price) {
    const mp = p.max_price;
    list = list.filter((e) => {
      const perMillion = (price: string): bigint => priceToNano(price) * 1_000_000n;
      if (mp.prompt !== undefined && perMillion(e.pricing.prompt) > priceLimitNano(mp.prompt)) return false;
      if (mp.completion !== undefined && perMillion(e.pricing.completion) > priceLimitNano(mp.completion)) return false;
      if (mp.request !== undefined && e.pricing.request !== undefined && priceToNano(e.pricing.request) > priceLimitNano(mp.request)) return false;
      if (mp.image !== undefined && e.pricing.image !== undefined && priceToNano(e.pricing.image) > priceLimitNano(mp.image)) return false;
      return true;
    });
    if (list.length === 0) return noEndpoints();
  }
  if (p.require_parameters === true && needs.params.length > 0) {
    list = list.filter((e) => needs.params.every((x) => e.supportedParameters.includes(x)));
    if (list.length === 0) return noEndpoints();
  }
  const allowFallbacks = p.allow_fallbacks !== false;
  const by = sortKey(p.sort);
  if (p.order && p.order.length > 0) {
    const ordered: CatalogEndpoint[] = [];
    for (const n of p.order) for (const e of list) if (matches(e, n) && !ordered.includes(e)) ordered.push(e);
    if (!allowFallbacks) {
      if (ordered.length === 0) return noAllowed(p.order.map(slugOfName));
      return { ok: true, endpoints: ordered, allowFallbacks };
    }
    const rest = sortEndpoints(
      list.filter((e) => !ordered.includes(e)),
      by,
    );
    return { ok: true, endpoints: [...ordered, ...rest], allowFallbacks };
  }
  return { ok: true, endpoints: sortEndpoints(list, by), allowFallbacks };
}

function globMatch(pattern: string, id: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split("*")
      .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
    "i",
  );
  return re.test(id);
}

/**
 * `openrouter/auto`: the first of {@link AUTO_CANDIDATES} (or of the `auto-router` plugin's
 * `allowed_models` patterns, minus `excluded_models`) whose endpoints can serve the request.
 * Deterministic: the same request always gets the same model.
 */
export function resolveAuto(
  prefs: ProviderPreferences | null | undefined,
  needs: RouteNeeds,
  plugin: { allowed_models?: string[]; excluded_models?: string[] } | undefined,
): { model: CatalogModel; route: Extract<RouteResult, { ok: true }> } | { error: RouteFailure } {
  let candidates: string[] = [...AUTO_CANDIDATES];
  if (plugin?.allowed_models && plugin.allowed_models.length > 0) {
    const allowed = plugin.allowed_models;
    const everyModel = CATALOG.map((m) => m.id).filter((id) => id !== AUTO_MODEL_ID);
    const fromAllowed = [...AUTO_CANDIDATES, ...everyModel].filter((id) => allowed.some((p) => globMatch(p, id)));
    candidates = Array.from(new Set(fromAllowed));
  }
  if (plugin?.excluded_models && plugin.excluded_models.length > 0) {
    const excluded = plugin.excluded_models;
    candidates = candidates.filter((id) => !excluded.some((p) => globMatch(p, id)));
  }
  let firstError: RouteFailure | null = null;
  for (const id of candidates) {
    const m = getModel(id);
    if (!m || m.id === AUTO_MODEL_ID) continue;
    const r = routeEndpoints(m, prefs, needs);
    if (r.ok) return { model: m, route: r };
    firstError ??= r;
  }
  return {
    error: firstError ?? { ok: false, status: 404, body: errorBody(404, "No models available for the auto router with the given allowed_models.") },
  };
}
