/**
 * The shape of `catalog.json` (the providers, the auto router and the models the local
 * OpenRouter lists), checked with zod when the catalog loads: a typo in the data stops the
 * server at start, not in the middle of a test.
 */
import { z } from "zod";
import { PRICE_FIELDS, PRICE_PATTERN, type PriceTable } from "./cost";

export const AUTO_MODEL_ID = "openrouter/auto";

export const InputModality = z.enum(["text", "image", "file", "audio", "video"]);
export const OutputModality = z.enum(["text", "image", "audio"]);
export const Quantization = z.enum(["int4", "int8", "fp4", "mxfp4", "fp6", "fp8", "fp16", "bf16", "fp32", "unknown"]);
export const ReasoningEffort = z.enum(["max", "xhigh", "high", "medium", "low", "minimal", "none"]);
/** The spec's `ModelGroup` (tokenizer) values that the recorded listing uses. */
export const ModelGroup = z.enum([
  "Router",
  "Other",
  "GPT",
  "Claude",
  "Gemini",
  "Gemma",
  "Grok",
  "Cohere",
  "Nova",
  "Qwen",
  "Qwen3",
  "Yi",
  "DeepSeek",
  "Mistral",
  "Llama2",
  "Llama3",
  "Llama4",
]);
/** The spec's `InstructType` values. */
export const InstructType = z
  .enum([
    "none",
    "airoboros",
    "alpaca",
    "chatml",
    "code-llama",
    "gemma",
    "llama2",
    "llama3",
    "mistral",
    "phi3",
    "vicuna",
    "zephyr",
    "deepseek-r1",
    "deepseek-v3.1",
    "qwq",
    "qwen3",
  ])
  .nullable();
/** Values of the spec's `Parameter` enum that this catalog uses. */
export const Parameter = z.enum([
  "temperature",
  "top_p",
  "top_k",
  "min_p",
  "top_a",
  "frequency_penalty",
  "presence_penalty",
  "repetition_penalty",
  "max_tokens",
  "max_completion_tokens",
  "logit_bias",
  "logprobs",
  "top_logprobs",
  "seed",
  "response_format",
  "structured_outputs",
  "stop",
  "tools",
  "tool_choice",
  "parallel_tool_calls",
  "include_reasoning",
  "reasoning",
  "reasoning_effort",
  "web_search_options",
  "verbosity",
]);
/** Provider names: the members of the spec's `ProviderName` enum that the catalogs use. */
export const ProviderName = z.enum([
  "OpenAI",
  "Azure",
  "Anthropic",
  "Amazon Bedrock",
  "Google",
  "Google AI Studio",
  "DeepInfra",
  "Together",
  "Fireworks",
  "Groq",
  "Cerebras",
  "Mistral",
  "DeepSeek",
  "Novita",
  "Chutes",
  "Alibaba",
  "xAI",
  "Nebius",
  "SambaNova",
  "Parasail",
  "Perplexity",
  "Cohere",
  "AI21",
  "Inflection",
  "Minimax",
  "Moonshot AI",
  "Nvidia",
]);
export const ReasoningFormat = z.enum(["unknown", "openai-responses-v1", "anthropic-claude-v1", "google-gemini-v1", "xai-responses-v1"]);

export type InputModality = z.infer<typeof InputModality>;
export type OutputModality = z.infer<typeof OutputModality>;
export type Quantization = z.infer<typeof Quantization>;
export type ReasoningEffort = z.infer<typeof ReasoningEffort>;
export type ModelGroup = z.infer<typeof ModelGroup>;
export type InstructType = z.infer<typeof InstructType>;
export type Parameter = z.infer<typeof Parameter>;
export type ProviderName = z.infer<typeof ProviderName>;
export type ReasoningFormat = z.infer<typeof ReasoningFormat>;

/**
 * Price keys OpenRouter lists beyond the ones cost.ts bills (`PublicPricing` in the spec): carried to
 * `/models` and `/endpoints` as listed.
 */
export const LISTED_ONLY_PRICE_FIELDS = ["input_cache_write_1h", "audio", "audio_output", "input_audio_cache"] as const;
const PRICE_KEYS = new Set<string>([...PRICE_FIELDS, ...LISTED_ONLY_PRICE_FIELDS]);
const Price = z.string().regex(PRICE_PATTERN, "a decimal USD amount with at most 9 decimal places");

