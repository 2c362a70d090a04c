// Shared by the security and reliability specs: an HTTP client that signs in like the browser does
// and reports every response to the response recorder, dedicated app instances on the suite's
// local OpenRouter, the discovery of routes, pages and server actions from the source tree, and
// readers for the chat stream and the local OpenRouter's records.
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { request, type APIRequestContext } from "@playwright/test";
import { startApp, type RunningApp } from "@/tests/helpers/app";
import { createE2eDatabase } from "../fixtures/database";
import { E2E_OPENROUTER_KEY } from "../fixtures/constants";
import { responseRecorder } from "../fixtures/response-recorder";
import { newUser, type TestUser } from "../fixtures/users";

export const ROOT = path.resolve(import.meta.dirname, "..", "..");
export const MODEL = "openai/gpt-4o-mini";

// ---- HTTP -----------------------------------------------------------------------------------

export type Reply = {
  method: string;
  url: string;
  status: number;
  headers: Record<string, string>;
  text: string;
  /** The parsed body, or undefined when it is not JSON. */
  json: unknown;
};

export type SendOptions = {
  /** JSON body (serialised). */
  data?: unknown;
  /** Raw body, sent as is. */
  body?: string | Buffer;
  form?: Record<string, string>;
  headers?: Record<string, string>;
  maxRedirects?: number;
  timeout?: number;
};

/** A user's (or nobody's) HTTP client with its own cookie jar. */
export class Client {
  user?: TestUser & { id: string };

  private constructor(
    readonly ctx: APIRequestContext,
    readonly baseURL: string,
    readonly label: string,
  ) {}

  static async create(baseURL: string, label: string, storageState?: Awaited<ReturnType<APIRequestContext["storageState"]>>): Promise<Client> {
    const ctx = await request.newContext({ baseURL, storageState });
    return new Client(ctx, baseURL, label);
  }

  async send(method: string, url: string, options: SendOptions = {}): Promise<Reply> {
    const headers: Record<string, string> = { ...options.headers };
    let data: string | Buffer | undefined;
    if (options.data !== undefined) {
      data = JSON.stringify(options.data);
      headers["content-type"] ??= "application/json";
    } else if (options.body !== undefined) {
      data = options.body;
    }
    const response = await this.ctx.fetch(url, {
      method,
      headers,
      data,
      form: options.form,
      maxRedirects: options.maxRedirects ?? 0,
      timeout: options.timeout ?? 60_000,
      failOnStatusCode: false,
    });
    const raw = await response.body();
    const allHeaders = response.headers();
    responseRecorder().inspect(response.url(), allHeaders, raw);
    const text = raw.toString("utf8");
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { method, url, status: response.status(), headers: allHeaders, text, json };
  }

  get(url: string, options?: SendOptions) {
    return this.send("GET", url, options);
  }
  post(url: string, data?: unknown, options?: SendOptions) {
    return this.send("POST", url, { ...options, data });
  }
  patch(url: string, data?: unknown, options?: SendOptions) {
    return this.send("PATCH", url, { ...options, data });
  }

  /** Registers through the API (201 expected). */
  async register(user: TestUser = newUser(this.label)): Promise<TestUser & { id: string }> {
    const reply = await this.post("/api/auth/register", user);
    if (reply.status !== 201) throw new Error(`register ${user.email}: ${reply.status} ${reply.text}`);
    const id = (reply.json as { user: { id: string } }).user.id;
    return { ...user, id };
  }

  /**
   * Signs in the way the sign-in form does (Auth.js credentials callback with its CSRF token).
   * Resolves to true when a session was issued.
   */
  async signIn(user: Pick<TestUser, "email" | "password">, headers: Record<string, string> = {}): Promise<boolean> {
    const csrfToken = await this.csrfToken(headers);
    await this.submitSignIn(user, csrfToken, headers);
    return (await this.sessionUserId()) !== null;
  }

  /** Auth.js's CSRF token (and its cookie, kept in this client's jar). */
  async csrfToken(headers: Record<string, string> = {}): Promise<string> {
    const csrf = await this.get("/api/auth/csrf", { headers });
    const csrfToken = (csrf.json as { csrfToken?: string } | undefined)?.csrfToken;
    if (!csrfToken) throw new Error(`no CSRF token: ${csrf.status} ${csrf.text}`);
    return csrfToken;
  }

