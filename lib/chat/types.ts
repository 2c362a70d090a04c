// The chat's wire contract between the route and the browser. Client-safe.
import type { UIMessage } from "ai";
import { z } from "zod";
import { MAX_COMPARE_MODELS, MAX_FALLBACK_MODELS } from "./limits";

/** Footer facts of an answer, streamed as message metadata and saved with the message. */
export type ChatMessageMetadata = {
  /** Model the user asked for. */
  model?: string;
  /** Model that actually answered (differs for fallbacks and openrouter/auto). */
  modelServed?: string;
  provider?: string;
  createdAt?: string;
  promptTokens?: number;
  completionTokens?: number;
  reasoningTokens?: number;
  cachedTokens?: number;
  /** nano-USD as a decimal string; absent while unknown. */
  costNano?: string;
  /** True while some generation of this answer awaits settlement from /generation. */
  costPending?: boolean;
  ttftMs?: number;
  durationMs?: number;
  tokensPerSecond?: number;
  status?: "streaming" | "complete" | "partial" | "error";
  error?: { code: string; message: string; retryAfter?: number };
  /** True when a fallback model answered because the first choice failed (`modelServed` names it). */
  fallbackUsed?: boolean;
  /** True when `openrouter/auto` chose the model (`modelServed` names it). */
  autoRouted?: boolean;
  /** Web search ran for this answer; its cost is inside `costNano`. */
  webSearch?: { engine: string; maxResults: number };
  /**
   * One column of a comparison: the answers of one prompt to several models share `group`;
   * `column` is this model's place; `kept` marks the answer the user chose to continue with.
   */
  compare?: { group: string; column: number; kept?: boolean };
  /** Tools were on but the model cannot call tools: the answer was made without them. */
  toolsUnsupported?: boolean;
  /** How long each tool call ran, by its call id (ms). */
  toolDurations?: Record<string, number>;
};

export type ChatDataParts = {
  /** Sent first on a new conversation so the client can move to its URL. */
  conversation: { id: string; title: string };
  /** A generated title, when it arrives. */
  title: { title: string };
};

export type CalculatorInput = { expression: string };
export type CalculatorOutput = { expression: string; result: string };
export type CurrentTimeInput = { timeZone: string };
export type CurrentTimeOutput = { timeZone: string; iso: string; formatted: string };
export type SearchConversationsInput = { query: string; limit?: number };
export type SearchConversationsOutput = {
  results: { conversationId: string; title: string; snippet: string; at: string }[];
};

export type ChatTools = {
  calculator: { input: CalculatorInput; output: CalculatorOutput };
  current_time: { input: CurrentTimeInput; output: CurrentTimeOutput };
  search_conversations: { input: SearchConversationsInput; output: SearchConversationsOutput };
};

export type ChatUIMessage = UIMessage<ChatMessageMetadata, ChatDataParts, ChatTools>;

export const reasoningEfforts = ["low", "medium", "high"] as const;
export type ReasoningEffort = (typeof reasoningEfforts)[number];

export const providerSorts = ["price", "throughput", "latency"] as const;

const modelIdSchema = z.string().min(1).max(200);
const providerSlugSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9][A-Za-z0-9 ._/-]*$/, "Not a provider name.");
/** USD per million tokens, as a decimal number (0 to 10,000). */
const perMillionUsd = z.number().min(0).max(10_000);

/**
 * OpenRouter provider routing for a conversation (sent upstream as `provider`, see
 * `ProviderPreferences` in OpenRouter's API): every field optional, absent = OpenRouter's default.
 */
export const providerPreferencesSchema = z
  .object({
    /** Rank the endpoints by lowest price, highest throughput or lowest latency. */
    sort: z.enum(providerSorts).nullish(),
    /** Providers to try first, in this order. */
    order: z.array(providerSlugSchema).max(20).nullish(),
    /** Providers never to use. */
    ignore: z.array(providerSlugSchema).max(50).nullish(),
    /** false: only the first eligible provider is tried (default true). */
    allowFallbacks: z.boolean().nullish(),
    /** "deny": only providers that do not store or train on prompts. */
    dataCollection: z.enum(["allow", "deny"]).nullish(),
    /** Only zero-data-retention endpoints. */
    zdr: z.boolean().nullish(),
    /** Highest price accepted, USD per million tokens. */
    maxPrice: z.object({ prompt: perMillionUsd.nullish(), completion: perMillionUsd.nullish() }).strict().nullish(),
  })
  .strict();
export type ProviderPreferencesSettings = z.infer<typeof providerPreferencesSchema>;

/** Routing of a conversation: fallback models (sent as `models`) and provider preferences. */
export const routingSettingsSchema = z
  .object({
    /** Tried in order when the conversation's model fails; at most 3. */
    fallbackModels: z.array(modelIdSchema).max(MAX_FALLBACK_MODELS, `At most ${MAX_FALLBACK_MODELS} fallback models.`).nullish(),
    provider: providerPreferencesSchema.nullish(),
  })
  .strict();