/**
 * A dearer tier (`PricingOverride` in the spec): applies from `min_prompt_tokens`; keys it lacks keep
 * the base price. Carried as listed (models-listing-subset-tiered-alias-router.json); billing it is cost.ts's.
 */
const PricingOverride = z
  .object({ min_prompt_tokens: z.number().int().positive() })
  .catchall(Price)
  .refine((o) => Object.keys(o).every((k) => k === "min_prompt_tokens" || PRICE_KEYS.has(k)), "an override names an unknown price");

export type PricingOverride = z.infer<typeof PricingOverride>;
/** A listed price table: cost.ts's fields, the listed-only ones, and tiers. */
export type CatalogPriceTable = PriceTable & Partial<Record<(typeof LISTED_ONLY_PRICE_FIELDS)[number], string>> & { overrides?: PricingOverride[] };

/**
 * Checked key by key rather than as an object schema: it keeps the prices in the order the data
 * lists them, which `/models` and `/endpoints` repeat.
 */
const PriceTableSchema = z.record(z.string(), z.unknown()).transform((raw, ctx) => {
  for (const [key, value] of Object.entries(raw)) {
    const schema = key === "overrides" ? z.array(PricingOverride).min(1) : PRICE_KEYS.has(key) ? Price : null;
    if (!schema) {
      ctx.addIssue({ code: "custom", path: [key], message: `unknown price ${key}` });
      continue;
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success)
      for (const issue of parsed.error.issues) ctx.addIssue({ code: "custom", path: [key, ...issue.path], message: issue.message });
  }
  if (raw.prompt === undefined || raw.completion === undefined) {
    ctx.addIssue({ code: "custom", message: "a price table needs `prompt` and `completion`" });
    return z.NEVER;
  }
  return raw as unknown as CatalogPriceTable;
});

const ProviderInfo = z.strictObject({
  /** As accepted by `provider.order/only/ignore` (e.g. `deepinfra`). */
  slug: z.string().regex(/^[a-z0-9-]+$/),
  /** The provider may store prompts and train on them (excluded by `data_collection: 'deny'`). */
  trainsOnData: z.boolean(),
  /** Zero data retention (required by `zdr: true`). */
  zdr: z.boolean(),
  implicitCaching: z.boolean(),
});

/** One provider serving a model; the omitted fields default to the model's or the provider's. */
const EndpointEntry = z.strictObject({
  provider: ProviderName,
  pricing: PriceTableSchema,
  /** Omitted: `bf16` for open-weight models (those with a Hugging Face id), else `unknown`. */
  quantization: Quantization.nullable().optional(),
  /** Tokens per second, p50 (the other percentiles derive from it). */
  tps: z.number().positive(),
  /** Seconds to first token, p50. */
  ttft: z.number().positive(),
  /** Uptime over the last 30 minutes, in percent (default 99.6). */
  uptime: z.number().min(0).max(100).optional(),
  params: z.array(Parameter).optional(),
  trainsOnData: z.boolean().optional(),
  zdr: z.boolean().optional(),
  context: z.number().int().positive().optional(),
  maxOut: z.number().int().positive().nullable().optional(),
});

