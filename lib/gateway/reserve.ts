import "server-only";
import type { ApiCaller } from "@/lib/api-keys/authenticate";
import { getCatalog } from "@/lib/openrouter/catalog";
import type { ModelSummary } from "@/lib/openrouter/types";
import { estimatePromptTokens, generationCostNano, reserveBudget } from "@/lib/spend/budget";
import { answerOutputLimit, worstCaseForChoices } from "@/lib/spend/worst-case";
import type { ResolvedModels } from "./resolve";
import type { ChatCompletionRequest, EmbeddingsRequest } from "./schemas";

// An API call's reservation, made exactly as a chat answer's: the worst case of one generation —
// the prompt estimate, the output bound the gateway sends upstream as `max_tokens`, at the
// dearest model that may serve it (the model or a fallback), with what images and PDFs add — held
// against the user's monthly limit and the key's monthly cap in one locked transaction.

export type ChatShape = {
  promptTokens: number;
  images: number;
  pdfs: number;
  /** The `max_tokens` sent upstream: the request's own, else the bound the gateway sets. */
  maxTokens: number;
};

/** Every text the upstream will count as prompt: messages, tool calls and results, tool definitions, the response schema. */
export function chatShape(body: ChatCompletionRequest, models: ResolvedModels): ChatShape {
  const texts: string[] = [];
  let images = 0;
  let pdfs = 0;
  for (const message of body.messages) {
    const content: unknown = message.content;
    if (typeof content === "string") texts.push(content);
    else if (Array.isArray(content)) {
      for (const part of content as { type: string; text?: string }[]) {
        if (part.type === "text") texts.push(part.text ?? "");
        else if (part.type === "image_url") images++;
        else if (part.type === "file") pdfs++;
      }
    }
    if (message.role === "assistant") {
      for (const call of message.tool_calls ?? []) texts.push(call.function.name + call.function.arguments);
      if (message.reasoning) texts.push(message.reasoning);
    }
  }
  if (body.tools) texts.push(JSON.stringify(body.tools));
  if (body.response_format) texts.push(JSON.stringify(body.response_format));
  const requested = body.max_tokens ?? body.max_completion_tokens ?? null;
  return {
    promptTokens: estimatePromptTokens(texts),
    images,
    pdfs,
    maxTokens: answerOutputLimit(models.model, models.fallbacks, requested),
  };
}

/** Holds the call's worst case; throws 402 (`budget_exceeded:*`) when the user's limit or the key's cap cannot take it. */
export async function reserveChatCompletion(caller: ApiCaller, models: ResolvedModels, shape: ChatShape): Promise<string | null> {
  const catalog = (await getCatalog()).models;
  const worst = worstCaseForChoices(
    models.model,
    {
      fallbacks: models.fallbacks,
      webSearch: null,
      // A PDF a model cannot read goes through OpenRouter's file parser, whose dearest engine is held.
      pdfEngine: shape.pdfs > 0 ? "mistral-ocr" : null,
      imageOutput: false,
      autoRouterModels: null,
    },
    { promptTokens: shape.promptTokens, images: shape.images, pdfs: shape.pdfs, tools: false, maxTokens: shape.maxTokens },
    catalog,
  );
  const { reservationId } = await reserveBudget(caller.userId, worst, { apiKey: { id: caller.key.id, monthlyCapNano: caller.key.monthlyCapNano } });
  return reservationId;
}

/** The embedding call's prompt estimate: every input text (or token array) sent. */
export function embeddingPromptTokens(body: EmbeddingsRequest): number {
  const input = body.input;
  if (typeof input === "string") return estimatePromptTokens([input]);
  if (input.length === 0) return 0;
  if (typeof input[0] === "string") return estimatePromptTokens(input as string[]);
  if (typeof input[0] === "number") return input.length;
  return (input as number[][]).reduce((sum, tokens) => sum + tokens.length, 0);
}

export async function reserveEmbeddings(caller: ApiCaller, model: ModelSummary, promptTokens: number): Promise<string | null> {
  const worst = generationCostNano(model, promptTokens, 0);
  const { reservationId } = await reserveBudget(caller.userId, worst, { apiKey: { id: caller.key.id, monthlyCapNano: caller.key.monthlyCapNano } });
  return reservationId;
}
