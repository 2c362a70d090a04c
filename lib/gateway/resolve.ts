import "server-only";
import type { ApiCaller } from "@/lib/api-keys/authenticate";
import { AppError } from "@/lib/errors";
import { findAlias } from "@/lib/model-aliases/store";
import { requireModel } from "@/lib/openrouter/catalog";
import { embeddingModels } from "@/lib/openrouter/passthrough";
import type { ModelSummary } from "@/lib/openrouter/types";

// Which models a call may reach: a model name is an admin's alias (its model, its fallbacks, its
// provider preferences) or a catalog id, and a key with an allow-list may name only what is on it.

export type ResolvedModels = {
  /** The name the client sent (an alias or a catalog id). */
  requested: string;
  model: ModelSummary;
  /** Tried after `model`, in order (sent as OpenRouter's `models`). */
  fallbacks: ModelSummary[];
  /** Provider preferences to send: the request's own, else the alias's. */
  provider: Record<string, unknown> | null;
};

/**
 * Whether the key may use a model by this name: no allow-list, or the name is on it, or (for an
 * alias) the alias is. An alias's own fallbacks come with the alias; a fallback the client names
 * itself is checked on its own.
 */
export function keyMayUse(caller: ApiCaller, name: string): boolean {
  const allowed = caller.key.allowedModels;
  return allowed.length === 0 || allowed.includes(name);
}

export function modelNotAllowed(name: string): AppError {
  return new AppError("forbidden:model", `This API key may not use the model "${name.slice(0, 100)}".`);
}

function assertAllowed(caller: ApiCaller, name: string): void {
  if (!keyMayUse(caller, name)) throw modelNotAllowed(name);
}

/** A model name as the catalog model it stands for (an alias resolves to its target). */
async function catalogModel(name: string): Promise<ModelSummary> {
  const alias = await findAlias(name);
  return requireModel(alias ? alias.model : name);
}

/** The chat model, its fallbacks and provider preferences, each name checked against the key's allow-list. */
export async function resolveChatModels(
  caller: ApiCaller,
  body: { model: string; models?: string[] | undefined; provider?: Record<string, unknown> | null | undefined },
): Promise<ResolvedModels> {
  assertAllowed(caller, body.model);
  for (const name of body.models ?? []) assertAllowed(caller, name);
  const alias = await findAlias(body.model);
  const model = await requireModel(alias ? alias.model : body.model);
  const fallbackNames = body.models ?? alias?.fallbacks ?? [];
  const fallbacks: ModelSummary[] = [];
  for (const name of fallbackNames) {
    const fallback = await catalogModel(name);
    if (fallback.id !== model.id && !fallbacks.some((f) => f.id === fallback.id)) fallbacks.push(fallback);
  }
  if (fallbacks.length > 3) throw new AppError("bad_request:api", "'models' array must have 3 items or fewer.");
  return { requested: body.model, model, fallbacks, provider: body.provider ?? alias?.provider ?? null };
}

/** An embedding model by name (or an alias pointing at one), checked against the allow-list. */
export async function resolveEmbeddingModel(caller: ApiCaller, name: string): Promise<ModelSummary> {
  assertAllowed(caller, name);
  const alias = await findAlias(name);
  const id = alias ? alias.model : name;
  const model = (await embeddingModels()).get(id);
  if (!model) throw new AppError("bad_request:model", `Unknown embedding model "${id.slice(0, 100)}".`);
  return model;
}