const ModelEntry = z.strictObject({
  /** `~author/…-latest` for aliases; a `:free`, `:thinking`, `:beta`… variant after the colon. */
  id: z.string().regex(/^~?[a-z0-9-]+\/[a-z0-9._-]+(:[a-z]+)?$/),
  /** Omitted: the id without `:free`. Dated (`anthropic/claude-4.5-sonnet-20250929`) in the real listing. */
  canonical: z.string().optional(),
  /**
   * The upstream reports `canonical` as the served `model` (stream chunks, JSON answer and `/generation`),
   * as recorded for anthropic/claude-sonnet-4.6 (stream-usage-empty-choices-dated-slug-claude-sonnet-4.6-bedrock.sse)
   * and anthropic/claude-3.7-sonnet (generation-data-claude-3.7-sonnet.partial.txt). Other recordings show the
   * requested id served (gpt-4o-mini, claude-sonnet-4.5), so it is per model, not the rule.
   */
  servesCanonical: z.boolean().optional(),
  /** `alias_target` of a `~author/…-latest` alias: the model it currently serves. */
  alias: z.strictObject({ name: z.string().min(1), slug: z.string().min(1) }).optional(),
  hf: z.string().nullable().optional(),
  name: z.string().min(1),
  created: z.number().int().positive(),
  description: z.string().min(1),
  context: z.number().int().positive(),
  maxOut: z.number().int().positive().nullable(),
  cutoff: z.string().nullable().optional(),
  input: z.array(InputModality).min(1),
  /** Omitted: text only. */
  output: z.array(OutputModality).min(1).optional(),
  tokenizer: ModelGroup,
  instruct: InstructType.optional(),
  params: z.array(Parameter),
  reasoning: z
    .strictObject({
      mandatory: z.boolean(),
      /** Reasoning runs (and is billed) unless the request turns it off. */
      default_enabled: z.boolean().optional(),
      supported_efforts: z.array(ReasoningEffort).nullable().optional(),
      default_effort: ReasoningEffort.optional(),
    })
    .nullable()
    .optional(),
  reasoningFormat: ReasoningFormat.optional(),
  moderated: z.boolean().optional(),
  defaults: z
    .strictObject({
      temperature: z.number().nullable().optional(),
      top_p: z.number().nullable().optional(),
      frequency_penalty: z.number().nullable().optional(),
    })
    .nullable()
    .optional(),
  endpoints: z.array(EndpointEntry).min(1).max(3),
});

/** `openrouter/auto`: listed like a model, but it has no endpoints of its own (see routing.ts). */
const RouterEntry = z.strictObject({
  id: z.literal(AUTO_MODEL_ID),
  name: z.string().min(1),
  created: z.number().int().positive(),
  description: z.string().min(1),
  context: z.number().int().positive(),
  input: z.array(InputModality).min(1),
  tokenizer: ModelGroup,
  params: z.array(Parameter),
  /** The models it routes between, in order of preference (the first that can serve wins). */
  candidates: z.array(z.string()).min(1),
});

/** Each model listed once, each of its providers once; returns the ids. */
function checkModels(models: readonly z.infer<typeof ModelEntry>[], ctx: z.RefinementCtx): Set<string> {
  const ids = new Set<string>();
  models.forEach((m, i) => {
    if (ids.has(m.id)) ctx.addIssue({ code: "custom", path: ["models", i, "id"], message: `duplicate model ${m.id}` });
    ids.add(m.id);
    const providers = m.endpoints.map((e) => e.provider);
    if (new Set(providers).size !== providers.length) {
      ctx.addIssue({ code: "custom", path: ["models", i, "endpoints"], message: `${m.id} lists a provider twice` });
    }
  });
  return ids;
}

export const CatalogFile = z
  .strictObject({
    providers: z.partialRecord(ProviderName, ProviderInfo),
    router: RouterEntry,
    models: z.array(ModelEntry).min(1),
  })
  .superRefine((file, ctx) => {
    const ids = checkModels(file.models, ctx);
    file.router.candidates.forEach((id, i) => {
      if (!ids.has(id)) ctx.addIssue({ code: "custom", path: ["router", "candidates", i], message: `${id} is not in the catalog` });
    });
  });

export type CatalogFile = z.infer<typeof CatalogFile>;

/**
 * `catalog-recorded.json`: models generated from a recorded `/api/v1/models` listing by
 * scripts/generate-catalog.ts, with the listing's provenance. Hand-written models in catalog.json
 * win over a recorded model of the same id.
 */
export const RecordedCatalogFile = z
  .strictObject({
    source: z.strictObject({
      listing: z.string().min(1),
      recorded: z.string().min(1),
      overlay: z.string().min(1),
      endpoints: z.string().min(1),
    }),
    providers: z.partialRecord(ProviderName, ProviderInfo),
    models: z.array(ModelEntry).min(1),
  })
  .superRefine((file, ctx) => {
    checkModels(file.models, ctx);
  });

export type RecordedCatalogFile = z.infer<typeof RecordedCatalogFile>;
export type ModelEntry = CatalogFile["models"][number];
export type EndpointEntry = ModelEntry["endpoints"][number];
export type ProviderInfo = NonNullable<CatalogFile["providers"][ProviderName]>;
