/**
 * Request-body validation for `POST /api/v1/chat/completions` (zod), following the spec's
 * `ChatRequest`: unknown top-level fields pass through (OpenRouter accepts and ignores many),
 * the fields the local server acts on are checked strictly, and `provider` is a closed object
 * like the spec's `ProviderPreferences` (`additionalProperties: false`).
 */
import { z } from "zod";

const TextPart = z.looseObject({ type: z.literal("text"), text: z.string() });
const ImagePart = z.looseObject({
  type: z.literal("image_url"),
  image_url: z.looseObject({ url: z.string().min(1), detail: z.enum(["auto", "low", "high", "original"]).optional() }),
});
const FilePart = z.looseObject({
  type: z.literal("file"),
  file: z.looseObject({ filename: z.string().optional(), file_data: z.string().optional(), file_id: z.string().optional() }),
});
const AudioPart = z.looseObject({ type: z.literal("input_audio"), input_audio: z.looseObject({ data: z.string(), format: z.string() }) });
const VideoPart = z.looseObject({ type: z.literal("video_url"), video_url: z.looseObject({ url: z.string() }) });
const LegacyVideoPart = z.looseObject({ type: z.literal("input_video"), video_url: z.looseObject({ url: z.string() }) });

export const ContentPartSchema = z.discriminatedUnion("type", [TextPart, ImagePart, FilePart, AudioPart, VideoPart, LegacyVideoPart]);

const ToolCallSchema = z.looseObject({
  id: z.string(),
  type: z.literal("function"),
  function: z.looseObject({ name: z.string(), arguments: z.string() }),
});

export const MessageSchema = z.discriminatedUnion("role", [
  z.looseObject({ role: z.literal("system"), content: z.union([z.string(), z.array(TextPart)]), name: z.string().optional() }),
  z.looseObject({ role: z.literal("developer"), content: z.union([z.string(), z.array(TextPart)]), name: z.string().optional() }),
  z.looseObject({ role: z.literal("user"), content: z.union([z.string(), z.array(ContentPartSchema)]), name: z.string().optional() }),
  z.looseObject({
    role: z.literal("assistant"),
    content: z.union([z.string(), z.array(ContentPartSchema), z.null()]).optional(),
    tool_calls: z.array(ToolCallSchema).optional(),
    reasoning: z.string().nullish(),
    reasoning_details: z.array(z.looseObject({ type: z.string() })).nullish(),
    name: z.string().optional(),
  }),
  z.looseObject({ role: z.literal("tool"), content: z.union([z.string(), z.array(ContentPartSchema)]), tool_call_id: z.string() }),
]);

export const FunctionToolSchema = z.looseObject({
  type: z.literal("function"),
  function: z.looseObject({
    name: z.string().min(1).max(64),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullish(),
  }),
});
/** Function tools, or one of OpenRouter's server tools (`{type: 'openrouter:web_search', ...}`), accepted as is. */
const ToolSchema = z.union([FunctionToolSchema, z.looseObject({ type: z.string().regex(/^(openrouter:|web_search)/) })]);

const ToolChoiceSchema = z.union([
  z.enum(["none", "auto", "required"]),
  z.looseObject({ type: z.literal("function"), function: z.looseObject({ name: z.string() }) }),
  z.looseObject({ type: z.string() }),
]);

const Price = z.union([z.string(), z.number()]);
const ProviderSlugList = z.array(z.string()).nullish();

