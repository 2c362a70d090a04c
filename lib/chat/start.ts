import "server-only";
import { generateId, type UIMessageChunk } from "ai";
import type { SessionUser } from "@/lib/auth";
import { attachmentNeeds } from "@/lib/attachments/model-input";
import { bindAttachments } from "@/lib/attachments/store";
import { getCatalog } from "@/lib/openrouter/catalog";
import type { ModelSummary } from "@/lib/openrouter/types";
import { estimatePromptTokens, holdWhileRunning, releaseReservation, reserveBudgets } from "@/lib/spend/budget";
import { worstCaseForChoices } from "@/lib/spend/worst-case";
import { mcpDefinitionTokens, mcpToolsForAnswer, type McpToolChoice } from "@/lib/mcp/tools";
import { getModelPreferences } from "@/lib/db/preferences";
import { getEnv } from "@/lib/env";
import { startAnswer } from "./answer";
import { historyTexts } from "./history";
import { textOfParts } from "@/lib/message-text";
import { attachToTurn, upstreamChoices } from "./request";
import type { UpstreamChoices } from "./routing";
import { columnStreamKey, streamingMessageIds } from "./streams";
import { generateTitleInBackground } from "./title";
import { commitTurn, type CommittedTurn, type PlannedAnswer, type TurnPlan } from "./turn";
import type { ChatMessageMetadata, ChatRequest, ModelPreferences } from "./types";

// The steps of a turn after it is planned (lib/chat/turn.ts), as the chat route calls them: the
// upstream chosen for each model, the budget held for every answer before anything is written or
// sent, the turn written, then each answer started. One model (a message, a regenerate) or
// several (a comparison: one answer per model, each its own stream, Usage rows and reservation).
// A step that fails frees the reservations no started answer owns.

/** The turn with the new message's attachments, and each model with its upstream choices. */
export type ChosenUpstreams = {
  plan: TurnPlan;
  attachmentIds: string[];
  answers: { model: ModelSummary; choices: UpstreamChoices }[];
};

export type ReservedTurn = ChosenUpstreams & {
  reservationIds: (string | null)[];
  /** The MCP tools on for the turn's answers, as reserved for. */
  mcpTools: McpToolChoice[];
};

export type StartedAnswer = { messageId: string; model: string; streamKey: string };

/** The attachments once, then each model's upstream choices (and the check that it can read them). */
export async function chooseUpstreams(user: SessionUser, models: ModelSummary[], planned: TurnPlan, body: ChatRequest): Promise<ChosenUpstreams> {
  // The user's defaults (tools, routing), read at most once for the turn and only when a setting falls back to them.
  let read: Promise<ModelPreferences> | undefined;
  const preferences = () => (read ??= getModelPreferences(user.id, getEnv().SWITCHBOARD_DEFAULT_MODEL));
  const { plan, attachmentIds } = await attachToTurn(user.id, await withDefaultTools(planned, preferences), body);
  const answers: ChosenUpstreams["answers"] = [];
  for (const model of models) answers.push({ model, choices: await upstreamChoices(model, plan, body, preferences) });
  return { plan, attachmentIds, answers };
}

/** A conversation that made no choice of tools uses the user's default choice, when they saved one. */
async function withDefaultTools(plan: TurnPlan, preferences: () => Promise<ModelPreferences>): Promise<TurnPlan> {
  if (plan.settings.tools !== undefined && plan.settings.tools !== null) return plan;
  const { defaultTools } = await preferences();
  return defaultTools ? { ...plan, settings: { ...plan.settings, tools: defaultTools } } : plan;
}

/** Every answer's worst case is held before anything is written or sent; a refusal refuses all. */
export async function reserveAnswers(user: SessionUser, chosen: ChosenUpstreams): Promise<ReservedTurn> {
  const { plan } = chosen;
  const promptTokens = estimatePromptTokens([plan.settings.systemPrompt ?? "", ...historyTexts(plan.history)]);
  const attachments = attachmentNeeds(plan.history);
  const catalog = (await getCatalog()).models;
  // The MCP tools' definitions are sent with every generation of a tool-capable model's answer.
  const mcpTools = chosen.answers.some(({ model }) => model.supportsTools) ? await mcpToolsForAnswer(user.id, plan.settings.tools) : [];
  const mcpTokens = mcpDefinitionTokens(mcpTools);
  const worstCases = chosen.answers.map(({ model, choices }) =>
    worstCaseForChoices(
      model,
      choices,
      {
        promptTokens: promptTokens + (model.supportsTools ? mcpTokens : 0),
        images: attachments.images,
        pdfs: attachments.pdfs,
        tools: model.supportsTools,
        maxTokens: plan.settings.maxTokens,
      },
      catalog,
    ),
  );
  const { reservationIds } = await reserveBudgets(user.id, worstCases);
  return { ...chosen, reservationIds, mcpTools };
}

