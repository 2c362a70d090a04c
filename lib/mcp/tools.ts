import "server-only";
import { createHash } from "node:crypto";
import { jsonSchema, tool, type ToolSet } from "ai";
import { getEnv } from "@/lib/env";
import { log } from "@/lib/log";
import { estimatePromptTokens } from "@/lib/spend/budget";
import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import { callServerTool } from "./client";
import { capOutput, contentOf, errorTextOf, textForModel } from "./result";
import { failureText, recordStatus, refreshRecord, serversForUser, type ServerRecord } from "./servers";
import type { McpToolChoiceView, McpToolInfo, McpToolOutput } from "./types";

// The MCP tools an answer offers: each server's enabled tools under a name of its own
// (`<server>__<tool>`, the providers' charset, at most 64 characters), so no server can shadow a
// built-in tool (built-in names never contain `__`) or another server's tool. The server's
// descriptions go to the model as tool descriptions only, never into the instructions.

/** A tool list older than this is fetched again before an answer uses it. */
const TOOL_LIST_TTL_MS = 5 * 60_000;
const MAX_NAME = 64;
const MAX_DESCRIPTION = 2_000;

/** One MCP tool an answer may offer. */
export type McpToolChoice = {
  /** The name the model calls. */
  name: string;
  server: ServerRecord;
  /** The server's own name for the prefix (unique among the user's servers). */
  prefix: string;
  tool: McpToolInfo;
  /** The admin listed it, or the server does not say it is read-only and harmless. */
  needsApproval: boolean;
};

const sanitize = (text: string) => text.replace(/[^a-zA-Z0-9_-]/g, "_");
const shortHash = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 6);

/** `<prefix>__<tool>` in the providers' charset; cut (with a hash of the original) to 64 characters. */
export function namespacedToolName(prefix: string, tool: string): string {
  const name = `${sanitize(prefix)}__${sanitize(tool)}`;
  if (name.length <= MAX_NAME && sanitize(tool) === tool) return name;
  // A changed or cut name carries a hash of the original, so two tools never end up with one name.
  return `${name.slice(0, MAX_NAME - 7)}_${shortHash(tool)}`;
}

function needsApproval(server: ServerRecord, t: McpToolInfo): boolean {
  if (server.approvalTools.includes(t.name)) return true;
  // MCP's defaults: a tool is not read-only and may be destructive unless it says otherwise.
  const a = t.annotations ?? {};
  return a.readOnlyHint !== true || a.destructiveHint === true;
}

/** How long an answer waits for a stale tool list; a slower fetch goes on and the answer uses the last list. */
const LIST_WAIT_MS = 5_000;

/** A server's tool list, fetched when never fetched or stale; a server that cannot be reached keeps its last list. */
async function toolsOf(server: ServerRecord): Promise<McpToolInfo[]> {
  const stale = !server.toolsFetchedAt || Date.now() - server.toolsFetchedAt.getTime() > TOOL_LIST_TTL_MS;
  if (!stale || !server.endpoint) return server.tools ?? [];
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), Math.min(LIST_WAIT_MS, getEnv().SWITCHBOARD_MCP_TIMEOUT_MS));
  });
  try {
    return (await Promise.race([refreshRecord(server), waited])) ?? server.tools ?? [];
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The MCP tools available to the user, each marked whether it is on: `chosen` is the
 * conversation's list of tool names (absent: the tools of servers on for everyone and of the
 * user's own servers; opt-in servers' tools only when the conversation lists them).
 */
export async function availableMcpTools(userId: string): Promise<(McpToolChoice & { onByDefault: boolean })[]> {
  const servers = await serversForUser(userId);
  const lists = await Promise.all(servers.map(toolsOf));
  const taken = new Set<string>();
  const prefixes = new Set<string>();
  const out: (McpToolChoice & { onByDefault: boolean })[] = [];
  servers.forEach((server, index) => {
    // A name used twice (the team's and a user's own) gets a number, in the order listed.
    let prefix = server.name;
    for (let n = 2; prefixes.has(prefix); n++) prefix = `${server.name}-${n}`;
    prefixes.add(prefix);
    for (const t of lists[index]!) {
      if (server.enabledTools && !server.enabledTools.includes(t.name)) continue;
      let name = namespacedToolName(prefix, t.name);
      if (taken.has(name)) name = `${name.slice(0, MAX_NAME - 7)}_${shortHash(`${server.id}/${t.name}`)}`;
      if (taken.has(name)) continue;
      taken.add(name);
      out.push({
        name,
        server,
        prefix,
        tool: t,
        needsApproval: needsApproval(server, t),
        onByDefault: server.availability === "everyone" || server.scope === "own",
      });
    }
  });
  return out;
}

