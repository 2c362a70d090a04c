import "server-only";
import { attachmentNeeds, attachmentParts, canReadFiles, requireReadable } from "@/lib/attachments/model-input";
import { effectiveRouting, requireFallbackModels, webSearchChoice, type UpstreamChoices } from "@/lib/chat/routing";
import type { TurnPlan } from "@/lib/chat/turn";
import { chatRequestSchema, type ChatRequest, type ChatUIMessage, type ModelPreferences } from "@/lib/chat/types";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { readJson } from "@/lib/http";
import { AUTO_ROUTER_ID, autoRouterModels, getCatalog } from "@/lib/openrouter/catalog";
import type { ModelSummary } from "@/lib/openrouter/types";
import { hit } from "@/lib/rate-limit";

/** The chat request body: size-limited before parsing, validated, the message length checked. */
export async function readChatRequest(request: Request): Promise<ChatRequest> {
  const maxChars = getEnv().SWITCHBOARD_MAX_MESSAGE_CHARS;
  const body = await readJson(request, chatRequestSchema, { maxBytes: maxChars * 4 + 64_000, surface: "chat" });
  const length = body.message?.parts.reduce((n, p) => n + p.text.length, 0) ?? 0;
  if (length > maxChars) {
    throw new AppError("payload_too_large:chat", `The message is ${length} characters long; the limit is ${maxChars}.`);
  }
  // A message may be only attachments (an image to describe), but not nothing at all.
  if (body.message && length === 0 && (body.attachments ?? []).length === 0) throw new AppError("bad_request:chat", "The message is empty.");
  return body;
}

/** SWITCHBOARD_CHAT_RATE_PER_MINUTE requests per user per minute. */
export async function enforceChatRateLimit(userId: string): Promise<void> {
  const limit = getEnv().SWITCHBOARD_CHAT_RATE_PER_MINUTE;
  const result = await hit(`chat:${userId}`, limit, 60_000);
  if (!result.allowed) {
    throw new AppError("rate_limited:chat", `You can send ${limit} messages a minute. Try again in ${result.retryAfterSeconds} s.`, {
      retryAfter: result.retryAfterSeconds,
    });
  }
}

/**
 * The new message's attachments added to the turn: owned by the caller, within the count limit.
 * Read once per turn, however many models answer it.
 */
export async function attachToTurn(userId: string, plan: TurnPlan, body: ChatRequest): Promise<{ plan: TurnPlan; attachmentIds: string[] }> {
  const attachmentIds = [...new Set(body.attachments ?? [])];
  if (attachmentIds.length === 0) return { plan, attachmentIds };
  if (!plan.userMessage) throw new AppError("bad_request:chat", "attachments: only a new message can carry attachments.");
  const files = await attachmentParts(userId, attachmentIds, getEnv().SWITCHBOARD_ATTACHMENTS_PER_MESSAGE);
  const userMessage: ChatUIMessage = { ...plan.userMessage, parts: [...plan.userMessage.parts, ...files] };
  return { plan: { ...plan, userMessage, history: [...plan.history.slice(0, -1), userMessage] }, attachmentIds };
}

/**
 * Everything one model's request adds beyond the history, decided before anything is written or
 * sent: the check that the model can read the turn's attachments (else refused here, with nothing
 * sent upstream), the conversation's routing (or the user's default), fallback models checked
 * against the catalog, web search, the file-parser plugin for PDFs the model cannot read itself,
 * and image output.
 */
export async function upstreamChoices(
  model: ModelSummary,
  plan: TurnPlan,
  body: ChatRequest,
  preferences: () => Promise<ModelPreferences>,
): Promise<UpstreamChoices> {
  const routing = await effectiveRouting(plan.settings, model.id, preferences);
  const fallbacks = await requireFallbackModels(model, routing);
  const needs = attachmentNeeds(plan.history);
  if (needs.images > 0) {
    const catalog = await getCatalog();
    requireReadable(model, needs, catalog.models, fallbacks);
  }
  return {
    routing,
    fallbacks,
    webSearch: webSearchChoice(body.webSearch),
    pdfEngine: needs.pdfs > 0 && [model, ...fallbacks].some((m) => !canReadFiles(m)) ? getEnv().SWITCHBOARD_PDF_ENGINE : null,
    imageOutput: model.outputModalities.includes("image"),
    autoRouterModels: model.id === AUTO_ROUTER_ID ? await autoRouterModels() : null,
  };
}
