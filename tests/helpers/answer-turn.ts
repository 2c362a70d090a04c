import { generateId, type UIMessageChunk } from "ai";
import type { SessionUser } from "@/lib/auth";
import type { ChatRequest } from "@/lib/chat/types";

// One chat turn through the real composition, as the chat route runs it without its HTTP layer:
// plan → commit → startAnswer against the configured upstream, its stream read to the end, then the
// saved answer read back once the stream is no longer registered. Modules are imported when called,
// after a test file has set its environment (database, upstream).

export type AnsweredTurn = {
  conversationId: string;
  assistantMessageId: string;
  /** Every chunk the answer's stream carried. */
  chunks: UIMessageChunk[];
  answer: Awaited<ReturnType<typeof import("@/lib/db/messages").listMessages>>[number];
};

/** A user message of plain text in a new or given conversation. */
export function textTurn(text: string, options: { model: string; id?: string; settings?: ChatRequest["settings"] }): ChatRequest {
  return {
    trigger: "submit-message",
    id: options.id ?? generateId(),
    model: options.model,
    ...(options.settings ? { settings: options.settings } : {}),
    message: { id: generateId(), role: "user", parts: [{ type: "text", text }] },
  };
}

/** Runs the turn to its saved answer; `onChunk` sees each chunk as it is read (e.g. to stop the answer). */
export async function answerTurn(
  user: SessionUser,
  body: ChatRequest,
  onChunk?: (chunk: UIMessageChunk, conversationId: string) => void,
): Promise<AnsweredTurn> {
  const { planTurn, commitTurn } = await import("@/lib/chat/turn");
  const { startAnswer } = await import("@/lib/chat/answer");
  const { attachStream, isStreaming } = await import("@/lib/chat/streams");
  const { requireModel } = await import("@/lib/openrouter/catalog");
  const { listMessages } = await import("@/lib/db/messages");
  const model = await requireModel(body.model);
  const plan = await planTurn(user, body);
  const assistantMessageId = generateId();
  const turn = await commitTurn(user, plan, { model: model.id, answers: [{ id: assistantMessageId, model: model.id }] });
  const conversationId = turn.conversation.id;
  await startAnswer({ user, conversationId, model, settings: plan.settings, history: plan.history, assistantMessageId, reservationId: null });
  const reader = attachStream(conversationId, user.id)!.getReader();
  const chunks: UIMessageChunk[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    onChunk?.(value, conversationId);
  }
  // The save runs after the stream's last chunk: wait until the answer is no longer registered.
  for (let i = 0; i < 200 && isStreaming(conversationId); i++) await new Promise((r) => setTimeout(r, 25));
  await new Promise((r) => setTimeout(r, 50));
  const answer = (await listMessages(user.id, conversationId)).find((m) => m.id === assistantMessageId)!;
  return { conversationId, assistantMessageId, chunks, answer };
}
