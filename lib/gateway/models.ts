import "server-only";
import type { ApiCaller } from "@/lib/api-keys/authenticate";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/log";
import { listAliases } from "@/lib/model-aliases/store";
import { getCatalog } from "@/lib/openrouter/catalog";
import { embeddingModels } from "@/lib/openrouter/passthrough";
import type { ModelSummary } from "@/lib/openrouter/types";
import { keyMayUse } from "./resolve";

// GET /api/v1/models: OpenAI's list shape (`{object:"list", data:[{id, object:"model", created,
// owned_by}]}`, what openai-node's `models.list()` pages through) holding what this key may use —
// the catalog's chat models, the embedding models and the admin's aliases — with the OpenRouter
// fields the app keeps (name, description, context length, prices in USD per token). `created`
// is 0: the app's catalog does not keep OpenRouter's date.

type ListedModel = {
  id: string;
  object: "model";
  created: number;
  owned_by: string;
  name: string;
  description: string;
  context_length: number | null;
  pricing: { prompt: string; completion: string; request?: string; image?: string };
  /** For an alias: the catalog model it stands for and its fallbacks. */
  alias_of?: { model: string; fallbacks: string[] };
};

function listed(model: ModelSummary): ListedModel {
  return {
    id: model.id,
    object: "model",
    created: 0,
    owned_by: model.provider,
    name: model.name,
    description: model.description,
    context_length: model.contextLength || null,
    pricing: {
      prompt: model.pricing.prompt,
      completion: model.pricing.completion,
      ...(model.pricing.request ? { request: model.pricing.request } : {}),
      ...(model.pricing.image ? { image: model.pricing.image } : {}),
    },
  };
}

export async function listModelsFor(caller: ApiCaller): Promise<{ object: "list"; data: ListedModel[] }> {
  const catalog = await getCatalog();
  if (catalog.state === "unavailable") {
    throw new AppError("unavailable:catalog", "The model list from OpenRouter cannot be loaded right now. Try again shortly.");
  }
  const byId = new Map(catalog.models.map((m) => [m.id, m]));
  let embedding: ModelSummary[] = [];
  try {
    embedding = [...(await embeddingModels()).values()];
  } catch (error) {
    // The chat models are still worth listing.
    logger().warn({ error: error instanceof Error ? error.message : String(error) }, "embedding models unavailable for /api/v1/models");
  }
  for (const m of embedding) byId.set(m.id, m);
  const data: ListedModel[] = [];
  for (const alias of await listAliases()) {
    const target = byId.get(alias.model);
    if (!target || !keyMayUse(caller, alias.name)) continue;
    data.push({
      ...listed(target),
      id: alias.name,
      owned_by: "switchboard",
      name: alias.name,
      description: alias.description || `Alias of ${alias.model}.`,
      alias_of: { model: alias.model, fallbacks: alias.fallbacks },
    });
  }
  for (const model of byId.values()) if (keyMayUse(caller, model.id)) data.push(listed(model));
  return { object: "list", data };
}