export type RoutingSettings = z.infer<typeof routingSettingsSchema>;

const toolNameSchema = z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, "Not a tool name.");

/** Per-conversation generation settings. */
export const conversationSettingsSchema = z.object({
  systemPrompt: z.string().max(20_000).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  maxTokens: z.number().int().min(1).max(1_000_000).nullish(),
  topP: z.number().min(0).max(1).nullish(),
  reasoningEffort: z.enum(reasoningEfforts).nullish(),
  /** Fallback models and provider preferences; absent: the user's default routing. */
  routing: routingSettingsSchema.nullish(),
  /**
   * The tools on in this conversation, by the name the model calls (built-in, or `<server>__<tool>`);
   * absent: the built-in tools and those of MCP servers on for everyone (lib/mcp/tools.ts).
   */
  tools: z.array(toolNameSchema).max(500).nullish(),
  /** Tools that run without asking in this conversation ("Always allow"), though they would need approval. */
  alwaysAllowTools: z.array(toolNameSchema).max(500).nullish(),
});
export type ConversationSettings = z.infer<typeof conversationSettingsSchema>;

export const idSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, "Not a valid id.");

/** `?message=`: one column of a comparison (stream, stop). */
export const columnQuerySchema = z.object({ message: idSchema.optional() }).strict();

const textPartSchema = z.object({ type: z.literal("text"), text: z.string() });

/** The user's answer to one tool call's approval request (the id the request carried). */
export const toolApprovalAnswerSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, "Not an approval id."),
    approved: z.boolean(),
    reason: z.string().max(500).optional(),
  })
  .strict();
export type ToolApprovalAnswer = z.infer<typeof toolApprovalAnswerSchema>;

export const chatRequestSchema = z.object({
  /** The conversation; created when it does not exist yet. */
  id: idSchema,
  /** The new user message (absent when regenerating). */
  message: z
    .object({
      id: idSchema,
      role: z.literal("user"),
      parts: z.array(textPartSchema).min(1).max(50),
    })
    .optional(),
  trigger: z.enum(["submit-message", "regenerate-message", "tool-approval"]),
  /**
   * Edit: the user message being replaced. Regenerate: the assistant message being replaced.
   * Tool approval: the answer whose tool calls wait for approval (it goes on after them).
   */
  messageId: idSchema.optional(),
  model: z.string().min(1).max(200),
  /** Compare: the same new message answered by each of these models at once (2 to 4, distinct). */
  models: z
    .array(z.string().min(1).max(200))
    .min(2, "Compare at least 2 models.")
    .max(MAX_COMPARE_MODELS, `Compare at most ${MAX_COMPARE_MODELS} models.`)
    .refine((models) => new Set(models).size === models.length, "Each model can be compared once.")
    .optional(),
  settings: conversationSettingsSchema.optional(),
  /** Uploaded attachments (ids from POST /api/attachments) sent with the new message. */
  attachments: z.array(idSchema).max(50).optional(),
  /** Turn on OpenRouter's web search (the `web` plugin) for this message. */
  webSearch: z.boolean().optional(),
  /** Tool approval: the user's answer to each of the answer's approval requests. */
  approvals: z.array(toolApprovalAnswerSchema).min(1).max(20).optional(),
});
export type ChatRequest = z.infer<typeof chatRequestSchema>;

/** What a chat page starts from: the conversation and its saved messages. */
export type ConversationView = {
  id: string;
  title: string;
  model: string;
  settings: ConversationSettings;
  pinned: boolean;
  messages: ChatUIMessage[];
  /** Saved messages before `messages` not sent with the page (paged in on demand); 0 or absent: none. */
  earlierCount?: number;
  /** What the conversation has cost so far (every generation made for it, its title included: see sumConversationCost), nano-USD decimal string. */
  totalCostNano: string;
  /** True while an answer is being generated (the page should resume the stream). */
  streaming: boolean;
  /**
   * The answers of each turn that has several (regenerated, compared), keyed by the id of the
   * question they answer, in order of creation; `messages` holds the shown one of each.
   */
  alternatives?: Record<string, ChatUIMessage[]>;
};

/** The compare route's answer: the turn is written and each column streams on its own. */
export type CompareStarted = {
  conversation: { id: string; title: string; created: boolean };
  questionId: string;
  group: string;
  columns: { messageId: string; model: string }[];
};

/** The signed-in user's model preferences. */
export type ModelPreferences = {
  defaultModel: string;
  favoriteModels: string[];
  recentModels: string[];
  /** Routing new conversations start with (and conversations without their own use). */
  defaultRouting?: RoutingSettings | null;
  /** The tools on in conversations that made no choice of their own; null: the built-in defaults. */
  defaultTools?: string[] | null;
};

export const modelPreferencesPatchSchema = z.object({
  defaultModel: z.string().min(1).max(200).optional(),
  favoriteModels: z.array(z.string().min(1).max(200)).max(100).optional(),
  defaultRouting: routingSettingsSchema.nullable().optional(),
  defaultTools: z.array(toolNameSchema).max(500).nullable().optional(),
});
