/**
 * A faithful local OpenRouter: the subset of https://openrouter.ai/api/v1 that Switchboard uses,
 * reproduced over plain HTTP (node:http) so that tests and the offline demo talk to it exactly as
 * production talks to OpenRouter. This file wires the endpoints (routes/) to one HTTP server, logs
 * every API request, and ends everything on close(). See README.md for the endpoints, the
 * scripted behaviours (directives) and the token/cost rules.
 */
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { API, BodyTooLarge, headerRecord, readBody, sendJson } from "./http";
import { handleChatCompletions } from "./routes/chat-completions";
import { handleControl } from "./routes/control";
import { handleEmbeddingModels, handleEmbeddings } from "./routes/embeddings";
import { handleEndpoints } from "./routes/endpoints";
import { handleGeneration } from "./routes/generation";
import { handleCredits, handleKey } from "./routes/key";
import { handleModels } from "./routes/models";
import { droppedByServer, ServerState } from "./state";
import type { LocalOpenRouter, LocalOpenRouterOptions, RequestLogEntry } from "./types";
import { errorBody } from "./wire";

export type { GenerationRecord, LocalOpenRouter, LocalOpenRouterOptions, RequestLogEntry } from "./types";

/** The request log keeps the most recent entries only (a long-running demo must not grow without bound). */
const MAX_LOG_ENTRIES = 10_000;

class LocalServer {
  readonly state: ServerState;
  private readonly server: http.Server;
  private readonly sockets = new Set<Socket>();

  constructor(opts: LocalOpenRouterOptions) {
    this.state = new ServerState(opts);
    this.server = http.createServer((req, res) => {
      this.onRequest(req, res).catch((err: unknown) => {
        if (!res.headersSent) sendJson(res, 500, errorBody(500, `Internal Server Error: ${err instanceof Error ? err.message : String(err)}`));
        else res.destroy();
      });
    });
    // Longer than any client pool keeps an idle socket, so a client never reuses one the server is closing (ECONNRESET).
    this.server.keepAliveTimeout = 75_000;
    this.server.headersTimeout = 80_000;
    this.server.on("connection", (s: Socket) => {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => {
        this.server.off("error", reject);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  async close(): Promise<void> {
    if (this.state.closed) return;
    this.state.closed = true;
    this.state.timers.shutdown();
    const done = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await done;
  }

  private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://local");
    const path = url.pathname.replace(/\/+$/, "") || "/";
    const method = (req.method ?? "GET").toUpperCase();
    const control = path.startsWith("/__");
    let raw: Buffer;
    try {
      raw = await readBody(req);
    } catch (err) {
      if (err instanceof BodyTooLarge) return sendJson(res, 413, errorBody(413, "Request payload too large"), { connection: "close" });
      throw err;
    }
    let body: unknown = null;
    let bodyIsJson = false;
    if (raw.length > 0) {
      const text = raw.toString("utf8");
      try {
        body = JSON.parse(text);
        bodyIsJson = true;
      } catch {
        body = text;
      }
    }
    if (control) return handleControl(this.state, method, path, res);
    const entry = this.logRequest(req, res, method, url, body);

    if (method === "POST" && path === `${API}/chat/completions`) return handleChatCompletions(this.state, req, res, body, bodyIsJson, entry);
    if (method === "POST" && path === `${API}/embeddings`) return handleEmbeddings(this.state, req, res, body, bodyIsJson, entry);
    if (method === "GET" && path === `${API}/models`) return handleModels(url, res);
    if (method === "GET" && path === `${API}/embeddings/models`) return handleEmbeddingModels(res);
    const ep = /^\/api\/v1\/models\/([^/]+)\/([^/]+)\/endpoints$/.exec(path);
    if (method === "GET" && ep) return handleEndpoints(decodeURIComponent(ep[1]), decodeURIComponent(ep[2]), req, res);
    if (method === "GET" && path === `${API}/generation`) return handleGeneration(this.state, req, url, res);
    // `/auth/key` is the older path, still answered (key-auth-key-data.json was read from it).
    if (method === "GET" && (path === `${API}/key` || path === `${API}/auth/key`)) return handleKey(this.state, req, res);
    if (method === "GET" && path === `${API}/credits`) return handleCredits(this.state, req, res);
    sendJson(res, 404, errorBody(404, "Not Found"));
  }

  /** Logs an API request; its status, and whether the client left early, are filled in when the response closes. */
  private logRequest(req: http.IncomingMessage, res: http.ServerResponse, method: string, url: URL, body: unknown): RequestLogEntry {
    const { log } = this.state;
    const entry: RequestLogEntry = { at: new Date().toISOString(), method, path: url.pathname + url.search, headers: headerRecord(req), body };
    log.push(entry);
    if (log.length > MAX_LOG_ENTRIES) log.splice(0, log.length - MAX_LOG_ENTRIES);
    res.on("close", () => {
      entry.status = res.statusCode;
      if (!res.writableEnded && !droppedByServer.has(res) && !this.state.closed) {
        entry.closedByClient = true;
        entry.closedAt = new Date().toISOString();
      }
    });
    return entry;
  }
}

/** Starts a local OpenRouter on `host:port` (port 0 = a free one). */
export async function startLocalOpenRouter(opts: LocalOpenRouterOptions = {}): Promise<LocalOpenRouter> {
  const host = opts.host ?? "127.0.0.1";
  const s = new LocalServer(opts);
  const port = await s.listen(opts.port ?? 0, host);
  const urlHost = host.includes(":") ? `[${host}]` : host;
  const url = `http://${urlHost}:${port}`;
  return {
    url,
    baseURL: `${url}${API}`,
    port,
    log: s.state.log,
    generations: s.state.generations,
    close: () => s.close(),
  };
}
