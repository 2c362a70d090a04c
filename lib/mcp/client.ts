import "server-only";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { getDefaultEnvironment, StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport, StreamableHTTPError } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import { guardedFetch } from "./url-guard";
import type { McpToolInfo } from "./types";
import type { RawToolResult } from "./result";

// The connections to MCP servers, one per server and process, opened on first use and dropped
// when they fail: the next call opens a new one, so a server that comes back is used again
// without a restart. An edited server gets a new key (its version), hence a new connection.

export type McpEndpoint =
  | {
      key: string;
      transport: "streamable-http" | "sse";
      url: string;
      headers: Record<string, string>;
      /** Refuse non-public addresses on every request and redirect (users' own servers). */
      publicOnly: boolean;
    }
  | { key: string; transport: "stdio"; command: string; args: string[]; env: Record<string, string>; cwd?: string };

type Pool = Map<string, Promise<Client>>;
const holder = globalThis as unknown as { __switchboardMcpPool?: Pool };
const pool = (): Pool => (holder.__switchboardMcpPool ??= new Map());

const CLIENT_INFO = { name: "switchboard", version: "1.0.0" };

function httpTransport(endpoint: Extract<McpEndpoint, { transport: "streamable-http" | "sse" }>, kind: "streamable-http" | "sse"): Transport {
  const options = { requestInit: { headers: endpoint.headers }, ...(endpoint.publicOnly ? { fetch: guardedFetch() } : {}) };
  const url = new URL(endpoint.url);
  return kind === "sse" ? new SSEClientTransport(url, options) : new StreamableHTTPClientTransport(url, options);
}

async function open(endpoint: McpEndpoint, timeoutMs: number, signal?: AbortSignal): Promise<Client> {
  const connect = async (transport: Transport) => {
    const client = new Client(CLIENT_INFO, { capabilities: {} });
    try {
      await client.connect(transport, { timeout: timeoutMs, signal });
    } catch (error) {
      await client.close().catch(() => undefined);
      throw error;
    }
    return client;
  };
  if (endpoint.transport === "stdio") {
    return connect(
      new StdioClientTransport({
        command: endpoint.command,
        args: endpoint.args,
        env: { ...getDefaultEnvironment(), ...endpoint.env },
        cwd: endpoint.cwd,
        stderr: "ignore",
      }),
    );
  }
  if (endpoint.transport === "sse") return connect(httpTransport(endpoint, "sse"));
  try {
    return await connect(httpTransport(endpoint, "streamable-http"));
  } catch (error) {
    // An older server that speaks only HTTP+SSE answers the Streamable HTTP POST with a 4xx
    // (the fallback the MCP specification describes); authorization failures are not retried.
    if (
      error instanceof StreamableHTTPError &&
      error.code !== undefined &&
      error.code >= 400 &&
      error.code < 500 &&
      error.code !== 401 &&
      error.code !== 403
    )
      return connect(httpTransport(endpoint, "sse"));
    throw error;
  }
}

async function connection(endpoint: McpEndpoint, timeoutMs: number, signal?: AbortSignal): Promise<Client> {
  const connections = pool();
  const existing = connections.get(endpoint.key);
  if (existing) return existing;
  const opening = open(endpoint, timeoutMs, signal).then((client) => {
    client.onclose = () => {
      if (connections.get(endpoint.key) === opening) connections.delete(endpoint.key);
    };
    return client;
  });
  connections.set(endpoint.key, opening);
  opening.catch(() => {
    if (connections.get(endpoint.key) === opening) connections.delete(endpoint.key);
  });
  return opening;
}

/** Closes a server's connection (after a failure, or when the server is edited or deleted). */
export async function dropConnection(key: string): Promise<void> {
  const connections = pool();
  const existing = connections.get(key);
  connections.delete(key);
  const client = await existing?.catch(() => undefined);
  await client?.close().catch(() => undefined);
}

/** Closes every connection whose key starts with `prefix` (a server's id: all its versions). */
export async function dropConnections(prefix: string): Promise<void> {
  await Promise.all([...pool().keys()].filter((k) => k.startsWith(prefix)).map(dropConnection));
}

export async function closeAllConnections(): Promise<void> {
  await Promise.all([...pool().keys()].map(dropConnection));
}

/** A failure that says the connection is no longer good (rather than the server refusing this one request). */
function connectionBroken(error: unknown): boolean {
  if (!(error instanceof McpError)) return true;
  return error.code === ErrorCode.ConnectionClosed || error.code === ErrorCode.RequestTimeout;
}

async function withConnection<T>(
  endpoint: McpEndpoint,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  work: (client: Client) => Promise<T>,
): Promise<T> {
  const client = await connection(endpoint, timeoutMs, signal);
  try {
    return await work(client);
  } catch (error) {
    // Stop ends the request (the SDK tells the server it was cancelled); the connection stays.
    if (!signal?.aborted && connectionBroken(error)) await dropConnection(endpoint.key);
    throw error;
  }
}

const MAX_TOOL_PAGES = 20;

/** The server's tools (every page). */
export async function listServerTools(endpoint: McpEndpoint, timeoutMs: number): Promise<McpToolInfo[]> {
  return withConnection(endpoint, timeoutMs, undefined, async (client) => {
    const tools: McpToolInfo[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_TOOL_PAGES; page++) {
      const listed = await client.listTools(cursor ? { cursor } : undefined, { timeout: timeoutMs });
      for (const t of listed.tools)
        tools.push({
          name: t.name,
          ...(t.title ? { title: t.title } : {}),
          ...(t.description ? { description: t.description } : {}),
          inputSchema: t.inputSchema as Record<string, unknown>,
          ...(t.annotations ? { annotations: t.annotations } : {}),
        });
      cursor = listed.nextCursor;
      if (!cursor) break;
    }
    return tools;
  });
}

/** Calls one tool; the deadline covers connecting too; `signal` (Stop) cancels it. */
export async function callServerTool(
  endpoint: McpEndpoint,
  tool: string,
  args: Record<string, unknown>,
  options: { timeoutMs: number; signal?: AbortSignal },
): Promise<RawToolResult> {
  const deadline = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  try {
    return await withConnection(endpoint, options.timeoutMs, signal, (client) =>
      client.callTool({ name: tool, arguments: args }, undefined, { signal, timeout: options.timeoutMs, maxTotalTimeout: options.timeoutMs }),
    );
  } catch (error) {
    if (deadline.aborted && !options.signal?.aborted) {
      await dropConnection(endpoint.key);
      throw new McpError(ErrorCode.RequestTimeout, `no answer within ${options.timeoutMs} ms`);
    }
    throw error;
  }
}
