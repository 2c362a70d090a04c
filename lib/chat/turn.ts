import "server-only";
import type { SessionUser } from "@/lib/auth";
import type { ChatRequest, ChatUIMessage, ConversationSettings } from "@/lib/chat/types";
import { findConversationForTurn, settingsOf, type ConversationRow } from "@/lib/db/conversations";
import { listMessages, toUIMessage } from "@/lib/db/messages";
import { appendTurn, insertConversationTurn, type TurnMessage } from "@/lib/db/turns";
import { AppError } from "@/lib/errors";
import { isStreaming } from "./streams";

// One turn of a conversation, in two halves: `planTurn` reads and decides (nothing is
// written, so a refusal — budget, conflict — changes nothing), `commitTurn` writes the
// user's message and the placeholder for the answer before the upstream is called, in one
// statement (lib/db/turns.ts).

export type TurnPlan = {
  conversation: ConversationRow | null;
  conversationId: string;
  settings: ConversationSettings;
  /** Messages the model will see, the new user message last. */
  history: ChatUIMessage[];
  /** The saved position where the kept messages end: everything from here on is replaced. */
  replaceFrom: number | null;
  userMessage: ChatUIMessage | null;
  isFirstExchange: boolean;
};

export async function planTurn(user: SessionUser, request: ChatRequest): Promise<TurnPlan> {
  const { conversation, idTaken } = await findConversationForTurn(user.id, request.id);
  if (!conversation && idTaken) {
    throw new AppError("not_found:conversation", "Conversation not found.");
  }
  if (conversation && isStreaming(conversation.id)) {
    throw new AppError("conflict:chat", "An answer is still being written in this conversation. Stop it or wait for it to finish.");
  }
  const rows = conversation ? await listMessages(user.id, conversation.id) : [];
  const saved = rows.map(toUIMessage);
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
      replaceFrom: rows[target].position,
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
    replaceFrom = rows[index].position;
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

/**
 * Writes the turn: the conversation when it is new, the user's message, the answer's
 * placeholder, and the model (and settings, when the request carries them) the conversation
 * continues with — all in one statement, so a refusal or a crash leaves nothing half written.
 */
export async function commitTurn(
  user: SessionUser,
  plan: TurnPlan,
  input: { model: string; assistantMessageId: string; settings?: ConversationSettings },
): Promise<CommittedTurn> {
  const now = new Date().toISOString();
  const messages: TurnMessage[] = [];
  if (plan.userMessage) {
    messages.push({ id: plan.userMessage.id, role: "user", parts: plan.userMessage.parts, model: null, status: "complete", metadata: { createdAt: now } });
  }
  messages.push({
    id: input.assistantMessageId,
    role: "assistant",
    parts: [],
    model: input.model,
    status: "partial",
    metadata: { model: input.model, status: "streaming", createdAt: now },
  });

  if (!plan.conversation) {
    const { conversation, lastPosition } = await insertConversationTurn(
      user.id,
      {
        id: plan.conversationId,
        model: input.model,
        settings: plan.settings,
        title: plan.userMessage ? fallbackTitle(plan.userMessage) : "New chat",
      },
      messages,
    );
    return { conversation, created: true, assistantMessageId: input.assistantMessageId, assistantPosition: lastPosition };
  }
  const { lastPosition } = await appendTurn(
    user.id,
    plan.conversation.id,
    { model: input.model, settings: input.settings, replaceFrom: plan.replaceFrom },
    messages,
  );
  return { conversation: plan.conversation, created: false, assistantMessageId: input.assistantMessageId, assistantPosition: lastPosition };
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
