import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "@/tests/helpers/ports";

// Real MCP servers for the tests, started on loopback as their own processes: the official
// "everything" server over Streamable HTTP (and the older SSE), the official "memory" server over stdio (configured
// as an operator's server), and a hostile one written on the official SDK (./hostile-server.mjs).

const require = createRequire(import.meta.url);
export const EVERYTHING_BIN = require.resolve("@modelcontextprotocol/server-everything/dist/index.js");
export const MEMORY_BIN = require.resolve("@modelcontextprotocol/server-memory/dist/index.js");
export const HOSTILE_BIN = path.join(import.meta.dirname, "hostile-server.mjs");

export type RunningServer = { url: string; port: number; stop: () => Promise<void>; start: () => Promise<void> };

function waitForOutput(child: ChildProcess, pattern: RegExp, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (pattern.test(seen)) {
        child.stdout?.off("data", onData);
        child.stderr?.off("data", onData);
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`${what} exited (${code}) before it listened: ${seen.slice(-500)}`)));
  });
}

/** Starts a server that listens on PORT; `stop`/`start` take it down and bring it back on the same port. */
async function httpServer(bin: string, args: string[], ready: RegExp, pathname: string): Promise<RunningServer> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, PORT: String(port) }, stdio: ["ignore", "pipe", "pipe"] });
    await waitForOutput(child, ready, path.basename(bin));
  };
  const stop = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once("exit", resolve));
    running.kill("SIGKILL");
    await exited;
  };
  await start();
  return { url: `http://127.0.0.1:${port}${pathname}`, port, stop, start };
}

export function startEverythingServer(): Promise<RunningServer> {
  return httpServer(EVERYTHING_BIN, ["streamableHttp"], /listening on port/, "/mcp");
}

/** The same server over the older HTTP+SSE transport (GET /sse, POST /message), as older servers speak it. */
export function startEverythingSseServer(): Promise<RunningServer> {
  return httpServer(EVERYTHING_BIN, ["sse"], /running on port/, "/sse");
}

export function startHostileServer(): Promise<RunningServer> {
  return httpServer(HOSTILE_BIN, [], /hostile MCP server listening/, "/mcp");
}

/** The operator configuration of the memory server over stdio (its graph kept in a fresh folder). */
export function memoryServerConfig(name = "memory") {
  const dir = mkdtempSync(path.join(tmpdir(), "sb-mcp-memory-"));
  return {
    name,
    transport: "stdio" as const,
    command: process.execPath,
    args: [MEMORY_BIN],
    env: { MEMORY_FILE_PATH: path.join(dir, "memory.jsonl") },
  };
}
