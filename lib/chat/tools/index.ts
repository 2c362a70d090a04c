import "server-only";
import type { ToolSet } from "ai";
import { calculatorTool } from "./calculator";
import { currentTimeTool } from "./current-time";
import { searchConversationsTool } from "./search-conversations";

/**
 * The built-in tools, bound to the caller (the search tool only sees their conversations).
 * `stall`: the answer's stall watchdog, which ends a running tool call as Stop does (Stop reaches
 * each call through the SDK's own `abortSignal`). Work a tool cannot bound itself runs in a worker
 * (lib/sandbox/bounded.ts) that ends when that signal fires.
 */
export function buildTools(userId: string, stall?: AbortSignal): ToolSet {
  const tools: ToolSet = {
    calculator: calculatorTool,
    current_time: currentTimeTool,
    search_conversations: searchConversationsTool(userId),
  };
  return stall ? endedBy(tools, stall) : tools;
}

function endedBy(tools: ToolSet, signal: AbortSignal): ToolSet {
  return Object.fromEntries(
    Object.entries(tools).map(([name, tool]) => {
      const { execute } = tool;
      if (!execute) return [name, tool];
      return [
        name,
        {
          ...tool,
          execute: (input, options) =>
            execute(input, { ...options, abortSignal: options.abortSignal ? AbortSignal.any([options.abortSignal, signal]) : signal }),
        },
      ];
    }),
  );
}