  /** Posts the credentials form (the sign-in form's request). */
  async submitSignIn(user: Pick<TestUser, "email" | "password">, csrfToken: string, headers: Record<string, string> = {}): Promise<void> {
    await this.send("POST", "/api/auth/callback/credentials", {
      form: { email: user.email, password: user.password, csrfToken, callbackUrl: `${this.baseURL}/` },
      headers,
    });
  }

  async sessionUserId(): Promise<string | null> {
    const session = await this.get("/api/auth/session");
    const id = (session.json as { user?: { id?: string } } | null | undefined)?.user?.id;
    return id ?? null;
  }

  /** Registers a fresh user and signs in as them. */
  async registerAndSignIn(user: TestUser = newUser(this.label.replace(/\W/g, ""))): Promise<TestUser & { id: string }> {
    const created = await this.register(user);
    if (!(await this.signIn(created))) throw new Error(`could not sign in ${created.email}`);
    this.user = created;
    return created;
  }

  async signOut(): Promise<void> {
    const csrf = await this.get("/api/auth/csrf");
    const csrfToken = (csrf.json as { csrfToken: string }).csrfToken;
    await this.send("POST", "/api/auth/signout", { form: { csrfToken, callbackUrl: `${this.baseURL}/sign-in` } });
  }

  /** Sends one chat message and reads the whole answer stream. */
  async chat(conversationId: string, text: string, extra: Record<string, unknown> = {}): Promise<ChatReply> {
    const messageId = newId("m");
    const reply = await this.post(
      "/api/chat",
      {
        id: conversationId,
        trigger: "submit-message",
        model: MODEL,
        message: { id: messageId, role: "user", parts: [{ type: "text", text }] },
        ...extra,
      },
      { timeout: 120_000 },
    );
    return { ...reply, messageId, chunks: reply.status === 200 ? sseChunks(reply.text) : [] };
  }

  async dispose(): Promise<void> {
    await this.ctx.dispose();
  }
}

export type ChatReply = Reply & { messageId: string; chunks: StreamChunk[] };

/** The id of the answer a chat reply streamed (its `start` chunk names it). */
export function answerIdOf(reply: ChatReply): string {
  const start = reply.chunks.find((c) => c.type === "start");
  if (typeof start?.messageId !== "string") throw new Error(`no answer id in the reply: ${reply.text.slice(0, 200)}`);
  return start.messageId;
}

export type StreamChunk = { type: string; [key: string]: unknown };

/** The chunks of a UI message stream (SSE `data:` lines; `[DONE]` dropped). */
export function sseChunks(text: string): StreamChunk[] {
  const chunks: StreamChunk[] = [];
  for (const line of text.split("\n")) {
    if (!line.startsWith("data: ")) continue;
    const payload = line.slice(6).trim();
    if (payload === "[DONE]") continue;
    try {
      chunks.push(JSON.parse(payload) as StreamChunk);
    } catch {
      chunks.push({ type: "unparseable", raw: payload });
    }
  }
  return chunks;
}

/** The text the stream delivered, concatenated. */
export function streamedText(chunks: StreamChunk[]): string {
  return chunks
    .filter((c) => c.type === "text-delta")
    .map((c) => String(c.delta ?? ""))
    .join("");
}

/** The error the stream reported, parsed from its `errorText`. */
export function streamError(chunks: StreamChunk[]): { code: string; message: string; retryAfter?: number } | undefined {
  const chunk = chunks.find((c) => c.type === "error");
  if (!chunk) return undefined;
  try {
    return JSON.parse(String(chunk.errorText)) as { code: string; message: string; retryAfter?: number };
  } catch {
    return { code: "unparseable", message: String(chunk.errorText) };
  }
}

export function newId(prefix = "c"): string {
  return `${prefix}${randomBytes(8).toString("hex")}`;
}

/** A unique word that will not occur anywhere by chance. */
export function uniqueMarker(prefix = "MRK"): string {
  return `${prefix}${randomBytes(6).toString("hex").toUpperCase()}`;
}

