// The routing settings form: its fields as typed text and switches, and the routing they mean
// (checked like lib/chat/types.ts's routingSettingsSchema, which the server applies). Client-safe.
import { MAX_FALLBACK_MODELS } from "@/lib/chat/limits";
import type { ProviderPreferencesSettings, RoutingSettings } from "@/lib/chat/types";

// lib/chat/types.ts's schema limits, repeated so this client file does not pull zod in with it
// (tests/components/chat/routing-form.test.ts checks them against the schemas).
export const MAX_ORDER = 20;
export const MAX_IGNORE = 50;
const MAX_PRICE_USD = 10_000;
export const PROVIDER_NAME = /^[A-Za-z0-9][A-Za-z0-9 ._/-]*$/;
export const providerSorts = ["price", "throughput", "latency"] as const satisfies readonly NonNullable<ProviderPreferencesSettings["sort"]>[];
export type ProviderSort = (typeof providerSorts)[number];
export const SORT_LABELS: Record<ProviderSort, string> = {
  price: "Lowest price",
  throughput: "Highest throughput",
  latency: "Lowest latency",
};
export const AUTO_ROUTER_ID = "openrouter/auto";

export type RoutingForm = {
  fallbackModels: string[];
  sort: ProviderSort | null;
  order: string[];
  ignore: string[];
  allowFallbacks: boolean;
  denyDataCollection: boolean;
  zdr: boolean;
  maxPricePrompt: string;
  maxPriceCompletion: string;
};

export type RoutingErrors = Partial<Record<"maxPricePrompt" | "maxPriceCompletion" | "fallbackModels", string>>;

export function isSort(value: string): value is ProviderSort {
  return (providerSorts as readonly string[]).includes(value);
}

export function routingToForm(routing: RoutingSettings | null | undefined): RoutingForm {
  const p = routing?.provider;
  const price = (v: number | null | undefined) => (v != null ? String(v) : "");
  return {
    fallbackModels: [...(routing?.fallbackModels ?? [])],
    sort: p?.sort ?? null,
    order: [...(p?.order ?? [])],
    ignore: [...(p?.ignore ?? [])],
    allowFallbacks: p?.allowFallbacks !== false,
    denyDataCollection: p?.dataCollection === "deny",
    zdr: p?.zdr === true,
    maxPricePrompt: price(p?.maxPrice?.prompt),
    maxPriceCompletion: price(p?.maxPrice?.completion),
  };
}

function parsePrice(text: string): { value: number | null; error?: string } {
  const trimmed = text.trim();
  if (!trimmed) return { value: null };
  const n = Number(trimmed);
  if (!Number.isFinite(n)) return { value: null, error: "Enter a number." };
  if (n < 0 || n > MAX_PRICE_USD) return { value: null, error: `Between 0 and ${MAX_PRICE_USD.toLocaleString("en-US")}.` };
  return { value: n };
}

/** The routing the form describes (null when it sets nothing) and what is wrong with it. */
export function routingFromForm(form: RoutingForm, modelId: string): { routing: RoutingSettings | null; errors: RoutingErrors } {
  const errors: RoutingErrors = {};
  const prompt = parsePrice(form.maxPricePrompt);
  const completion = parsePrice(form.maxPriceCompletion);
  if (prompt.error) errors.maxPricePrompt = prompt.error;
  if (completion.error) errors.maxPriceCompletion = completion.error;
  if (form.fallbackModels.length > 0 && modelId === AUTO_ROUTER_ID) {
    errors.fallbackModels = "The auto router picks its own model: remove the fallback models or pick another model.";
  }
  const provider: ProviderPreferencesSettings = {};
  if (form.sort) provider.sort = form.sort;
  if (form.order.length > 0) provider.order = [...form.order];
  if (form.ignore.length > 0) provider.ignore = [...form.ignore];
  if (!form.allowFallbacks) provider.allowFallbacks = false;
  if (form.denyDataCollection) provider.dataCollection = "deny";
  if (form.zdr) provider.zdr = true;
  if (prompt.value !== null || completion.value !== null) {
    provider.maxPrice = {
      ...(prompt.value !== null ? { prompt: prompt.value } : {}),
      ...(completion.value !== null ? { completion: completion.value } : {}),
    };
  }
  const routing: RoutingSettings = {};
  if (form.fallbackModels.length > 0) routing.fallbackModels = form.fallbackModels.slice(0, MAX_FALLBACK_MODELS);
  if (Object.keys(provider).length > 0) routing.provider = provider;
  return { routing: Object.keys(routing).length > 0 ? routing : null, errors };
}

/** Whether two routings ask for the same thing (both as `routingFromForm` builds them). */
function sameRouting(a: RoutingSettings | null, b: RoutingSettings | null): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Whether a saved routing sets anything. */
export function hasRouting(routing: RoutingSettings | null | undefined): boolean {
  return routingFromForm(routingToForm(routing), "").routing !== null;
}

/**
 * The routing a conversation saves: none of its own (null) while it matches the user's default,
 * so later changes of the default reach it; `{}` when it deliberately sets nothing although a
 * default exists.
 */
export function routingToSave(edited: RoutingSettings | null, defaultRouting: RoutingSettings | null): RoutingSettings | null {
  const normalizedDefault = defaultRouting ? routingFromForm(routingToForm(defaultRouting), "").routing : null;
  if (sameRouting(edited, normalizedDefault)) return null;
  return edited ?? {};
}