export type CommittedAnswers = {
  turn: CommittedTurn;
  /** The comparison's group, when several models answer. */
  group: string | null;
  answers: (PlannedAnswer & { compare: ChatMessageMetadata["compare"] })[];
};

/** Writes the turn (the user's message and a streaming placeholder per answer) and binds the attachments. */
export async function commitAnswers(user: SessionUser, reserved: ReservedTurn, body: ChatRequest): Promise<CommittedAnswers> {
  const { plan, answers: chosen } = reserved;
  const comparing = chosen.length > 1;
  const group = comparing ? generateId() : null;
  const answers = chosen.map(({ model }, column) => ({
    // An answer going on after its tool approvals keeps its message.
    id: plan.continued?.messageId ?? generateId(),
    model: model.id,
    compare: group ? { group, column } : (plan.compare ?? undefined),
  }));
  try {
    // A comparison leaves the conversation's model as it was until one answer is kept.
    const conversationModel = comparing ? (plan.conversation?.model ?? chosen[0].model.id) : chosen[0].model.id;
    const turn = await commitTurn(user, plan, { model: conversationModel, answers, settings: body.settings });
    await bindAttachments(user.id, turn.conversation.id, reserved.attachmentIds);
    return { turn, group, answers };
  } catch (error) {
    await Promise.all(reserved.reservationIds.map((id) => releaseReservation(id)));
    throw error;
  }
}

/** Starts each answer; the first exchange's first answer also brings the conversation its title. */
export async function startAnswers(user: SessionUser, reserved: ReservedTurn, committed: CommittedAnswers): Promise<StartedAnswer[]> {
  const { plan } = reserved;
  const { turn } = committed;
  const comparing = committed.answers.length > 1;
  const firstUserText = plan.isFirstExchange && plan.userMessage ? textOfParts(plan.userMessage.parts) : null;
  const started: StartedAnswer[] = [];
  try {
    for (const [index, answer] of committed.answers.entries()) {
      const { model, choices } = reserved.answers[index];
      const streamKey = answer.compare ? columnStreamKey(turn.conversation.id, answer.id) : turn.conversation.id;
      await startAnswer({
        user,
        conversationId: turn.conversation.id,
        model,
        settings: plan.settings,
        history: plan.history,
        assistantMessageId: answer.id,
        reservationId: reserved.reservationIds[index],
        upstream: choices,
        streamKey,
        compare: answer.compare,
        mcpTools: reserved.mcpTools,
        continues: plan.continued ?? undefined,
        // The first exchange gets a generated title (the first words stand in until then), sent
        // along the answer's stream when it is saved before the answer ends.
        alongside:
          index === 0 && firstUserText !== null
            ? (send) =>
                void generateTitleInBackground({
                  userId: user.id,
                  conversationId: turn.conversation.id,
                  firstUserText,
                  onTitle: (title) => send({ type: "data-title", data: { title }, transient: true }),
                })
            : undefined,
        leadingChunks: leadingChunks(turn, comparing),
      });
      started.push({ messageId: answer.id, model: model.id, streamKey });
      // An answer may run longer than a reservation lives; its own is renewed until it ends.
      holdWhileRunning([reserved.reservationIds[index]], () => streamingMessageIds(turn.conversation.id).includes(answer.id));
    }
    return started;
  } catch (error) {
    // Answers already started free their own reservation when they end.
    await Promise.all(reserved.reservationIds.slice(started.length).map((id) => releaseReservation(id)));
    throw error;
  }
}

function leadingChunks(turn: CommittedTurn, comparing: boolean): UIMessageChunk[] {
  // A comparison answers with JSON that names the conversation; a single stream says it first.
  if (comparing || !turn.created) return [];
  return [{ type: "data-conversation", data: { id: turn.conversation.id, title: turn.conversation.title }, transient: true }];
}
