import { createUIMessageStreamResponse } from "ai";
import { requireUser } from "@/lib/auth";
import { enforceChatRateLimit, readChatRequest } from "@/lib/chat/request";
import { chooseUpstreams, commitAnswers, reserveAnswers, startAnswers } from "@/lib/chat/start";
import { assertNotStreamingElsewhere, attachStream } from "@/lib/chat/streams";
import { planTurn } from "@/lib/chat/turn";
import type { CompareStarted } from "@/lib/chat/types";
import { rememberRecentModel } from "@/lib/db/preferences";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { assertSameOrigin, json, route } from "@/lib/http";
import { log } from "@/lib/log";
import { requireModel } from "@/lib/openrouter/catalog";

export const dynamic = "force-dynamic";

/**
 * A turn: a new message, an edit or a regenerate answered by `model` (the answer streams back),
 * or a new message answered by each of `models` at once (a comparison: the answer is JSON naming
 * each column's message, and each column streams from /api/chat/{id}/stream?message=…).
 */
export const POST = route(async (request) => {
  const user = await requireUser();
  assertSameOrigin(request);
  const body = await readChatRequest(request);
  await enforceChatRateLimit(user.id);
  const models = await Promise.all((body.models ?? [body.model]).map((id) => requireModel(id)));
  await assertNotStreamingElsewhere(body.id, user.id);
  const planned = await planTurn(user, body);
  const upstreams = await chooseUpstreams(user, models, planned, body);
  const reserved = await reserveAnswers(user, upstreams);
  const committed = await commitAnswers(user, reserved, body);
  const answers = await startAnswers(user, reserved, committed);
  const { turn, group } = committed;
  const { plan } = reserved;

  // Nothing before the first token needs the recent-models list, and it is not worth failing a
  // chat for (its row lock queues under load): it is updated while the answer streams.
  void (async () => {
    for (const model of models) await rememberRecentModel(user.id, getEnv().SWITCHBOARD_DEFAULT_MODEL, model.id);
  })().catch((error: unknown) =>
    log().warn({ error: error instanceof Error ? error.message.split("\n")[0] : String(error) }, "could not update the recent models"),
  );

  if (group && plan.userMessage) {
    const started: CompareStarted = {
      conversation: { id: turn.conversation.id, title: turn.conversation.title, created: turn.created },
      questionId: plan.userMessage.id,
      group,
      columns: answers.map((a) => ({ messageId: a.messageId, model: a.model })),
    };
    return json(started, { status: 201 });
  }
  const stream = attachStream(answers[0].streamKey, user.id);
  if (!stream) throw new AppError("internal:chat", "The answer could not be started.");
  return createUIMessageStreamResponse({ stream });
});
