import "server-only";
import { convertToModelMessages, type ModelMessage, type ToolSet } from "ai";
import type { ChatUIMessage } from "@/lib/chat/types";

/**
 * The model's view of the conversation, from the database only. Failed answers with nothing
 * in them are left out; a stopped answer stays in, as the user saw it.
 */
export async function toModelHistory(messages: ChatUIMessage[], tools: ToolSet | undefined): Promise<ModelMessage[]> {
  const usable = messages.filter((m) => {
    if (m.role !== "assistant") return true;
    return m.parts.some((p) => (p.type === "text" && p.text.trim() !== "") || p.type.startsWith("tool-"));
  });
  return convertToModelMessages(
    usable.map(({ id: _id, ...rest }) => rest),
    { tools, ignoreIncompleteToolCalls: true },
  );
}

/** Plain text of every message, for estimating the prompt's size. */
export function historyTexts(messages: ChatUIMessage[]): string[] {
  return messages.map((m) =>
    m.parts
      .map((p) => {
        if (p.type === "text" || p.type === "reasoning") return p.text;
        if (p.type.startsWith("tool-")) return JSON.stringify(p);
        return "";
      })
      .join("\n"),
  );
}
