"use client";

// The streaming engine of a conversation: the AI SDK's Chat, its HTTP transport and the component
// that follows its state (engine-state.ts). Loaded on demand by load-engine.ts (the AI SDK and its zod schemas are a large part of the chat's
// JavaScript): a page that is only read never fetches it.
import { Chat } from "@ai-sdk/react";
import { DefaultChatTransport, isToolUIPart, type ChatInit } from "ai";
import { attachmentIdOf } from "@/lib/attachments/types";
import type { ChatRequest, ChatUIMessage } from "@/lib/chat/types";
import { EngineState } from "./engine-state";

export { EngineState, type EngineSnapshot } from "./engine-state";

/** What each request carries besides the message: the model and settings of the moment. */
export type RequestBody = {
  model: string;
  settings: NonNullable<ChatRequest["settings"]>;
  /** Search the web for this message (the composer's per-message toggle). */
  webSearch?: boolean;
};

function isRequestBody(value: unknown): value is RequestBody {
  return !!value && typeof value === "object" && typeof (value as RequestBody).model === "string";
}

/** The last user message as the server's schema wants it: id, role and text parts only. */
function wireMessage(message: ChatUIMessage | undefined): ChatRequest["message"] {
  if (!message || message.role !== "user") return undefined;
  const parts = message.parts.flatMap((part) => (part.type === "text" ? [{ type: "text" as const, text: part.text }] : []));
  return parts.length > 0 ? { id: message.id, role: "user", parts } : undefined;
}

/** The uploaded attachments a new message carries: the ids in its file parts' urls. */
function wireAttachments(message: ChatUIMessage | undefined): string[] {
  if (!message || message.role !== "user") return [];
  return message.parts.flatMap((part) => {
    const id = part.type === "file" ? attachmentIdOf(part.url) : null;
    return id ? [id] : [];
  });
}

/** The answers to an answer's approval requests, as the user gave them (the SDK's `addToolApprovalResponse`). */
function approvalAnswers(message: ChatUIMessage): NonNullable<ChatRequest["approvals"]> {
  return message.parts.flatMap((part) =>
    isToolUIPart(part) && part.state === "approval-responded"
      ? [{ id: part.approval.id, approved: part.approval.approved, ...(part.approval.reason ? { reason: part.approval.reason } : {}) }]
      : [],
  );
}

function createTransport() {
  return new DefaultChatTransport<ChatUIMessage>({
    api: "/api/chat",
    // Only the new message, never the history: the server loads that itself.
    prepareSendMessagesRequest: ({ id, messages, trigger, messageId, body: extra }) => {
      if (!isRequestBody(extra)) throw new Error("A chat request needs a model.");
      const last = messages[messages.length - 1];
      // The user answered the answer's tool approval requests: it goes on (the server runs the approved calls).
      const approvals = last?.role === "assistant" && trigger === "submit-message" ? approvalAnswers(last) : [];
      if (last && approvals.length > 0) {
        const body: ChatRequest = { id, trigger: "tool-approval", messageId: last.id, model: extra.model, settings: extra.settings, approvals };
        return { body };
      }
      const message = trigger === "submit-message" ? wireMessage(last) : undefined;
      // A sent or edited message brings its attachments (regenerating brings none).
      const attachments = message ? wireAttachments(last) : [];
      const body: ChatRequest = {
        id,
        ...(message ? { message } : {}),
        trigger,
        ...(messageId ? { messageId } : {}),
        model: extra.model,
        settings: extra.settings,
        ...(attachments.length > 0 ? { attachments } : {}),
        ...(extra.webSearch ? { webSearch: true } : {}),
      };
      return { body };
    },
    prepareReconnectToStreamRequest: ({ id }) => ({ api: `/api/chat/${encodeURIComponent(id)}/stream` }),
  });
}

export type ChatEngine = Chat<ChatUIMessage>;
/** An engine with the component that reports its state (both from this lazily loaded chunk). */
export type LoadedEngine = { chat: ChatEngine; EngineState: typeof EngineState };
export type ChatEngineInit = Pick<ChatInit<ChatUIMessage>, "id" | "messages" | "onData" | "onFinish">;

export function createChatEngine(init: ChatEngineInit): ChatEngine {
  return new Chat<ChatUIMessage>({ ...init, transport: createTransport() });
}

/**
 * One column of a comparison: resumes its answer's stream (`/api/chat/{id}/stream?message=…`), and
 * a retry asks the server for a new answer in its place (a regenerate of that message).
 */
export function createColumnEngine(init: {
  conversationId: string;
  message: ChatUIMessage;
  onFinish: ChatInit<ChatUIMessage>["onFinish"];
}): ChatEngine {
  const conversation = encodeURIComponent(init.conversationId);
  const transport = new DefaultChatTransport<ChatUIMessage>({
    api: "/api/chat",
    prepareSendMessagesRequest: ({ messageId, body: extra }) => {
      if (!isRequestBody(extra) || !messageId) throw new Error("A retry needs the column's model and message.");
      const body: ChatRequest = { id: init.conversationId, trigger: "regenerate-message", messageId, model: extra.model, settings: extra.settings };
      return { body };
    },
    prepareReconnectToStreamRequest: () => ({ api: `/api/chat/${conversation}/stream?message=${encodeURIComponent(init.message.id)}` }),
  });
  return new Chat<ChatUIMessage>({ id: init.message.id, messages: [init.message], onFinish: init.onFinish, transport });
}
