import "server-only";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { Prisma, type McpServer } from "@/lib/generated/prisma/client";
import { listServerTools, dropConnections, type McpEndpoint } from "./client";
import { operatorServerId, operatorServers, type OperatorServer } from "./config";
import { openHeaders, sealHeaders, UnreadableCredentials } from "./secrets";
import type { McpAvailability, McpServerCreate, McpServerPatch, McpServerStatus, McpServerView, McpToolInfo } from "./types";
import { assertPublicUrl, parseServerUrl } from "./url-guard";

// The MCP servers: the team's (added by an admin), each user's own (only they see and use them,
// every query takes their id) and the operator's (configuration, read-only here). A server's
// credentials are sealed at rest and never leave this module except as request headers.

/** Who is acting: an admin on the team's servers, or a user on their own. */
export type ServerScope = { kind: "team" } | { kind: "own"; userId: string };

/** A server as the tool loop uses it. */
export type ServerRecord = {
  id: string;
  name: string;
  scope: McpServerView["scope"];
  availability: McpAvailability;
  enabledTools: string[] | null;
  approvalTools: string[];
  /** null when it cannot be used (its credentials cannot be read): `endpointError` says why. */
  endpoint: McpEndpoint | null;
  endpointError?: string;
  tools: McpToolInfo[] | null;
  toolsFetchedAt: Date | null;
  status: McpServerStatus;
  lastError: string | null;
};

export const serverNotFound = () => new AppError("not_found:mcp_server", "No such MCP server.");

const ownerOf = (scope: ServerScope) => (scope.kind === "team" ? null : scope.userId);
const stringList = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : []);
const toolList = (value: unknown): McpToolInfo[] | null => (Array.isArray(value) ? (value as McpToolInfo[]) : null);

// Operator servers have no row: their status and tool list live in each process.
type OperatorState = { status: McpServerStatus; lastError: string | null; tools: McpToolInfo[] | null; toolsFetchedAt: Date | null };
const holder = globalThis as unknown as { __switchboardMcpOperatorState?: Map<string, OperatorState> };
const operatorState = () => (holder.__switchboardMcpOperatorState ??= new Map());

function operatorRecord(server: OperatorServer): ServerRecord {
  const state = operatorState().get(server.name) ?? { status: "unknown", lastError: null, tools: null, toolsFetchedAt: null };
  const id = operatorServerId(server.name);
  const endpoint: McpEndpoint =
    server.transport === "stdio"
      ? { key: `${id}:stdio`, transport: "stdio", command: server.command, args: server.args, env: server.env, cwd: server.cwd }
      : { key: `${id}:http`, transport: server.transport, url: server.url, headers: server.headers, publicOnly: false };
  return {
    id,
    name: server.name,
    scope: "operator",
    availability: server.availability,
    enabledTools: server.enabledTools,
    approvalTools: server.approvalTools,
    endpoint,
    ...state,
  };
}

function rowRecord(row: McpServer, viewer: string | null): ServerRecord {
  let endpoint: McpEndpoint | null = null;
  let endpointError: string | undefined;
  try {
    const headers = row.credentials ? openHeaders(row.credentials) : {};
    endpoint = {
      key: `${row.id}:${row.updatedAt.getTime()}`,
      transport: row.transport === "sse" ? "sse" : "streamable-http",
      url: row.url,
      headers,
      publicOnly: row.ownerId !== null && getEnv().SWITCHBOARD_MCP_USER_PRIVATE_URLS !== "on",
    };
  } catch (error) {
    if (!(error instanceof UnreadableCredentials)) throw error;
    endpointError = error.message;
  }
  return {
    id: row.id,
    name: row.name,
    scope: row.ownerId === null ? "team" : viewer === row.ownerId ? "own" : "team",
    availability: row.availability === "opt-in" ? "opt-in" : "everyone",
    enabledTools: Array.isArray(row.enabledTools) ? stringList(row.enabledTools) : null,
    approvalTools: stringList(row.approvalTools),
    endpoint,
    endpointError,
    tools: toolList(row.tools),
    toolsFetchedAt: row.toolsFetchedAt,
    status: endpointError ? "error" : row.status === "ok" || row.status === "error" ? row.status : "unknown",
    lastError: endpointError ?? row.lastError,
  };
}

