import "server-only";
import type { SessionUser } from "@/lib/auth";
import type { ChatRequest, ChatUIMessage, ConversationSettings } from "@/lib/chat/types";
import {
  conversationIdTaken,
  createConversation,
  findOwnedConversation,
  settingsOf,
  type ConversationRow,
} from "@/lib/db/conversations";
import { isUniqueViolation } from "@/lib/db/errors";
import { deleteMessagesFrom, insertMessage, listMessages, nextPosition, toUIMessage } from "@/lib/db/messages";
import { AppError } from "@/lib/errors";
import { isStreaming } from "./streams";

// One turn of a conversation, in two halves: `planTurn` reads and decides (nothing is
// written, so a refusal — budget, conflict — changes nothing), `commitTurn` writes the
// user's message and the placeholder for the answer before the upstream is called.

export type TurnPlan = {
  conversation: ConversationRow | null;
  conversationId: string;
  settings: ConversationSettings;
  /** Messages the model will see, the new user message last. */
  history: ChatUIMessage[];
  /** Where the kept messages end: everything from here on is replaced. */
  replaceFrom: number | null;
  userMessage: ChatUIMessage | null;
  isFirstExchange: boolean;
};

export async function planTurn(user: SessionUser, request: ChatRequest): Promise<TurnPlan> {
  const conversation = await findOwnedConversation(user.id, request.id);
  if (!conversation && (await conversationIdTaken(request.id))) {
    throw new AppError("not_found:conversation", "Conversation not found.");
  }
  if (conversation && isStreaming(conversation.id)) {
    throw new AppError("conflict:chat", "An answer is still being written in this conversation. Stop it or wait for it to finish.");
  }
  const saved = conversation ? (await listMessages(user.id, conversation.id)).map(toUIMessage) : [];
  const settings = request.settings ?? (conversation ? settingsOf(conversation) : {});

  if (request.trigger === "regenerate-message") {
    const target = request.messageId
      ? saved.findIndex((m) => m.id === request.messageId)
      : saved.findLastIndex((m) => m.role === "assistant");
    if (target < 0 || saved[target].role !== "assistant") {
      throw new AppError("not_found:message", "There is no answer to regenerate.");
    }
    const history = saved.slice(0, target);
    if (history.at(-1)?.role !== "user") throw new AppError("bad_request:chat", "Only an answer to a message can be regenerated.");
    return {
      conversation,
      conversationId: request.id,
      settings,
      history,
      replaceFrom: target,
      userMessage: null,
      isFirstExchange: target <= 1,
    };
  }

  if (!request.message) throw new AppError("bad_request:chat", "message: a message is required to send.");
  const userMessage: ChatUIMessage = {
    id: request.message.id,
    role: "user",
    parts: request.message.parts.map((p) => ({ type: "text" as const, text: p.text })),
  };
  let replaceFrom: number | null = null;
  let kept = saved;
  if (request.messageId) {
    // Edit and resend: the edited message and everything after it are replaced.
    const index = saved.findIndex((m) => m.id === request.messageId);
    if (index < 0 || saved[index].role !== "user") throw new AppError("not_found:message", "The message to edit was not found.");
    replaceFrom = index;
    kept = saved.slice(0, index);
  } else if (saved.some((m) => m.id === userMessage.id)) {
    throw new AppError("conflict:message", "This message was already sent.");
  }
  return {
    conversation,
    conversationId: request.id,
    settings,
    history: [...kept, userMessage],
    replaceFrom,
    userMessage,
    isFirstExchange: kept.length === 0,
  };
}

export type CommittedTurn = {
  conversation: ConversationRow;
  created: boolean;
  assistantMessageId: string;
  assistantPosition: number;
};

export async function commitTurn(
  user: SessionUser,
  plan: TurnPlan,
  input: { model: string; assistantMessageId: string },
): Promise<CommittedTurn> {
  let conversation = plan.conversation;
  let created = false;
  if (!conversation) {
    conversation = await createConversation(user.id, {
      id: plan.conversationId,
      model: input.model,
      settings: plan.settings,
      title: plan.userMessage ? fallbackTitle(plan.userMessage) : undefined,
    });
    created = true;
  }
  if (plan.replaceFrom !== null) {
    // Positions are the saved order; replacing from index N means from that message's slot.
    const saved = await listMessages(user.id, conversation.id);
    const from = saved[plan.replaceFrom]?.position;
    if (from !== undefined) await deleteMessagesFrom(user.id, conversation.id, from);
  }
  let position = await nextPosition(conversation.id);
  if (plan.userMessage) {
    try {
      await insertMessage({
        id: plan.userMessage.id,
        conversationId: conversation.id,
        position,
        role: "user",
        parts: plan.userMessage.parts,
        status: "complete",
        metadata: { createdAt: new Date().toISOString() },
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new AppError("conflict:message", "This message was already sent.");
      throw error;
    }
    position += 1;
  }
  await insertMessage({
    id: input.assistantMessageId,
    conversationId: conversation.id,
    position,
    role: "assistant",
    parts: [],
    model: input.model,
    status: "partial",
    metadata: { model: input.model, status: "streaming", createdAt: new Date().toISOString() },
  });
  return { conversation, created, assistantMessageId: input.assistantMessageId, assistantPosition: position };
}

/** Until a title is generated: the first words of the first message. */
export function fallbackTitle(message: ChatUIMessage): string {
  const text = message.parts
    .map((p) => (p.type === "text" ? p.text : ""))
    .join(" ")
    .replace(/\s+/g, " ")
    .trim();
  if (!text) return "New chat";
  return text.length > 60 ? `${text.slice(0, 57).trimEnd()}…` : text;
}
