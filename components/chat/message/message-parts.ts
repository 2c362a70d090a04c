// Narrowing helpers for the parts of a ChatUIMessage. Client-safe.
import { textOfParts } from "@/lib/message-text";
import type { ChatUIMessage } from "@/lib/chat/types";

export type MessagePart = ChatUIMessage["parts"][number];
export type ToolPart = Extract<MessagePart, { toolCallId: string }>;
export type FilePart = Extract<MessagePart, { type: "file" }>;

export function isToolPart(part: MessagePart): part is ToolPart {
  return part.type === "dynamic-tool" || part.type.startsWith("tool-");
}

export function toolNameOf(part: ToolPart): string {
  return part.type === "dynamic-tool" ? part.toolName : part.type.slice("tool-".length);
}

/** The message's text parts joined, for copying and for resending. */
export function messageText(message: ChatUIMessage): string {
  return textOfParts(message.parts);
}

/** The message's file parts (a user's attachments, a model's images). */
export function messageFiles(message: ChatUIMessage): FilePart[] {
  return message.parts.filter((part): part is FilePart => part.type === "file");
}