export async function poll<T>(
  what: string,
  fn: () => Promise<T | undefined | null | false>,
  { timeout = 30_000, interval = 250 }: { timeout?: number; interval?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value !== undefined && value !== null && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

// ---- dedicated instances --------------------------------------------------------------------

export type IsolatedApp = {
  app: RunningApp;
  url: string;
  dataDir: string;
  databaseUrl?: string;
  /** Starts the server again on the same data (and database), same port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
};

export function upstreamURL(): string {
  const url = process.env.SB_E2E_UPSTREAM_URL;
  if (!url) throw new Error("SB_E2E_UPSTREAM_URL is not set (run through playwright's global setup).");
  return url;
}

/**
 * A Switchboard of the test's own on a fresh data folder (and, in the PostgreSQL run, a fresh
 * database on TEST_DATABASE_URL), talking to the suite's local OpenRouter with the known test key.
 * Its first registered account is the administrator.
 */
export async function startIsolatedApp(options: { env?: Record<string, string> } = {}): Promise<IsolatedApp> {
  const database = await createE2eDatabase();
  const env = {
    OPENROUTER_API_KEY: E2E_OPENROUTER_KEY,
    OPENROUTER_BASE_URL: `${upstreamURL()}/api/v1`,
    SWITCHBOARD_CHAT_RATE_PER_MINUTE: "1000",
    DATABASE_URL: database.url,
    SWITCHBOARD_DEMO: "",
    // The matrix expects the metrics endpoint off (its token guard: tests/security/http.test.ts).
    METRICS_TOKEN: "",
    ...options.env,
  };
  let app = await startApp({ env });
  responseRecorder().forbidAuthSecretOf(app.dataDir);
  const isolated: IsolatedApp = {
    app,
    url: app.url,
    dataDir: app.dataDir,
    databaseUrl: database.url || undefined,
    async restart() {
      app = await startApp({ env, dataDir: isolated.dataDir, port: isolated.app.port });
      isolated.app = app;
    },
    async stop() {
      await app.stop();
      await database.drop().catch(() => undefined);
      rmSync(isolated.dataDir, { recursive: true, force: true });
    },
  };
  return isolated;
}

// ---- the local OpenRouter's records ---------------------------------------------------------

export type UpstreamGeneration = { id: string; state: string; outcome: string | null; cost_nano: string };
export type UpstreamLogEntry = {
  method: string;
  path: string;
  body: unknown;
  status?: number;
  generationId?: string;
  closedByClient?: boolean;
};

export async function upstreamGenerations(): Promise<Map<string, UpstreamGeneration>> {
  const response = await fetch(`${upstreamURL()}/__generations`);
  const list = (await response.json()) as UpstreamGeneration[];
  return new Map(list.map((g) => [g.id, g]));
}

export async function upstreamLog(): Promise<UpstreamLogEntry[]> {
  const response = await fetch(`${upstreamURL()}/__log`);
  return (await response.json()) as UpstreamLogEntry[];
}

/** Generation ids of the completion requests whose body mentions `text`. */
export async function generationsMentioning(text: string): Promise<string[]> {
  return (await upstreamLog())
    .filter((e) => e.method === "POST" && e.path.includes("/chat/completions") && JSON.stringify(e.body).includes(text))
    .map((e) => e.generationId)
    .filter((id): id is string => typeof id === "string");
}

// ---- the source tree ------------------------------------------------------------------------

export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

export type DiscoveredRoute = { method: string; path: string; file: string; source: string };

function walk(dir: string, visit: (file: string) => void): void {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) walk(full, visit);
    else visit(full);
  }
}

/** The methods a route file exports: `export const GET`, `export async function GET`, `export const { GET, POST }`, `export { GET }`. */
export function exportedMethods(source: string): string[] {
  const found = new Set<string>();
  const names = HTTP_METHODS.join("|");
  for (const m of source.matchAll(new RegExp(`export\\s+(?:const|let|var)\\s+(${names})\\b`, "g"))) found.add(m[1]);
  for (const m of source.matchAll(new RegExp(`export\\s+(?:async\\s+)?function\\s*\\*?\\s*(${names})\\b`, "g"))) found.add(m[1]);
  for (const m of source.matchAll(/export\s+(?:const|let|var)\s*\{([^}]*)\}/g)) {
    for (const part of m[1].split(",")) {
      const name = part.split(":").pop()?.trim() ?? "";
      if ((HTTP_METHODS as readonly string[]).includes(name)) found.add(name);
    }
  }
  for (const m of source.matchAll(/export\s*\{([^}]*)\}/g)) {
    for (const part of m[1].split(",")) {
      const name =
        part
          .split(/\s+as\s+/)
          .pop()
          ?.trim() ?? "";
      if ((HTTP_METHODS as readonly string[]).includes(name)) found.add(name);
    }
  }
  return [...found].sort();
}