function view(record: ServerRecord, row?: McpServer): McpServerView {
  const operator = record.scope === "operator" ? operatorServers().find((s) => operatorServerId(s.name) === record.id) : undefined;
  return {
    id: record.id,
    name: record.name,
    url: row?.url ?? (operator ? (operator.transport === "stdio" ? `stdio: ${operator.command}` : operator.url) : ""),
    transport: row ? (row.transport === "sse" ? "sse" : "streamable-http") : (operator?.transport ?? "stdio"),
    scope: record.scope,
    hasCredentials: row ? row.credentials !== null : false,
    enabledTools: record.enabledTools,
    availability: record.availability,
    approvalTools: record.approvalTools,
    status: record.status,
    lastError: record.lastError,
    tools: record.tools,
    toolsFetchedAt: record.toolsFetchedAt?.toISOString() ?? null,
  };
}

/** The servers a user's answers may use: the operator's, the team's, then their own. */
export async function serversForUser(userId: string): Promise<ServerRecord[]> {
  const db = await getDb();
  const rows = await db.mcpServer.findMany({
    where: { OR: [{ ownerId: null }, { ownerId: userId }] },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  const team = rows.filter((r) => r.ownerId === null).map((r) => rowRecord(r, userId));
  const own = rows.filter((r) => r.ownerId === userId).map((r) => rowRecord(r, userId));
  return [...operatorServers().map(operatorRecord), ...team, ...own];
}

/** The list an admin manages (team and operator servers) or a user's own servers. */
export async function listServers(scope: ServerScope): Promise<McpServerView[]> {
  const db = await getDb();
  const owner = ownerOf(scope);
  const rows = await db.mcpServer.findMany({ where: { ownerId: owner }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  const views = rows.map((r) => view(rowRecord(r, owner), r));
  return scope.kind === "team" ? [...operatorServers().map((s) => view(operatorRecord(s))), ...views] : views;
}

export function assertUserServersAllowed(): void {
  if (getEnv().SWITCHBOARD_MCP_USER_SERVERS !== "on")
    throw new AppError("forbidden:mcp_user_servers", "Adding your own MCP servers is turned off on this server.");
}

async function checkedUrl(scope: ServerScope, raw: string): Promise<string> {
  // The team's servers are the admin's choice (loopback and the private network allowed); users' are not.
  const url = scope.kind === "own" && getEnv().SWITCHBOARD_MCP_USER_PRIVATE_URLS !== "on" ? await assertPublicUrl(raw) : parseServerUrl(raw);
  return url.href;
}

function sealedCredentials(headers: Record<string, string> | null | undefined, bearerToken: string | null | undefined): string | null {
  const all: Record<string, string> = { ...(headers ?? {}) };
  if (bearerToken) {
    for (const name of Object.keys(all)) if (name.toLowerCase() === "authorization") delete all[name];
    all.Authorization = `Bearer ${bearerToken}`;
  }
  return Object.keys(all).length > 0 ? sealHeaders(all) : null;
}

async function assertNameFree(scope: ServerScope, name: string, exceptId?: string): Promise<void> {
  const db = await getDb();
  const taken = await db.mcpServer.findFirst({
    where: { ownerId: ownerOf(scope), name, ...(exceptId ? { NOT: { id: exceptId } } : {}) },
    select: { id: true },
  });
  if (taken || operatorServers().some((s) => s.name === name))
    throw new AppError("conflict:mcp_server_name", `A server named "${name}" already exists.`);
}

export async function createServer(scope: ServerScope, body: McpServerCreate): Promise<McpServerView> {
  const url = await checkedUrl(scope, body.url);
  await assertNameFree(scope, body.name);
  const db = await getDb();
  const row = await db.mcpServer.create({
    data: {
      name: body.name,
      url,
      transport: body.transport,
      credentials: sealedCredentials(body.headers, body.bearerToken),
      enabledTools: body.enabledTools ?? Prisma.DbNull,
      availability: body.availability,
      approvalTools: body.approvalTools,
      ownerId: ownerOf(scope),
    },
  });
  return view(rowRecord(row, ownerOf(scope)), row);
}

async function ownedRow(scope: ServerScope, id: string): Promise<McpServer> {
  const db = await getDb();
  const row = await db.mcpServer.findFirst({ where: { id, ownerId: ownerOf(scope) } });
  if (!row) throw serverNotFound();
  return row;
}

export async function updateServer(scope: ServerScope, id: string, patch: McpServerPatch): Promise<McpServerView> {
  const current = await ownedRow(scope, id);
  const url = patch.url !== undefined ? await checkedUrl(scope, patch.url) : undefined;
  if (patch.name !== undefined && patch.name !== current.name) await assertNameFree(scope, patch.name, id);
  // Headers and token are replaced only when one of them is given; the other is kept from what is stored.
  let credentials: string | null | undefined;
  if (patch.headers !== undefined || patch.bearerToken !== undefined) {
    const stored = current.credentials ? openHeaders(current.credentials) : {};
    const storedToken = Object.entries(stored)
      .find(([n]) => n.toLowerCase() === "authorization")?.[1]
      ?.replace(/^Bearer /, "");
    const storedOthers = Object.fromEntries(Object.entries(stored).filter(([n]) => n.toLowerCase() !== "authorization"));
    credentials = sealedCredentials(
      patch.headers === undefined ? storedOthers : patch.headers,
      patch.bearerToken === undefined ? storedToken : patch.bearerToken,
    );
  }
  const db = await getDb();
  const changed = await db.mcpServer.updateMany({
    where: { id, ownerId: ownerOf(scope) },
    data: {
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(url !== undefined ? { url, status: "unknown", lastError: null, tools: Prisma.DbNull, toolsFetchedAt: null } : {}),
      ...(patch.transport !== undefined ? { transport: patch.transport } : {}),
      ...(credentials !== undefined ? { credentials } : {}),
      ...(patch.enabledTools !== undefined ? { enabledTools: patch.enabledTools ?? Prisma.DbNull } : {}),
      ...(patch.availability !== undefined ? { availability: patch.availability } : {}),
      ...(patch.approvalTools !== undefined ? { approvalTools: patch.approvalTools } : {}),
    },
  });
  if (changed.count === 0) throw serverNotFound();
  await dropConnections(`${id}:`);
  const after = await ownedRow(scope, id);
  return view(rowRecord(after, ownerOf(scope)), after);
}

export async function deleteServer(scope: ServerScope, id: string): Promise<void> {
  const db = await getDb();
  const deleted = await db.mcpServer.deleteMany({ where: { id, ownerId: ownerOf(scope) } });
  if (deleted.count === 0) throw serverNotFound();
  await dropConnections(`${id}:`);
}

/** A failure's words for the status shown to the admin or owner: the reason, never a header. */
export function failureText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s+/g, " ").slice(0, 500) || "Unknown error.";
}

/** Records what the last contact with a server showed. */
export async function recordStatus(
  record: Pick<ServerRecord, "id" | "scope" | "name">,
  outcome: { tools: McpToolInfo[] } | { error: unknown },
): Promise<void> {
  const now = new Date();
  const ok = "tools" in outcome;
  if (record.scope === "operator") {
    const state = operatorState().get(record.name) ?? { status: "unknown", lastError: null, tools: null, toolsFetchedAt: null };
    operatorState().set(
      record.name,
      ok
        ? { status: "ok", lastError: null, tools: outcome.tools, toolsFetchedAt: now }
        : { ...state, status: "error", lastError: failureText(outcome.error) },
    );
    return;
  }
  const db = await getDb();
  // updateMany: a server deleted meanwhile is no error.
  await db.mcpServer.updateMany({
    where: { id: record.id },
    data: ok
      ? { status: "ok", lastError: null, tools: outcome.tools as unknown as Prisma.InputJsonValue, toolsFetchedAt: now }
      : { status: "error", lastError: failureText(outcome.error) },
  });
}

const refreshing = new Map<string, Promise<McpToolInfo[] | null>>();

/** Fetches the server's tool list now and records it (or the failure); one fetch per server at a time. */
export async function refreshRecord(record: ServerRecord): Promise<McpToolInfo[] | null> {
  const endpoint = record.endpoint;
  if (!endpoint) return null;
  const running = refreshing.get(endpoint.key);
  if (running) return running;
  const work = (async () => {
    try {
      const tools = await listServerTools(endpoint, getEnv().SWITCHBOARD_MCP_TIMEOUT_MS);
      await recordStatus(record, { tools });
      return tools;
    } catch (error) {
      await recordStatus(record, { error });
      return null;
    } finally {
      refreshing.delete(endpoint.key);
    }
  })();
  refreshing.set(endpoint.key, work);
  return work;
}

/** The refresh button: the server's tools fetched again, its status recorded. */
export async function refreshServer(scope: ServerScope, id: string): Promise<McpServerView> {
  if (scope.kind === "team" && id.startsWith("config-")) {
    const server = operatorServers().find((s) => operatorServerId(s.name) === id);
    if (!server) throw serverNotFound();
    await refreshRecord(operatorRecord(server));
    return view(operatorRecord(server));
  }
  const row = await ownedRow(scope, id);
  await refreshRecord(rowRecord(row, ownerOf(scope)));
  const after = await ownedRow(scope, id);
  return view(rowRecord(after, ownerOf(scope)), after);
}
