import { createUIMessageStreamResponse, generateId } from "ai";
import { requireUser } from "@/lib/auth";
import { startAnswer } from "@/lib/chat/answer";
import { generateTitleInBackground } from "@/lib/chat/title";
import { historyTexts } from "@/lib/chat/history";
import { enforceChatRateLimit, prepareUpstream, readChatRequest, worstCaseForChoices } from "@/lib/chat/request";
import { assertNotStreamingElsewhere, attachStream } from "@/lib/chat/streams";
import { commitTurn, planTurn } from "@/lib/chat/turn";
import type { ChatUIMessage } from "@/lib/chat/types";
import { bindAttachments } from "@/lib/attachments/store";
import { rememberRecentModel } from "@/lib/db/preferences";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { assertSameOrigin, route } from "@/lib/http";
import { log } from "@/lib/log";
import { getCatalog, requireModel } from "@/lib/openrouter/catalog";
import { estimatePromptTokens, releaseReservation, reserveBudget } from "@/lib/spend/budget";

export const dynamic = "force-dynamic";

const textOf = (message: ChatUIMessage) => message.parts.map((p) => (p.type === "text" ? p.text : "")).join(" ");

export const POST = route(async (request) => {
  const user = await requireUser();
  assertSameOrigin(request);
  const body = await readChatRequest(request);
  await enforceChatRateLimit(user.id);
  const model = await requireModel(body.model);
  await assertNotStreamingElsewhere(body.id, user.id);
  const { plan, choices, attachmentIds } = await prepareUpstream(user.id, model, await planTurn(user, body), body);

  const promptTokens = estimatePromptTokens([plan.settings.systemPrompt ?? "", ...historyTexts(plan.history)]);
  const worstCase = worstCaseForChoices(model, choices, promptTokens, plan.settings.maxTokens, (await getCatalog()).models);
  const { reservationId } = await reserveBudget(user.id, worstCase);
  try {
    const turn = await commitTurn(user, plan, { model: model.id, assistantMessageId: generateId(), settings: body.settings });
    await bindAttachments(user.id, turn.conversation.id, attachmentIds);
    await startAnswer({
      user,
      conversationId: turn.conversation.id,
      model,
      settings: plan.settings,
      history: plan.history,
      assistantMessageId: turn.assistantMessageId,
      reservationId,
      upstream: choices,
      // The first exchange gets a generated title (the first words stand in until then).
      afterSave:
        plan.isFirstExchange && plan.userMessage
          ? () => void generateTitleInBackground({ userId: user.id, conversationId: turn.conversation.id, firstUserText: textOf(plan.userMessage!) })
          : undefined,
      leadingChunks: turn.created
        ? [{ type: "data-conversation", data: { id: turn.conversation.id, title: turn.conversation.title }, transient: true }]
        : [],
    });
  } catch (error) {
    await releaseReservation(reservationId);
    throw error;
  }

  const stream = attachStream(plan.conversationId, user.id);
  if (!stream) throw new AppError("internal:chat", "The answer could not be started.");
  // Nothing before the first token needs the recent-models list, and it is not worth failing a
  // chat for (its row lock queues under load): it is updated while the answer streams.
  void rememberRecentModel(user.id, getEnv().SWITCHBOARD_DEFAULT_MODEL, model.id).catch((error: unknown) =>
    log().warn({ error: error instanceof Error ? error.message.split("\n")[0] : String(error) }, "could not update the recent models"),
  );
  return createUIMessageStreamResponse({ stream });
});
