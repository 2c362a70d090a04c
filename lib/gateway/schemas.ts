import { z } from "zod";

// The request bodies /api/v1 accepts, following OpenAI's and OpenRouter's chat and embeddings
// requests. Fields are checked where the gateway acts on them or where they change the price.
// Unknown top-level fields are dropped, never forwarded: what goes upstream is only what the
// reservation accounts for (OpenRouter's `plugins` — web search, the file parser — `modalities`
// for image output and server tools would bill beyond it), so an unmodified client's extra fields
// (`logprobs`, `metadata`, `store`…) do not break a call, and none can add cost unseen.

const MAX_MESSAGES = 10_000;
const MAX_OUTPUT_TOKENS = 1_000_000;

const TextPart = z.looseObject({ type: z.literal("text"), text: z.string() });
const ImagePart = z.looseObject({
  type: z.literal("image_url"),
  image_url: z.looseObject({ url: z.string().min(1), detail: z.enum(["auto", "low", "high"]).optional() }),
});
const FilePart = z.looseObject({
  type: z.literal("file"),
  file: z.looseObject({ filename: z.string().optional(), file_data: z.string().optional(), file_id: z.string().optional() }),
});
const ContentPart = z.discriminatedUnion("type", [TextPart, ImagePart, FilePart]);
const UserContent = z.union([z.string(), z.array(ContentPart).min(1)]);
const TextContent = z.union([z.string(), z.array(TextPart)]);

const ToolCall = z.looseObject({
  id: z.string(),
  type: z.literal("function"),
  function: z.looseObject({ name: z.string().min(1), arguments: z.string() }),
});

const Message = z.discriminatedUnion("role", [
  z.looseObject({ role: z.literal("system"), content: TextContent, name: z.string().optional() }),
  z.looseObject({ role: z.literal("developer"), content: TextContent, name: z.string().optional() }),
  z.looseObject({ role: z.literal("user"), content: UserContent, name: z.string().optional() }),
  z.looseObject({
    role: z.literal("assistant"),
    content: z.union([z.string(), z.array(TextPart), z.null()]).optional(),
    tool_calls: z.array(ToolCall).optional(),
    name: z.string().optional(),
    reasoning: z.string().nullish(),
    reasoning_details: z.array(z.looseObject({ type: z.string() })).nullish(),
  }),
  z.looseObject({ role: z.literal("tool"), content: TextContent, tool_call_id: z.string().min(1) }),
]);

const FunctionTool = z.looseObject({
  type: z.literal("function"),
  function: z.looseObject({
    name: z.string().min(1).max(64),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullish(),
  }),
});

const ToolChoice = z.union([
  z.enum(["none", "auto", "required"]),
  z.looseObject({ type: z.literal("function"), function: z.looseObject({ name: z.string().min(1) }) }),
]);

const ResponseFormat = z.discriminatedUnion("type", [
  z.looseObject({ type: z.literal("text") }),
  z.looseObject({ type: z.literal("json_object") }),
  z.looseObject({
    type: z.literal("json_schema"),
    json_schema: z.looseObject({ name: z.string().min(1), schema: z.record(z.string(), z.unknown()).optional(), strict: z.boolean().nullish() }),
  }),
]);

const Effort = z.enum(["max", "xhigh", "high", "medium", "low", "minimal", "none"]);
const Reasoning = z.looseObject({
  effort: Effort.nullish(),
  max_tokens: z.number().int().min(0).nullish(),
  exclude: z.boolean().nullish(),
  enabled: z.boolean().nullish(),
});

/** OpenRouter's provider preferences: passed on as written (OpenRouter checks them), only their shape here. */
const ProviderPreferences = z.record(z.string(), z.unknown());

const modelName = z.string().min(1).max(200);

export const chatCompletionRequestSchema = z.object({
  model: modelName,
  /** Fallback models (OpenRouter's `models`): at most 3, as OpenRouter allows. */
  models: z.array(modelName).max(3, "'models' array must have 3 items or fewer.").optional(),
  messages: z.array(Message).min(1).max(MAX_MESSAGES),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  tools: z.array(FunctionTool).max(128).optional(),
  tool_choice: ToolChoice.optional(),
  parallel_tool_calls: z.boolean().nullish(),
  response_format: ResponseFormat.optional(),
  reasoning: Reasoning.nullish(),
  reasoning_effort: Effort.nullish(),
  include_reasoning: z.boolean().nullish(),
  provider: ProviderPreferences.nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  top_k: z.number().int().min(0).nullish(),
  frequency_penalty: z.number().min(-2).max(2).nullish(),
  presence_penalty: z.number().min(-2).max(2).nullish(),
  repetition_penalty: z.number().min(0).max(2).nullish(),
  seed: z.number().int().nullish(),
  max_tokens: z.number().int().min(1).max(MAX_OUTPUT_TOKENS).nullish(),
  max_completion_tokens: z.number().int().min(1).max(MAX_OUTPUT_TOKENS).nullish(),
  /** One choice only: the reservation holds one generation's output. */
  n: z.literal(1).nullish(),
  user: z.string().max(256).optional(),
});

export type ChatCompletionRequest = z.infer<typeof chatCompletionRequestSchema>;
export type ChatMessage = ChatCompletionRequest["messages"][number];

const EmbeddingInput = z.union([
  z.string().min(1),
  z.array(z.string().min(1)).min(1).max(2048),
  z.array(z.number().int().min(0)).min(1),
  z
    .array(z.array(z.number().int().min(0)).min(1))
    .min(1)
    .max(2048),
]);

export const embeddingsRequestSchema = z.object({
  model: modelName,
  input: EmbeddingInput,
  encoding_format: z.enum(["float", "base64"]).optional(),
  dimensions: z.number().int().min(1).max(65_536).optional(),
  input_type: z.string().max(64).optional(),
  user: z.string().max(256).optional(),
  provider: ProviderPreferences.nullish(),
});

export type EmbeddingsRequest = z.infer<typeof embeddingsRequestSchema>;

export const generationQuerySchema = z.object({ id: z.string().min(1).max(200) });
