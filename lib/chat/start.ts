import "server-only";
import { generateId, type UIMessageChunk } from "ai";
import type { SessionUser } from "@/lib/auth";
import { bindAttachments } from "@/lib/attachments/store";
import { getCatalog } from "@/lib/openrouter/catalog";
import type { ModelSummary } from "@/lib/openrouter/types";
import { estimatePromptTokens, releaseReservation, reserveBudgets } from "@/lib/spend/budget";
import { startAnswer } from "./answer";
import { historyTexts } from "./history";
import { textOfParts } from "./message-text";
import { attachToTurn, upstreamChoices, worstCaseForChoices } from "./request";
import type { UpstreamChoices } from "./routing";
import { columnStreamKey } from "./streams";
import { generateTitleInBackground } from "./title";
import { commitTurn, type CommittedTurn, type PlannedAnswer, type TurnPlan } from "./turn";
import type { ChatMessageMetadata, ChatRequest } from "./types";

// Starting a turn's answers, after the request is read and the turn planned: the upstream
// choices per model, the budget held for every answer before anything is written or sent, the
// turn written, then each answer started. One model (a message, a regenerate) or several (a
// comparison: one answer per model, each its own stream, Usage rows and reservation).

export type StartedAnswer = { messageId: string; model: string; streamKey: string };

export async function startTurn(
  user: SessionUser,
  models: ModelSummary[],
  planned: TurnPlan,
  body: ChatRequest,
): Promise<{ turn: CommittedTurn; plan: TurnPlan; answers: StartedAnswer[]; group: string | null }> {
  // The attachments once, then each model's upstream choices (and the check that it can read them).
  const { plan, attachmentIds } = await attachToTurn(user.id, planned, body);
  const prepared: { model: ModelSummary; choices: UpstreamChoices }[] = [];
  for (const model of models) prepared.push({ model, choices: await upstreamChoices(user.id, model, plan, body) });

  const promptTokens = estimatePromptTokens([plan.settings.systemPrompt ?? "", ...historyTexts(plan.history)]);
  const catalog = (await getCatalog()).models;
  const worstCases = prepared.map(({ model, choices }) => worstCaseForChoices(model, choices, promptTokens, plan.settings.maxTokens, catalog));
  // Every answer's worst case is held before anything is written or sent; a refusal refuses all.
  const { reservationIds } = await reserveBudgets(user.id, worstCases);

  const comparing = models.length > 1;
  const group = comparing ? generateId() : null;
  const answers: (PlannedAnswer & { compare: ChatMessageMetadata["compare"] })[] = models.map((model, column) => ({
    id: generateId(),
    model: model.id,
    compare: group ? { group, column } : (plan.compare ?? undefined),
  }));
  const started: StartedAnswer[] = [];
  try {
    // A comparison leaves the conversation's model as it was until one answer is kept.
    const conversationModel = comparing ? (plan.conversation?.model ?? models[0].id) : models[0].id;
    const turn = await commitTurn(user, plan, { model: conversationModel, answers, settings: body.settings });
    await bindAttachments(user.id, turn.conversation.id, attachmentIds);
    const firstUserText = plan.isFirstExchange && plan.userMessage ? textOfParts(plan.userMessage.parts) : null;
    for (const [index, answer] of answers.entries()) {
      const { model, choices } = prepared[index];
      const streamKey = answer.compare ? columnStreamKey(turn.conversation.id, answer.id) : turn.conversation.id;
      await startAnswer({
        user,
        conversationId: turn.conversation.id,
        model,
        settings: plan.settings,
        history: plan.history,
        assistantMessageId: answer.id,
        reservationId: reservationIds[index],
        upstream: choices,
        streamKey,
        compare: answer.compare,
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
    }
    return { turn, plan, answers: started, group };
  } catch (error) {
    // Answers already started free their own reservation when they end.
    await Promise.all(reservationIds.slice(started.length).map((id) => releaseReservation(id)));
    throw error;
  }
}

function leadingChunks(turn: CommittedTurn, comparing: boolean): UIMessageChunk[] {
  // A comparison answers with JSON that names the conversation; a single stream says it first.
  if (comparing || !turn.created) return [];
  return [{ type: "data-conversation", data: { id: turn.conversation.id, title: turn.conversation.title }, transient: true }];
}
