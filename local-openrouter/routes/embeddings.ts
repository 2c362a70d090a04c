/**
 * `POST /api/v1/embeddings`: checks the key and the body (embeddings.ts), embeds every input, bills
 * its prompt tokens at the model's price, and keeps a generation record of it as chat completions do.
 *
 * Not recorded anywhere we could find, so chosen from the evidence:
 * - The response `id` is the generation id (`gen-…`) and `/generation?id=` answers it with
 *   `api_type: "embeddings"`: the spec's GenerationResponse lists `embeddings` among its `api_type`s,
 *   so OpenRouter keeps such records, and the response's `id` is the only handle a client has on one.
 *   (The spec's response example id is a placeholder, `embd-1234567890`.)
 * - `usage` carries `cost`, `is_byok` and `cost_details` as the spec's embeddings usage lists them.
 * - `provider` is in the body because `@openrouter/ai-sdk-provider@3.1.0` parses one (`provider?`).
 * - A 402 has the spec's example message for this operation, since no max_tokens is involved.
 */
import type http from "node:http";
import { performance } from "node:perf_hooks";
import { remaining } from "../affordability";
import { computeCostNano, nanoToUsd } from "../cost";
import { EMBEDDING_MODELS, embeddingItems, embeddingVector, parseEmbeddingsRequest, vectorBase64 } from "../embeddings";
import { authenticate, sendJson } from "../http";
import { completeRecord, newRecord } from "../records";
import type { ServerState } from "../state";
import type { RequestLogEntry } from "../types";
import { errorBody, randomId } from "../wire";

/** routing.ts's wording for a text-only model given other media (recorded for chat completions). */
const NO_IMAGE_ENDPOINTS =
  "No endpoints found that support image input. To learn more about provider routing, visit: https://openrouter.ai/docs/guides/routing/provider-selection";

export function handleEmbeddings(
  state: ServerState,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  body: unknown,
  bodyIsJson: boolean,
  entry: RequestLogEntry,
): void {
  const startedAt = performance.now();
  const keyHash = authenticate(req, res, state.opts.apiKey);
  if (keyHash === null) return;
  if (!bodyIsJson) return sendJson(res, 400, errorBody(400, "Invalid JSON in request body"));
  const parsed = parseEmbeddingsRequest(body);
  if (!parsed.ok) return sendJson(res, 400, errorBody(400, parsed.message));
  const r = parsed.value;
  const model = EMBEDDING_MODELS.get(r.model);
  // The chat route's message for an unknown id; what a chat model gets here is not recorded, and it gets the same.
  if (!model) return sendJson(res, 400, errorBody(400, `${r.model} is not a valid model ID`));

  // The recorded "no allowed providers" body of chat routing (error-404-no-allowed-providers-*.json).
  const only = r.provider?.only ?? [];
  const ignore = r.provider?.ignore ?? [];
  const names = (list: string[]) => list.map((n) => n.toLowerCase());
  const mine = [model.providerSlug, model.providerName.toLowerCase()];
  if ((only.length > 0 && !names(only).some((n) => mine.includes(n))) || names(ignore).some((n) => mine.includes(n))) {
    return sendJson(
      res,
      404,
      errorBody(404, "No allowed providers are available for the selected model.", {
        available_providers: [model.providerSlug],
        requested_providers: only.length > 0 ? names(only) : [],
      }),
    );
  }

  const items = embeddingItems(r.input);
  if (items.some((i) => i.nonText)) return sendJson(res, 404, errorBody(404, NO_IMAGE_ENDPOINTS));
  // OpenAI's text-embedding-3 models shorten vectors but cannot lengthen them; the message is ours (not recorded).
  const dims = r.dimensions ?? model.dimensions;
  if (dims > model.dimensions) {
    return sendJson(res, 400, errorBody(400, `dimensions must be at most ${model.dimensions} for ${model.id}`));
  }

  const promptTokens = items.reduce((n, i) => n + i.tokens, 0);
  const cost = computeCostNano(model.pricing, { promptTokens, completionTokens: 0 });
  const left = remaining(state, keyHash);
  if (left !== null && left.nano < cost.totalNano) {
    return sendJson(res, 402, errorBody(402, "Insufficient credits. Add more using https://openrouter.ai/credits"));
  }

  const genId = `gen-${Math.floor(Date.now() / 1000)}-${randomId(20)}`;
  entry.generationId = genId;
  const rec = newRecord(state, genId, keyHash, { stream: false, user: r.user }, req, { servedModel: model.id }, null);
  const d = rec.data;
  const elapsed = Math.round(performance.now() - startedAt);
  rec.costNano = cost.totalNano;
  rec.upstreamNano = cost.upstreamNano;
  d.api_type = "embeddings";
  d.total_cost = nanoToUsd(cost.totalNano);
  d.usage = d.total_cost;
  d.upstream_inference_cost = nanoToUsd(cost.upstreamNano);
  d.provider_name = model.providerName;
  d.latency = elapsed;
  d.generation_time = elapsed;
  d.tokens_prompt = promptTokens;
  d.native_tokens_prompt = promptTokens;
  completeRecord(state, rec, "completed");

  const data = items.map((item, index) => {
    const v = embeddingVector(model.id, item.seed, model.dimensions, dims);
    return { object: "embedding", embedding: r.encoding_format === "base64" ? vectorBase64(v) : Array.from(v), index };
  });
  sendJson(res, 200, {
    id: genId,
    object: "list",
    data,
    model: model.id,
    provider: model.providerName,
    usage: {
      prompt_tokens: promptTokens,
      total_tokens: promptTokens,
      cost: nanoToUsd(cost.totalNano),
      is_byok: false,
      cost_details: {
        upstream_inference_cost: nanoToUsd(cost.upstreamNano),
        upstream_inference_prompt_cost: nanoToUsd(cost.promptNano),
        upstream_inference_completions_cost: 0,
      },
    },
  });
}

/**
 * `GET /api/v1/embeddings/models`: the embedding models in the `/models` listing's shape, as the
 * spec's `listEmbeddingsModels` operation describes it (its example entry is this very model, the
 * fields below; no live listing is recorded). No key needed, as for `/models`.
 */
export function handleEmbeddingModels(res: http.ServerResponse): void {
  const data = [...EMBEDDING_MODELS.values()].map((m) => ({
    id: m.id,
    canonical_slug: m.id,
    name: "Text Embedding 3 Small",
    created: 1692901234,
    description: "OpenAI text embedding model optimized for performance.",
    context_length: m.contextLength,
    architecture: { modality: "text->text", input_modalities: ["text"], output_modalities: ["embeddings"], tokenizer: "GPT", instruct_type: null },
    pricing: { prompt: m.pricing.prompt, completion: m.pricing.completion, request: m.pricing.request, image: m.pricing.image },
    top_provider: { context_length: m.contextLength, max_completion_tokens: null, is_moderated: false },
    per_request_limits: null,
    supported_parameters: [],
    default_parameters: null,
    links: { details: `/api/v1/models/${m.id}/endpoints` },
  }));
  sendJson(res, 200, { data });
}
