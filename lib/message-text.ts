// The plain text of a message: its text parts in order, a blank line between them (reasoning,
// tool calls and files are not text). The one definition for what search indexes, exports and
// imports store, what is copied and resent, and what a title starts from. Client-safe.
import type { ChatUIMessage } from "@/lib/chat/types";

export function textOfParts(parts: ChatUIMessage["parts"]): string {
  const texts: string[] = [];
  for (const part of parts) if (part.type === "text" && part.text) texts.push(part.text);
  return texts.join("\n\n");
}
