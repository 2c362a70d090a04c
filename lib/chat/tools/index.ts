import "server-only";
import type { ToolSet } from "ai";
import { calculatorTool } from "./calculator";
import { currentTimeTool } from "./current-time";
import { searchConversationsTool } from "./search-conversations";

/** The built-in tools, bound to the caller (the search tool only sees their conversations). */
export function buildTools(userId: string): ToolSet {
  return {
    calculator: calculatorTool,
    current_time: currentTimeTool,
    search_conversations: searchConversationsTool(userId),
  };
}
