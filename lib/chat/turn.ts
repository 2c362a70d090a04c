import "server-only";
import type { SessionUser } from "@/lib/auth";
import type { ChatMessageMetadata, ChatRequest, ChatUIMessage, ConversationSettings } from "@/lib/chat/types";
import { findConversationForTurn, settingsOf, type ConversationRow } from "@/lib/db/conversations";
import { listAllMessages, toUIMessage, type StoredMessage } from "@/lib/db/messages";
import { addAlternative, appendTurn, insertConversationTurn, reopenAnswer, type TurnMessage } from "@/lib/db/turns";
import { AppError, conversationNotFound } from "@/lib/errors";
import { textOfParts } from "@/lib/message-text";
import { answerApprovals } from "./approvals";
import { streamingMessageIds } from "./streams";

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
  /** Regenerate: the position of the answer that gets a new alternative (nothing is replaced). */
  alternativeAt: number | null;
  /** Regenerating one column of a comparison: the new answer takes its place in the columns. */
  compare: ChatMessageMetadata["compare"] | null;
  userMessage: ChatUIMessage | null;
  isFirstExchange: boolean;
  /**
   * Tool approval: the answer that goes on once its waiting tool calls are answered — its parts
   * as saved (the write checks they are unchanged) and with the user's answers.
   */
  continued: { messageId: string; savedParts: ChatUIMessage["parts"]; parts: ChatUIMessage["parts"]; metadata: ChatMessageMetadata } | null;
};

export async function planTurn(user: SessionUser, request: ChatRequest): Promise<TurnPlan> {
  const { conversation, idTaken } = await findConversationForTurn(user.id, request.id);
  if (!conversation && idTaken) throw conversationNotFound();
  const all = conversation ? await listAllMessages(user.id, conversation.id) : [];
  const rows = all.filter((m) => m.shown);
  const saved = rows.map(toUIMessage);
  const settings = request.settings ?? (conversation ? settingsOf(conversation) : {});
  const target =
    request.trigger === "regenerate-message"
      ? request.messageId
        ? all.find((m) => m.id === request.messageId)
        : rows.findLast((m) => m.role === "assistant")
      : undefined;
  if (conversation) assertNothingStreaming(conversation.id, target, all);

  if (request.trigger === "tool-approval") return planContinuation(conversation, rows, settings, request);

  if (request.trigger === "regenerate-message") {
    if (!target || target.role !== "assistant") throw new AppError("not_found:message", "There is no answer to regenerate.");
    if (target.position !== rows.at(-1)?.position) {
      throw new AppError("bad_request:chat", "Only the last answer can be regenerated: the messages after it follow from it.");
    }
    const history = saved.filter((_, i) => rows[i].position < target.position);
    if (history.at(-1)?.role !== "user") throw new AppError("bad_request:chat", "Only an answer to a message can be regenerated.");
    const compare = toUIMessage(target).metadata?.compare;
    return {
      conversation,
      conversationId: request.id,
      settings,
      history,
      replaceFrom: null,
      alternativeAt: target.position,
      compare: compare ? { group: compare.group, column: compare.column } : null,
      userMessage: null,
      isFirstExchange: history.length <= 1,
      continued: null,
    };
  }

  if (!request.message) throw new AppError("bad_request:chat", "message: a message is required to send.");
  if (request.models && request.messageId) throw new AppError("bad_request:chat", "models: an edited message is answered by one model.");
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
    alternativeAt: null,
    compare: null,
    userMessage,
    isFirstExchange: kept.length === 0,
    continued: null,
  };
}

/** The conversation's last answer, going on after the user answered its tool calls' approval requests. */
function planContinuation(
  conversation: ConversationRow | null,
  rows: StoredMessage[],
  settings: ConversationSettings,
  request: ChatRequest,
): TurnPlan {
  const index = rows.findIndex((m) => m.id === request.messageId);
  const target = rows[index];
  if (!conversation || !target || target.role !== "assistant")
    throw new AppError("not_found:message", "There is no answer with tool calls to approve.");
  if (request.message || request.models || request.attachments) {
    throw new AppError("bad_request:chat", "A tool approval carries the answers to the approval requests only.");
  }
  if (index !== rows.length - 1) throw new AppError("conflict:message", "Only the last answer's tool calls can be approved.");
  const saved = rows.map(toUIMessage);
  const answer = saved[index];
  const parts = answerApprovals(answer.parts, request.approvals ?? []);
  return {
    conversation,
    conversationId: conversation.id,
    settings,
    history: [...saved.slice(0, index), { ...answer, parts }],
    replaceFrom: null,
    alternativeAt: null,
    compare: null,
    userMessage: null,
    isFirstExchange: false,
    continued: { messageId: answer.id, savedParts: answer.parts, parts, metadata: answer.metadata ?? {} },
  };
}

