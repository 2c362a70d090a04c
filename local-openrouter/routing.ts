/**
 * Model resolution and provider routing, after OpenRouter's documented rules.
 *
 * Provider preferences (`provider` in the request body) filter a model's endpoints in this
 * order, and the first filter that leaves nothing names itself in the 404 error:
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
 */
import { AUTO_CANDIDATES, AUTO_MODEL_ID, CATALOG, type CatalogEndpoint, type CatalogModel, getModel, type Parameter } from "./catalog";
import { priceToNano } from "./cost";
import type { ProviderPreferences } from "./request";

export interface RouteNeeds {
  tools: boolean;
  images: boolean;
  /** Parameters present in the request (checked only with `require_parameters: true`). */
  params: Parameter[];
}

export type RouteResult = { ok: true; endpoints: CatalogEndpoint[]; allowFallbacks: boolean } | { ok: false; status: 404; message: string };

const ROUTING_DOCS = "To learn more about provider routing, visit: https://openrouter.ai/docs/guides/routing/provider-selection";

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
  const fail = (message: string): RouteResult => ({ ok: false, status: 404, message });
  if (list.length === 0) return fail(`No endpoints found for ${model.id}.`);

  if (needs.tools) {
    list = list.filter((e) => e.supportedParameters.includes("tools"));
    if (list.length === 0) return fail(`No endpoints found that support tool use. ${ROUTING_DOCS}`);
  }
  if (needs.images) {
    if (!model.architecture.input_modalities.includes("image")) return fail(`No endpoints found that support image input. ${ROUTING_DOCS}`);
  }
  if (p.only && p.only.length > 0) {
    const only = p.only;
    list = list.filter((e) => only.some((n) => matches(e, n)));
    if (list.length === 0)
      return fail(`No allowed providers are available for the selected model (provider.only: ${JSON.stringify(only)}). ${ROUTING_DOCS}`);
  }
  if (p.ignore && p.ignore.length > 0) {
    const ignore = p.ignore;
    list = list.filter((e) => !ignore.some((n) => matches(e, n)));
    if (list.length === 0)
      return fail(`No allowed providers are available for the selected model (provider.ignore: ${JSON.stringify(ignore)}). ${ROUTING_DOCS}`);
  }
  if (p.data_collection === "deny") {
    list = list.filter((e) => !e.trainsOnData);
    if (list.length === 0) return fail(`No endpoints found matching your data policy (provider.data_collection: "deny"). ${ROUTING_DOCS}`);
  }
  if (p.zdr === true) {
    list = list.filter((e) => e.zdr);
    if (list.length === 0) return fail(`No endpoints found matching your data policy (provider.zdr: true). ${ROUTING_DOCS}`);
  }
  if (p.quantizations && p.quantizations.length > 0) {
    const qs: readonly string[] = p.quantizations;
    list = list.filter((e) => e.quantization !== null && qs.includes(e.quantization));
    if (list.length === 0)
      return fail(`No endpoints found matching your quantization preferences (provider.quantizations: ${JSON.stringify(qs)}). ${ROUTING_DOCS}`);
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
    if (list.length === 0) return fail(`No endpoints found matching your price limits (provider.max_price: ${JSON.stringify(mp)}). ${ROUTING_DOCS}`);
  }
  if (p.require_parameters === true && needs.params.length > 0) {
    list = list.filter((e) => needs.params.every((x) => e.supportedParameters.includes(x)));
    if (list.length === 0)
      return fail(
        `No endpoints found that can handle the requested parameters (provider.require_parameters: true; ${needs.params.join(", ")}). ${ROUTING_DOCS}`,
      );
  }
  const allowFallbacks = p.allow_fallbacks !== false;
  const by = sortKey(p.sort);
  if (p.order && p.order.length > 0) {
    const ordered: CatalogEndpoint[] = [];
    for (const n of p.order) for (const e of list) if (matches(e, n) && !ordered.includes(e)) ordered.push(e);
    if (!allowFallbacks) {
      if (ordered.length === 0)
        return fail(
          `No allowed providers are available for the selected model (provider.order: ${JSON.stringify(p.order)} with allow_fallbacks: false). ${ROUTING_DOCS}`,
        );
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
): { model: CatalogModel; route: Extract<RouteResult, { ok: true }> } | { error: string } {
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
  let firstError: string | null = null;
  for (const id of candidates) {
    const m = getModel(id);
    if (!m || m.id === AUTO_MODEL_ID) continue;
    const r = routeEndpoints(m, prefs, needs);
    if (r.ok) return { model: m, route: r };
    firstError ??= r.message;
  }
  return { error: firstError ?? "No models available for the auto router with the given allowed_models." };
}
