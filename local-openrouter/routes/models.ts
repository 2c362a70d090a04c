/** `GET /api/v1/models`: the catalog, filtered and paged like OpenRouter's listing (no key needed). */
import type http from "node:http";
import { CATALOG, type CatalogModel } from "../catalog";
import { API, sendJson } from "../http";

/** A catalog model as the spec's `Model` object. */
export function modelJson(m: CatalogModel): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: m.id,
    canonical_slug: m.canonicalSlug,
    ...(m.alias ? { alias_target: { ...m.alias } } : {}),
    hugging_face_id: m.huggingFaceId,
    name: m.name,
    created: m.created,
    description: m.description,
    context_length: m.contextLength,
    architecture: {
      ...m.architecture,
      input_modalities: [...m.architecture.input_modalities],
      output_modalities: [...m.architecture.output_modalities],
    },
    pricing: { ...m.pricing, ...(m.pricing.overrides ? { overrides: m.pricing.overrides.map((o) => ({ ...o })) } : {}) },
    top_provider: { ...m.topProvider },
    per_request_limits: null,
    supported_parameters: [...m.supportedParameters],
    default_parameters: m.defaultParameters ? { ...m.defaultParameters } : null,
    supported_voices: null,
    knowledge_cutoff: m.knowledgeCutoff,
    expiration_date: null,
    links: { details: `/api/v1/models/${m.id}/endpoints` },
  };
  if (m.reasoning) out.reasoning = { ...m.reasoning };
  return out;
}

export function handleModels(url: URL, res: http.ServerResponse): void {
  const q = url.searchParams;
  let list = [...CATALOG];
  const outMods = (q.get("output_modalities") ?? "text")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (!outMods.includes("all")) list = list.filter((m) => outMods.some((o) => (m.architecture.output_modalities as string[]).includes(o)));
  const inMods = (q.get("input_modalities") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (inMods.length > 0) list = list.filter((m) => inMods.every((i) => (m.architecture.input_modalities as string[]).includes(i)));
  const params = (q.get("supported_parameters") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (params.length > 0) list = list.filter((m) => params.every((p) => (m.supportedParameters as string[]).includes(p)));
  const total = list.length;
  let next: string | null = null;
  if (q.has("offset") || q.has("limit")) {
    const offset = Math.max(0, Number(q.get("offset") ?? 0) || 0);
    const limit = Math.min(1000, Math.max(1, Number(q.get("limit") ?? 500) || 500));
    if (offset + limit < total) {
      const n = new URLSearchParams(q);
      n.set("offset", String(offset + limit));
      n.set("limit", String(limit));
      next = `${API}/models?${n.toString()}`;
    }
    list = list.slice(offset, offset + limit);
  }
  sendJson(res, 200, { data: list.map(modelJson), total_count: total, links: { next } });
}