export const ProviderPreferencesSchema = z
  .strictObject({
    allow_fallbacks: z.boolean().nullish(),
    require_parameters: z.boolean().nullish(),
    data_collection: z.enum(["deny", "allow"]).nullish(),
    zdr: z.boolean().nullish(),
    enforce_distillable_text: z.boolean().nullish(),
    order: ProviderSlugList,
    only: ProviderSlugList,
    ignore: ProviderSlugList,
    quantizations: z.array(z.enum(["int4", "int8", "fp4", "mxfp4", "nvfp4", "fp6", "fp8", "mxfp8", "fp16", "bf16", "fp32", "unknown"])).nullish(),
    sort: z
      .union([
        z.enum(["price", "throughput", "latency", "exacto"]),
        z.looseObject({ by: z.enum(["price", "throughput", "latency", "exacto"]).nullish(), partition: z.enum(["model", "none"]).nullish() }),
      ])
      .nullish(),
    max_price: z
      .looseObject({
        prompt: Price.optional(),
        completion: Price.optional(),
        image: Price.optional(),
        audio: Price.optional(),
        request: Price.optional(),
      })
      .optional(),
    preferred_min_throughput: z.unknown().optional(),
    preferred_max_latency: z.unknown().optional(),
  })
  .nullish();

const PluginSchema = z.looseObject({
  id: z.string(),
  enabled: z.boolean().optional(),
  max_results: z.number().int().min(1).max(25).optional(),
  search_prompt: z.string().optional(),
  engine: z.string().optional(),
  allowed_models: z.array(z.string()).optional(),
  excluded_models: z.array(z.string()).optional(),
});

const ReasoningSchema = z.looseObject({
  effort: z.enum(["max", "xhigh", "high", "medium", "low", "minimal", "none"]).nullish(),
  max_tokens: z.number().int().min(0).nullish(),
  exclude: z.boolean().nullish(),
  enabled: z.boolean().nullish(),
  summary: z.string().nullish(),
});

export const ChatRequestSchema = z.looseObject({
  model: z.string().min(1).optional(),
  models: z.array(z.string().min(1)).optional(),
  messages: z.array(MessageSchema).min(1),
  stream: z.boolean().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  usage: z.looseObject({ include: z.boolean().optional() }).nullish(),
  tools: z.array(ToolSchema).optional(),
  tool_choice: ToolChoiceSchema.optional(),
  parallel_tool_calls: z.boolean().nullish(),
  max_tokens: z.number().int().min(1).nullish(),
  max_completion_tokens: z.number().int().min(1).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  top_k: z.number().int().min(0).nullish(),
  frequency_penalty: z.number().min(-2).max(2).nullish(),
  presence_penalty: z.number().min(-2).max(2).nullish(),
  repetition_penalty: z.number().min(0).max(2).nullish(),
  seed: z.number().int().nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
  reasoning: ReasoningSchema.nullish(),
  reasoning_effort: z.enum(["max", "xhigh", "high", "medium", "low", "minimal", "none"]).nullish(),
  include_reasoning: z.boolean().nullish(),
  provider: ProviderPreferencesSchema,
  plugins: z.array(PluginSchema).optional(),
  modalities: z.array(z.enum(["text", "image", "audio"])).optional(),
  user: z.string().optional(),
  session_id: z.string().max(256).optional(),
  response_format: z.looseObject({ type: z.string() }).optional(),
});

export type ChatRequest = z.infer<typeof ChatRequestSchema>;
export type ChatMessage = z.infer<typeof MessageSchema>;
export type FunctionTool = z.infer<typeof FunctionToolSchema>;
export type ProviderPreferences = NonNullable<z.infer<typeof ProviderPreferencesSchema>>;

/** Parses a request body; on failure returns a one-line message naming the offending fields. */
export function parseChatRequest(body: unknown): { ok: true; value: ChatRequest } | { ok: false; message: string } {
  const r = ChatRequestSchema.safeParse(body);
  if (r.success) return { ok: true, value: r.data };
  const details = r.error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join(".") : "(body)"}: ${i.message}`)
    .join("; ");
  return { ok: false, message: `Invalid request body: ${details}` };
}

/** The text of a message's content: a string, or its `text` parts joined by newlines. */
export function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  const texts: string[] = [];
  for (const p of content) {
    if (typeof p === "object" && p !== null && (p as { type?: unknown }).type === "text") {
      const t = (p as { text?: unknown }).text;
      if (typeof t === "string") texts.push(t);
    }
  }
  return texts.join("\n");
}

export function isFunctionTool(t: unknown): t is FunctionTool {
  return FunctionToolSchema.safeParse(t).success;
}
