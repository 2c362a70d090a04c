import "server-only";
import { settingsOf, findOwnedConversation } from "@/lib/db/conversations";
import { listMessages } from "@/lib/db/messages";
import { AUTO_ROUTER_ID, autoRouterModels, getCatalog, requireModel } from "@/lib/openrouter/catalog";
import type { ModelSummary } from "@/lib/openrouter/types";
import { estimatePromptTokens, inputCostNano } from "./budget";
import { servingModels } from "./worst-case";

// The composer's cost preview: what sending `text` would cost in input on `model`, with the
// conversation's current context (system prompt and saved messages) — the same conservative
// estimate the budget reservation uses, priced at the model's prompt price.

export async function estimateInput(
  userId: string,
  input: { conversationId?: string; model: string; text: string },
): Promise<{ inputCostNano: bigint; promptTokens: number; model: string }> {
  const model = await requireModel(input.model);
  const texts: string[] = [];
  if (input.conversationId) {
    // A conversation that does not exist yet (a new chat's id) has no context: not an error.
    const conversation = await findOwnedConversation(userId, input.conversationId);
    if (conversation) {
      const system = settingsOf(conversation).systemPrompt;
      if (system) texts.push(system);
      for (const message of await listMessages(userId, conversation.id)) texts.push(contextText(message.parts));
    }
  }
  texts.push(input.text);
  const promptTokens = estimatePromptTokens(texts);
  return { inputCostNano: await routedInputCostNano(model, promptTokens), promptTokens, model: model.id };
}

/**
 * A router (`openrouter/auto`, catalog price "-1") has no price of its own: preview it at the
 * dearest model it may pick (SWITCHBOARD_AUTO_ROUTER_MODELS), as the budget reservation does, never
 * as a negative amount.
 */
async function routedInputCostNano(model: ModelSummary, promptTokens: number): Promise<bigint> {
  const allowed = model.id === AUTO_ROUTER_ID ? await autoRouterModels() : null;
  const catalog = (await getCatalog()).models;
  let worst = 0n;
  for (const m of servingModels(model, { fallbacks: [], webSearch: null, autoRouterModels: allowed }, catalog)) {
    const cost = inputCostNano(m, promptTokens);
    if (cost > worst) worst = cost;
  }
  return worst;
}

/** What of a saved message goes back to the model: text, reasoning, tool calls and results. */
function contextText(parts: unknown): string {
  if (!Array.isArray(parts)) return "";
  return parts
    .map((part: unknown) => {
      if (!part || typeof part !== "object") return "";
      const p = part as { type?: unknown; text?: unknown };
      if ((p.type === "text" || p.type === "reasoning") && typeof p.text === "string") return p.text;
      if (typeof p.type === "string" && p.type.startsWith("tool-")) return JSON.stringify(part);
      return "";
    })
    .join("\n");
}