/** The tools on for an answer: the conversation's choice, or the defaults. */
export async function mcpToolsForAnswer(userId: string, chosen: readonly string[] | null | undefined): Promise<McpToolChoice[]> {
  const all = await availableMcpTools(userId);
  const on = chosen ? new Set(chosen) : null;
  return all.filter((t) => (on ? on.has(t.name) : t.onByDefault));
}

/** What a tools menu lists. */
export async function mcpToolsMenu(userId: string): Promise<McpToolChoiceView[]> {
  return (await availableMcpTools(userId)).map((t) => ({
    name: t.name,
    server: t.prefix,
    tool: t.tool.name,
    description: t.tool.description ?? "",
    availability: t.onByDefault ? "everyone" : "opt-in",
  }));
}

const description = (choice: McpToolChoice) => (choice.tool.description ?? choice.tool.title ?? choice.tool.name).slice(0, MAX_DESCRIPTION);

/** The input schema sent upstream: the server's, as an object schema. */
function inputSchemaOf(t: McpToolInfo): Record<string, unknown> {
  const schema = t.inputSchema && typeof t.inputSchema === "object" ? t.inputSchema : {};
  return { ...schema, type: "object", properties: (schema as { properties?: unknown }).properties ?? {} };
}

/** The tokens the tools' definitions add to every generation's prompt (held by the reservation). */
export function mcpDefinitionTokens(choices: readonly McpToolChoice[]): number {
  if (choices.length === 0) return 0;
  return estimatePromptTokens(choices.map((c) => `${c.name} ${description(c)} ${JSON.stringify(inputSchemaOf(c.tool))}`));
}

/** A failed call's words, for the tool card and the model: which server, and why. */
export class McpToolError extends Error {
  constructor(server: string, reason: string) {
    super(`MCP server "${server}": ${reason}`);
    this.name = "McpToolError";
  }
}

/** Why a call failed, in words for the card and the model (never the server's headers). */
function reasonOf(error: unknown): string {
  if (error instanceof McpError && error.code === ErrorCode.RequestTimeout)
    return `no answer within ${getEnv().SWITCHBOARD_MCP_TIMEOUT_MS} ms (timed out).`;
  // fetch's "fetch failed" carries the socket's reason as its cause.
  const cause = error instanceof Error && error.cause instanceof Error ? (error.cause as NodeJS.ErrnoException) : undefined;
  if (error instanceof TypeError && cause) return `the server could not be reached (${cause.code ?? cause.message}).`;
  return `the call failed: ${failureText(error)}`;
}

/** The chosen tools as AI SDK tools; each call goes to its server with the answer's signal (Stop). */
export function mcpToolSet(choices: readonly McpToolChoice[]): ToolSet {
  const env = getEnv();
  const tools: ToolSet = {};
  for (const choice of choices) {
    const { server } = choice;
    tools[choice.name] = tool<Record<string, unknown>, McpToolOutput, Record<string, never>>({
      description: description(choice),
      inputSchema: jsonSchema<Record<string, unknown>>(inputSchemaOf(choice.tool)),
      execute: async (input, { abortSignal }) => {
        if (!server.endpoint) throw new McpToolError(choice.prefix, server.endpointError ?? "cannot be used.");
        let result;
        try {
          result = await callServerTool(server.endpoint, choice.tool.name, input ?? {}, {
            timeoutMs: env.SWITCHBOARD_MCP_TIMEOUT_MS,
            signal: abortSignal,
          });
        } catch (error) {
          if (abortSignal?.aborted) throw error;
          void recordStatus(server, { error }).catch(() => undefined);
          log().warn({ server: server.id, tool: choice.tool.name, error: failureText(error) }, "an MCP tool call failed");
          throw new McpToolError(choice.prefix, reasonOf(error));
        }
        const content = contentOf(result);
        if (result.isError === true) throw new McpToolError(choice.prefix, errorTextOf(content, env.SWITCHBOARD_MCP_MAX_RESULT_BYTES));
        return capOutput(choice.prefix, choice.tool.name, content, env.SWITCHBOARD_MCP_MAX_RESULT_BYTES);
      },
      toModelOutput: ({ output }) => ({ type: "text", value: textForModel(output) }),
    });
  }
  return tools;
}
