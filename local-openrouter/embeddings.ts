/**
 * What `POST /api/v1/embeddings` needs besides HTTP: the embedding models, the request schema and
 * the vectors. The request shape is OpenRouter's published `createEmbeddings` operation
 * (spec/openapi.yaml, `/embeddings`); no live embeddings response is recorded (tests/fixtures/openrouter-recorded
 * has none), so the response follows that operation and the parser of `@openrouter/ai-sdk-provider@3.1.0`
 * (`OpenRouterEmbeddingResponseSchema`: `id?`, `object: "list"`, `data[{object, embedding, index?}]`,
 * `model`, `provider?`, `usage{prompt_tokens, total_tokens, cost?}`).
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import type { PriceTable } from "./cost";
import { ProviderPreferencesSchema } from "./request";
import { countTokens } from "./tokenizer";

export interface EmbeddingModel {
  id: string;
  /** The provider that serves it (`provider` in the response, `provider_name` in `/generation`). */
  providerName: string;
  /** Its slug for `provider.only/ignore/order`. */
  providerSlug: string;
  pricing: PriceTable;
  /** Length of a vector when the request has no `dimensions`. */
  dimensions: number;
  contextLength: number;
}

/**
 * The recorded catalog (catalog-recorded.json, a 2025 `/models` listing of text models) has no embedding
 * model, so this one comes from OpenRouter's spec: `/embeddings/models`' example lists
 * openai/text-embedding-3-small with `pricing.prompt` "0.00000002", `completion` "0", `context_length` 8192,
 * and `/embeddings`' request example pairs it with `dimensions: 1536`.
 */
export const EMBEDDING_MODELS: ReadonlyMap<string, EmbeddingModel> = new Map(
  [
    {
      id: "openai/text-embedding-3-small",
      providerName: "OpenAI",
      providerSlug: "openai",
      pricing: { prompt: "0.00000002", completion: "0", request: "0", image: "0" },
      dimensions: 1536,
      contextLength: 8192,
    },
  ].map((m) => [m.id, m]),
);

const TextPart = z.strictObject({ type: z.literal("text"), text: z.string().min(1) });
/** Multimodal items are in the spec; the only model here is text-only, so any other part is refused by the route. */
const OtherPart = z.looseObject({ type: z.enum(["image_url", "input_audio", "input_video", "video_url", "file"]) });

/** The spec's `input` anyOf: a string, strings, one token array, token arrays, or multimodal items. */
const InputSchema = z.union([
  z.string().min(1),
  z.array(z.string().min(1)).min(1),
  z.array(z.number()).min(1),
  z.array(z.array(z.number()).min(1)).min(1),
  z.array(z.looseObject({ content: z.array(z.union([TextPart, OtherPart])).min(1) })).min(1),
]);

export const EmbeddingsRequestSchema = z.looseObject({
  model: z.string().min(1),
  input: InputSchema,
  encoding_format: z.enum(["float", "base64"]).optional(),
  dimensions: z.number().int().min(1).optional(),
  input_type: z.string().optional(),
  user: z.string().optional(),
  provider: ProviderPreferencesSchema,
});
export type EmbeddingsRequest = z.infer<typeof EmbeddingsRequestSchema>;

export function parseEmbeddingsRequest(body: unknown): { ok: true; value: EmbeddingsRequest } | { ok: false; message: string } {
  const r = EmbeddingsRequestSchema.safeParse(body);
  if (r.success) return { ok: true, value: r.data };
  const details = r.error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join(".") : "(body)"}: ${i.message}`)
    .join("; ");
  return { ok: false, message: `Invalid request body: ${details}` };
}

/** One thing to embed: its text, or its token ids, and how many tokens it counts for. */
export interface EmbeddingItem {
  seed: string;
  tokens: number;
  /** True when it holds a part other than text. */
  nonText: boolean;
}

/** Splits `input` into the items the response has one vector each for, in order. */
export function embeddingItems(input: EmbeddingsRequest["input"]): EmbeddingItem[] {
  if (typeof input === "string") return [textItem(input)];
  // One flat token array is a single input of those tokens.
  if (isTokenArray(input)) return [{ seed: `k:${input.join(",")}`, tokens: input.length, nonText: false }];
  return (input as ReadonlyArray<string | number[] | { content: ReadonlyArray<{ type: string; text?: unknown }> }>).map((x) => {
    if (typeof x === "string") return textItem(x);
    if (Array.isArray(x)) return { seed: `k:${x.join(",")}`, tokens: x.length, nonText: false };
    const texts = x.content.flatMap((p) => (p.type === "text" && typeof p.text === "string" ? [p.text] : []));
    return { ...textItem(texts.join("\n")), nonText: texts.length < x.content.length };
  });
}

function textItem(text: string): EmbeddingItem {
  return { seed: `t:${text}`, tokens: countTokens(text), nonText: false };
}

function isTokenArray(input: ReadonlyArray<unknown>): input is number[] {
  return typeof input[0] === "number";
}

/**
 * A deterministic unit vector for an item: the same input, model and length always give the same vector.
 * A shorter `dimensions` is the full vector's prefix, normalised again, as text-embedding-3 models
 * shorten theirs. Values are float32, what the real vectors and their base64 form carry.
 */
export function embeddingVector(modelId: string, seed: string, fullDimensions: number, dimensions: number): Float32Array {
  const raw = new Float64Array(dimensions);
  let block = Buffer.alloc(0);
  for (let i = 0; i < dimensions; i++) {
    const off = (i % 8) * 4;
    if (off === 0)
      block = createHash("sha256")
        .update(`${modelId}|${fullDimensions}|${Math.floor(i / 8)}|${seed}`)
        .digest();
    raw[i] = block.readUInt32LE(off) / 0x1_0000_0000 - 0.5;
  }
  let norm = 0;
  for (const x of raw) norm += x * x;
  norm = Math.sqrt(norm) || 1;
  const out = new Float32Array(dimensions);
  for (let i = 0; i < dimensions; i++) out[i] = raw[i] / norm;
  return out;
}

/** `encoding_format: "base64"`: the float32 values' little-endian bytes, as OpenAI's API and the `openai` client use. */
export function vectorBase64(v: Float32Array): string {
  const buf = Buffer.alloc(v.length * 4);
  for (let i = 0; i < v.length; i++) buf.writeFloatLE(v[i], i * 4);
  return buf.toString("base64");
}
