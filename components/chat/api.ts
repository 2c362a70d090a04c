"use client";

// The conversation API from the browser: every request the chat page makes, except the answer
// streams themselves, which the AI SDK's transport makes (engine/chat-engine.ts). Components call
// the store's actions; the actions call these. A refusal comes back as an Error whose message is
// the response's body (chat-error.tsx turns it into a sentence).
import type { AttachmentInfo, UploadResponse } from "@/lib/attachments/types";
import type { ChatRequest, CompareStarted, ConversationSettings } from "@/lib/chat/types";
import type { ToolsMenu } from "@/lib/mcp/types";
import { describeUploadError } from "./chat-error";

const JSON_HEADERS = { "content-type": "application/json" };

function conversationPath(id: string): string {
  return `/api/conversations/${encodeURIComponent(id)}`;
}

/**
 * Saves the conversation's model and settings. A conversation that does not exist yet (404) is
 * not an error: the next message creates it with these values. Offline, neither: the next
 * message carries them anyway.
 */
export async function saveConversationSettings(id: string, body: { model?: string; settings?: ConversationSettings }): Promise<void> {
  let response: Response;
  try {
    response = await fetch(conversationPath(id), { method: "PATCH", headers: JSON_HEADERS, body: JSON.stringify(body) });
  } catch {
    return;
  }
  if (!response.ok && response.status !== 404 && response.status !== 405) throw new Error(await response.text());
}

/** The conversation's title as saved, or null when it cannot be read right now. */
export async function fetchConversationTitle(id: string): Promise<string | null> {
  try {
    const response = await fetch(conversationPath(id), { headers: { accept: "application/json" } });
    if (!response.ok) return null;
    const body = (await response.json()) as { conversation?: { title?: unknown } };
    const title = body.conversation?.title;
    return typeof title === "string" && title ? title : null;
  } catch {
    return null;
  }
}

/** Sends one message to several models: the server writes the turn and names each column's answer. */
export async function startComparison(body: ChatRequest): Promise<CompareStarted> {
  const response = await fetch("/api/chat", { method: "POST", headers: JSON_HEADERS, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(await response.text());
  return (await response.json()) as CompareStarted;
}

/** Tells the server which answer of a turn the conversation continues from (`keep`: and with its model). */
export async function saveShownAnswer(conversationId: string, messageId: string, keep: boolean): Promise<void> {
  const response = await fetch(`${conversationPath(conversationId)}/alternatives`, {
    method: "POST",
    headers: JSON_HEADERS,
    body: JSON.stringify({ messageId, keep }),
  });
  if (!response.ok) throw new Error(await response.text());
}

/**
 * Stops the conversation's answers on the server (or, given `messageId`, that one compared
 * column). Resolves once the partial answer is saved; never rejects (the local stream ends anyway).
 */
export async function stopOnServer(conversationId: string, messageId?: string): Promise<void> {
  const query = messageId ? `?message=${encodeURIComponent(messageId)}` : "";
  await fetch(`/api/chat/${encodeURIComponent(conversationId)}/stop${query}`, { method: "POST" }).catch(() => {});
}

/** Uploads one attachment; the error's message is a sentence for the composer. */
export async function uploadAttachment(file: File, signal: AbortSignal): Promise<AttachmentInfo> {
  const form = new FormData();
  form.append("file", file, file.name);
  let response: Response;
  try {
    response = await fetch("/api/attachments", { method: "POST", body: form, signal });
  } catch (error) {
    if (signal.aborted) throw error;
    throw new Error("Could not reach Switchboard. Check your connection and try again.");
  }
  const body = await response.text();
  if (!response.ok) throw new Error(describeUploadError(response.status, body));
  const stored = (JSON.parse(body) as UploadResponse).attachments[0];
  if (!stored) throw new Error("The upload returned no attachment.");
  return stored;
}

/** The tools the user can turn on in a conversation (built-in and MCP, grouped by server). */
export async function fetchToolsMenu(): Promise<ToolsMenu> {
  const response = await fetch("/api/mcp/tools", { headers: { accept: "application/json" } });
  if (!response.ok) throw new Error(await response.text());
  return (await response.json()) as ToolsMenu;
}
