/**
 * The shape of `catalog.json` (the providers, the auto router and the models the local
 * OpenRouter lists), checked with zod when the catalog loads: a typo in the data stops the
 * server at start, not in the middle of a test.
 */
import { z } from "zod";
import { PRICE_FIELDS, PRICE_PATTERN, type PriceTable } from "./cost";

export const AUTO_MODEL_ID = "openrouter/auto";

export const InputModality = z.enum(["text", "image", "file", "audio", "video"]);
export const OutputModality = z.enum(["text", "image"]);
export const Quantization = z.enum(["int4", "int8", "fp4", "mxfp4", "fp6", "fp8", "fp16", "bf16", "fp32", "unknown"]);
export const ReasoningEffort = z.enum(["max", "xhigh", "high", "medium", "low", "minimal", "none"]);
export const ModelGroup = z.enum([
  "Router",
  "Other",
  "GPT",
  "Claude",
  "Gemini",
  "Gemma",
  "Grok",
  "Qwen",
  "Qwen3",
  "DeepSeek",
  "Mistral",
  "Llama3",
  "Llama4",
]);
export const InstructType = z.enum(["chatml", "llama3", "mistral", "gemma", "deepseek-r1", "deepseek-v3.1", "qwen3"]).nullable();
/** Values of the spec's `Parameter` enum that this catalog uses. */
export const Parameter = z.enum([
  "temperature",
  "top_p",
  "top_k",
  "frequency_penalty",
  "presence_penalty",
  "repetition_penalty",
  "max_tokens",
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
]);
/** Provider names: all members of the spec's `ProviderName` enum. */
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

function isPriceTable(p: Partial<PriceTable>): p is PriceTable {
  return p.prompt !== undefined && p.completion !== undefined;
}

const Prices = z.partialRecord(z.enum(PRICE_FIELDS), z.string().regex(PRICE_PATTERN, "a decimal USD amount with at most 9 decimal places"));

/**
 * A long-context tier, as OpenRouter lists it in `pricing.overrides`
 * (tests/fixtures/openrouter-recorded/models-listing-subset-tiered-alias-router.json).
 */
const PriceOverrideSchema = z.strictObject({ min_prompt_tokens: z.number().int().nonnegative() }).catchall(z.string().regex(PRICE_PATTERN));

/**
 * A record rather than an object schema: it keeps the prices in the order the data lists them,
 * which `/models` and `/endpoints` repeat; `overrides` (the tiers) comes last, as in the recording.
 */
const PriceTableSchema = z.record(z.string(), z.unknown()).transform((raw, ctx): PriceTable => {
  const { overrides, ...rest } = raw;
  const prices = Prices.safeParse(rest);
  const tiers = overrides === undefined ? undefined : z.array(PriceOverrideSchema).min(1).safeParse(overrides);
  if (!prices.success || (tiers && !tiers.success)) {
    for (const issue of [...(prices.error?.issues ?? []), ...(tiers?.error?.issues ?? [])])
      ctx.addIssue({ code: "custom", message: issue.message, path: issue.path });
    return z.NEVER;
  }
  const p = prices.data;
  if (!isPriceTable(p)) {
    ctx.addIssue({ code: "custom", message: "a price table needs `prompt` and `completion`" });
    return z.NEVER;
  }
  for (const tier of tiers?.data ?? []) {
    const unknown = Object.keys(tier).filter((k) => k !== "min_prompt_tokens" && !(PRICE_FIELDS as readonly string[]).includes(k));
    if (unknown.length > 0) ctx.addIssue({ code: "custom", message: `unknown tier prices ${unknown.join(", ")}` });
  }
  return tiers?.data ? { ...p, overrides: tiers.data as PriceTable["overrides"] } : p;
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
  id: z.string().regex(/^[a-z0-9-]+\/[a-z0-9.-]+(:free)?$/),
  /** Omitted: the id without `:free`. */
  canonical: z.string().optional(),
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
    .strictObject({ mandatory: z.boolean(), supported_efforts: z.array(ReasoningEffort).nullable(), default_effort: ReasoningEffort.optional() })
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

export const CatalogFile = z
  .strictObject({
    providers: z.record(ProviderName, ProviderInfo),
    router: RouterEntry,
    models: z.array(ModelEntry).min(1),
  })
  .superRefine((file, ctx) => {
    const ids = new Set<string>();
    file.models.forEach((m, i) => {
      if (ids.has(m.id)) ctx.addIssue({ code: "custom", path: ["models", i, "id"], message: `duplicate model ${m.id}` });
      ids.add(m.id);
      const providers = m.endpoints.map((e) => e.provider);
      if (new Set(providers).size !== providers.length) {
        ctx.addIssue({ code: "custom", path: ["models", i, "endpoints"], message: `${m.id} lists a provider twice` });
      }
    });
    file.router.candidates.forEach((id, i) => {
      if (!ids.has(id)) ctx.addIssue({ code: "custom", path: ["router", "candidates", i], message: `${id} is not in the catalog` });
    });
  });

export type CatalogFile = z.infer<typeof CatalogFile>;
export type ModelEntry = CatalogFile["models"][number];
export type EndpointEntry = ModelEntry["endpoints"][number];
export type ProviderInfo = CatalogFile["providers"][ProviderName];
