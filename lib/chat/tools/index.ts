import "server-only";
import type { ToolSet } from "ai";
import { mcpToolSet, mcpToolsMenu, type McpToolChoice } from "@/lib/mcp/tools";
import type { ToolsMenu } from "@/lib/mcp/types";
import { calculatorTool } from "./calculator";
import { currentTimeTool } from "./current-time";
import { searchConversationsTool } from "./search-conversations";

/**
 * The tools of an answer: the built-in ones, bound to the caller (the search tool only sees their
 * conversations), and the MCP tools on for the conversation (lib/mcp/tools.ts, resolved before the
 * budget is reserved, since their definitions are part of every prompt). `chosen`: the
 * conversation's tool names; absent, every built-in tool is on.
 * `stall`: the answer's stall watchdog, which ends a running tool call as Stop does (Stop reaches
 * each call through the SDK's own `abortSignal`). Work a tool cannot bound itself runs in a worker
 * (lib/sandbox/bounded.ts) that ends when that signal fires; an MCP call is cancelled at its server.
 */
export function buildTools(userId: string, stall?: AbortSignal, mcp: readonly McpToolChoice[] = [], chosen?: readonly string[] | null): ToolSet {
  const builtIn: ToolSet = {
    calculator: calculatorTool,
    current_time: currentTimeTool,
    search_conversations: searchConversationsTool(userId),
  };
  const on = chosen ? new Set(chosen) : null;
  // MCP names always hold `__`, built-in names never: neither can replace the other (built-ins last, all the same).
  const tools: ToolSet = { ...mcpToolSet(mcp), ...Object.fromEntries(Object.entries(builtIn).filter(([name]) => !on || on.has(name))) };
  return stall ? endedBy(tools, stall) : tools;
}

/**
 * Which calls wait for the user's approval (lib/chat/approvals.ts): MCP tools an admin marked, or
 * whose server does not say they only read (MCP's defaults: a tool may write and destroy unless it
 * says otherwise) — unless the conversation always allows them. The reason is shown with the request.
 */
export function toolApprovals(
  mcp: readonly McpToolChoice[],
  alwaysAllowed: readonly string[] | null | undefined,
): Record<string, { type: "user-approval"; reason: string }> {
  const allowed = new Set(alwaysAllowed ?? []);
  return Object.fromEntries(
    mcp.filter((t) => t.needsApproval && !allowed.has(t.name)).map((t) => [t.name, { type: "user-approval" as const, reason: approvalReason(t) }]),
  );
}

function approvalReason(choice: McpToolChoice): string {
  if (choice.server.approvalTools.includes(choice.tool.name)) return "An administrator asks for approval before this tool runs.";
  if (choice.tool.annotations?.destructiveHint === true) return "Its server says this tool may change or delete things.";
  return "Its server does not say this tool only reads.";
}

/** What a tools menu lists: the built-in tools, then each available MCP server's tools. */
export async function toolsMenu(userId: string): Promise<ToolsMenu> {
  const builtIn = buildTools(userId);
  return {
    builtIn: Object.entries(builtIn).map(([name, t]) => ({ name, description: typeof t.description === "string" ? t.description : "" })),
    mcp: await mcpToolsMenu(userId),
  };
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