/**
 * Refuses a turn while an answer is being written in the conversation here — except a retry of
 * one column of a comparison while the other columns still stream.
 */
function assertNothingStreaming(conversationId: string, target: StoredMessage | undefined, all: StoredMessage[]): void {
  const streaming = streamingMessageIds(conversationId);
  if (streaming.length === 0) return;
  const isColumn = (m: StoredMessage | undefined) => Boolean(m && toUIMessage(m).metadata?.compare);
  const siblings = new Set(all.filter((m) => target && m.position === target.position && isColumn(m)).map((m) => m.id));
  if (isColumn(target) && target && !streaming.includes(target.id) && streaming.every((id) => siblings.has(id))) return;
  throw new AppError("conflict:chat", "An answer is still being written in this conversation. Stop it or wait for it to finish.");
}

export type CommittedTurn = {
  conversation: ConversationRow;
  created: boolean;
};

/** One answer of the turn: its id, the model asked, and its column when comparing. */
export type PlannedAnswer = { id: string; model: string; compare?: ChatMessageMetadata["compare"] };

/**
 * Writes the turn: the conversation when it is new, the user's message, the answers'
 * placeholders (one, or one per compared model), and the model (and settings, when the request
 * carries them) the conversation continues with — all in one statement, so a refusal or a crash
 * leaves nothing half written. A regenerated answer is added as a new alternative of its turn.
 */
export async function commitTurn(
  user: SessionUser,
  plan: TurnPlan,
  input: { model: string; answers: PlannedAnswer[]; settings?: ConversationSettings },
): Promise<CommittedTurn> {
  if (plan.continued && plan.conversation) {
    const { continued } = plan;
    await reopenAnswer(
      user.id,
      plan.conversation.id,
      continued.messageId,
      { model: input.model, settings: input.settings },
      {
        savedParts: continued.savedParts,
        parts: continued.parts,
        metadata: { ...continued.metadata, status: "streaming" },
      },
    );
    return { conversation: plan.conversation, created: false };
  }
  const now = new Date().toISOString();
  const messages: TurnMessage[] = [];
  if (plan.userMessage) {
    messages.push({
      id: plan.userMessage.id,
      offset: 0,
      variant: 0,
      shown: true,
      role: "user",
      parts: plan.userMessage.parts,
      model: null,
      status: "complete",
      metadata: { createdAt: now },
    });
  }
  const offset = messages.length;
  input.answers.forEach((answer, variant) =>
    messages.push({
      id: answer.id,
      offset,
      variant,
      // The first column is shown until the user keeps one: the conversation continues from it.
      shown: variant === 0,
      role: "assistant",
      parts: [],
      model: answer.model,
      status: "streaming",
      // The status column is the truth; the metadata's copy is what the browser reads.
      metadata: { model: answer.model, status: "streaming", createdAt: now, ...(answer.compare ? { compare: answer.compare } : {}) },
    }),
  );

  if (plan.alternativeAt !== null && plan.conversation) {
    const [answer] = messages;
    await addAlternative(user.id, plan.conversation.id, plan.alternativeAt, { model: input.model, settings: input.settings }, answer);
    return { conversation: plan.conversation, created: false };
  }
  if (!plan.conversation) {
    const { conversation } = await insertConversationTurn(
      user.id,
      {
        id: plan.conversationId,
        model: input.model,
        settings: plan.settings,
        title: plan.userMessage ? fallbackTitle(plan.userMessage) : "New chat",
      },
      messages,
    );
    return { conversation, created: true };
  }
  await appendTurn(user.id, plan.conversation.id, { model: input.model, settings: input.settings, replaceFrom: plan.replaceFrom }, messages);
  return { conversation: plan.conversation, created: false };
}

/** Until a title is generated: the first words of the first message. */
export function fallbackTitle(message: ChatUIMessage): string {
  const text = textOfParts(message.parts).replace(/\s+/g, " ").trim();
  if (!text) return "New chat";
  return text.length > 60 ? `${text.slice(0, 57).trimEnd()}…` : text;
}
