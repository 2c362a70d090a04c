"use client";

// Starting a comparison: the question goes on screen, the server writes the turn and names each
// column's answer, and the columns take their places (each then attaches to its own stream).
// Loaded when compare mode is switched on (comparison.ts), not with the chat page.
import type { FileUIPart } from "ai";
import { attachmentIdOf } from "@/lib/attachments/types";
import type { ChatRequest, ChatUIMessage } from "@/lib/chat/types";
import { startComparison } from "@/components/chat/api";
import { announceConversationsChanged } from "@/components/chat/events";
import type { Store } from "@/components/chat/store/create-store";
import type { ComparisonDependencies, ComparisonStoreState } from "./comparison";

/** A message id for the wire (idSchema); crypto.randomUUID needs a secure context, this does not. */
function newMessageId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Sends the question to `models`; throws (the question left on screen) when the server refuses. */
export async function sendComparison(
  store: Store<ComparisonStoreState>,
  deps: ComparisonDependencies,
  { before, text, files, models, webSearch }: { before: ChatUIMessage[]; text: string; files: FileUIPart[]; models: string[]; webSearch: boolean },
): Promise<void> {
  const { id } = store.get();
  const question: ChatUIMessage = { id: newMessageId(), role: "user", parts: [...files, ...(text ? [{ type: "text" as const, text }] : [])] };
  const attachments = files.flatMap((f) => {
    const attachmentId = attachmentIdOf(f.url);
    return attachmentId ? [attachmentId] : [];
  });
  const body: ChatRequest = {
    id,
    message: { id: question.id, role: "user", parts: [{ type: "text", text }] },
    trigger: "submit-message",
    model: models[0],
    models,
    settings: deps.requestBody().settings,
    ...(attachments.length > 0 ? { attachments } : {}),
    ...(webSearch ? { webSearch: true } : {}),
  };
  deps.setMessages([...before, question]);
  const started = await startComparison(body);
  if (started.conversation.created) {
    deps.markCreated();
    deps.receiveTitle(started.conversation.title, "first-words");
  }
  const createdAt = new Date().toISOString();
  const columns: ChatUIMessage[] = started.columns.map((column, index) => ({
    id: column.messageId,
    role: "assistant",
    parts: [],
    metadata: { model: column.model, status: "streaming", createdAt, compare: { group: started.group, column: index } },
  }));
  store.set((state) => ({ alternatives: { ...state.alternatives, [question.id]: columns } }));
  deps.setMessages([...before, question, columns[0]]);
  if (started.conversation.created) deps.comparisonCreated();
  announceConversationsChanged({ id });
}