/** Every (method, path) that `app/api/**\/route.ts` serves, path in the file system's form (`/api/x/[id]`). */
export function discoverApiRoutes(): DiscoveredRoute[] {
  const routes: DiscoveredRoute[] = [];
  walk(path.join(ROOT, "app", "api"), (file) => {
    if (!/route\.(ts|tsx|js|mjs)$/.test(file)) return;
    const rel = path.relative(path.join(ROOT, "app"), path.dirname(file)).split(path.sep);
    // Route groups `(name)` do not appear in URLs.
    const urlPath = "/" + rel.filter((s) => !/^\(.*\)$/.test(s)).join("/");
    const source = readFileSync(file, "utf8");
    for (const method of exportedMethods(source)) routes.push({ method, path: urlPath, file: path.relative(ROOT, file), source });
  });
  return routes.sort((a, b) => `${a.path} ${a.method}`.localeCompare(`${b.path} ${b.method}`));
}

/** Whether a route handler reads a body or a query string (so the bad-input corpus must cover it). */
export function readsInput(source: string, method: string): { body: boolean; query: boolean } {
  // Any state-changing method may read a body (directly or through a helper such as readChatRequest).
  const body = !["GET", "HEAD", "OPTIONS"].includes(method);
  const query = /readQuery\(|readSpendQuery\(|searchParams|nextUrl\.search/.test(source);
  return { body, query };
}

export type DiscoveredAction = { key: string; file: string; name: string };

/** Exported functions of every `"use server"` module in app/ and components/ (and lib/). */
export function discoverServerActions(): DiscoveredAction[] {
  const actions: DiscoveredAction[] = [];
  for (const dir of ["app", "components", "lib"]) {
    walk(path.join(ROOT, dir), (file) => {
      if (!/\.(ts|tsx)$/.test(file) || file.includes(`${path.sep}generated${path.sep}`)) return;
      const source = readFileSync(file, "utf8");
      if (!/^\s*(?:\/\/[^\n]*\n\s*|\/\*[\s\S]*?\*\/\s*)*["']use server["']/.test(source)) return;
      const rel = path.relative(ROOT, file);
      const names = new Set<string>();
      for (const m of source.matchAll(/export\s+(?:async\s+)?function\s+(\w+)/g)) names.add(m[1]);
      for (const m of source.matchAll(/export\s+const\s+(\w+)\s*=/g)) names.add(m[1]);
      for (const name of names) actions.push({ key: `${rel}#${name}`, file: rel, name });
    });
  }
  return actions.sort((a, b) => a.key.localeCompare(b.key));
}

/** Every page under app/ as a URL pattern (`/c/[id]`). */
export function discoverPages(): string[] {
  const pages: string[] = [];
  walk(path.join(ROOT, "app"), (file) => {
    if (!/page\.(tsx|ts|jsx|js)$/.test(file)) return;
    const rel = path.relative(path.join(ROOT, "app"), path.dirname(file)).split(path.sep).filter(Boolean);
    pages.push("/" + rel.filter((s) => !/^\(.*\)$/.test(s)).join("/"));
  });
  return pages.sort();
}

/** The production build the suite runs (SB_DIST_DIR or .next). */
export function distDir(): string {
  return path.join(ROOT, process.env.SB_DIST_DIR || ".next");
}

/** Server action ids from the build's manifest, by `file#exportedName`. */
export function builtServerActions(): Map<string, { id: string; pages: string[] }> {
  const manifest = JSON.parse(readFileSync(path.join(distDir(), "server", "server-reference-manifest.json"), "utf8")) as {
    node: Record<string, { workers: Record<string, unknown>; filename?: string; exportedName?: string }>;
  };
  const actions = new Map<string, { id: string; pages: string[] }>();
  for (const [id, entry] of Object.entries(manifest.node)) {
    if (!entry.filename || !entry.exportedName) continue;
    actions.set(`${entry.filename}#${entry.exportedName}`, { id, pages: Object.keys(entry.workers) });
  }
  return actions;
}

export { newUser, type TestUser };
