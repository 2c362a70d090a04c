// What a browser does, over plain HTTP: register, sign in (Auth.js credentials flow), send a
// chat message and read its UI message stream, resume, stop.
import { randomBytes } from "node:crypto";
import { MODEL } from "./cluster";

export type User = { email: string; password: string; cookie: string };

export const newId = (prefix = "c") => `${prefix}${randomBytes(9).toString("hex")}`;

function cookiesOf(response: Response): Map<string, string> {
  const jar = new Map<string, string>();
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(";");
    const eq = pair!.indexOf("=");
    if (eq > 0) jar.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
  }
  return jar;
}

export async function registerAndSignIn(baseUrl: string, prefix = "inst"): Promise<User> {
  const id = randomBytes(5).toString("hex");
  const email = `${prefix}-${id}@example.com`;
  const password = `pw-${id}-long-enough`;
  const registered = await fetch(`${baseUrl}/api/auth/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: `${prefix} ${id}`, email, password }),
  });
  if (registered.status !== 201) throw new Error(`register: ${registered.status} ${await registered.text()}`);
  const cookie = await signIn(baseUrl, email, password);
  if (!cookie) throw new Error(`sign-in failed for ${email}`);
  return { email, password, cookie };
}

/** Auth.js's credentials flow; the session cookie, or null when the sign-in was refused. */
export async function signIn(baseUrl: string, email: string, password: string): Promise<string | null> {
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`);
  const jar = cookiesOf(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const response = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; "),
      "x-auth-return-redirect": "1",
    },
    body: new URLSearchParams({ email, password, csrfToken, callbackUrl: `${baseUrl}/` }).toString(),
  });
  await response.arrayBuffer();
  for (const [k, v] of cookiesOf(response)) jar.set(k, v);
  const name = [...jar.keys()].find((k) => k.endsWith("authjs.session-token"));
  return name ? `${name}=${jar.get(name)}` : null;
}

export type Chunk = { type: string; delta?: string; errorText?: string; [key: string]: unknown };

export function sendChat(
  baseUrl: string,
  user: User,
  text: string,
  options: { conversationId?: string; model?: string; settings?: Record<string, unknown>; signal?: AbortSignal; models?: string[] } = {},
): Promise<Response> {
  return fetch(`${baseUrl}/api/chat`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie: user.cookie },
    body: JSON.stringify({
      id: options.conversationId ?? newId(),
      trigger: "submit-message",
      model: options.model ?? MODEL,
      message: { id: newId("m"), role: "user", parts: [{ type: "text", text }] },
      ...(options.settings ? { settings: options.settings } : {}),
      ...(options.models ? { models: options.models } : {}),
    }),
    signal: options.signal,
  });
}

/** Reads a UI message stream (SSE) chunk by chunk; `until` stops early (the reader is cancelled). */
export async function readChunks(response: Response, until?: (chunks: Chunk[]) => boolean): Promise<Chunk[]> {
  const chunks: Chunk[] = [];
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += value;
    let cut: number;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const event = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      for (const line of event.split("\n")) {
        if (!line.startsWith("data: ")) continue;
        const data = line.slice(6);
        if (data === "[DONE]") continue;
        chunks.push(JSON.parse(data) as Chunk);
      }
    }
    if (until?.(chunks)) {
      await reader.cancel().catch(() => undefined);
      break;
    }
  }
  return chunks;
}

export const textOf = (chunks: Chunk[]) =>
  chunks
    .filter((c) => c.type === "text-delta")
    .map((c) => c.delta ?? "")
    .join("");
export const deltas = (chunks: Chunk[]) => chunks.filter((c) => c.type === "text-delta").length;

export function resume(baseUrl: string, user: User, conversationId: string): Promise<Response> {
  return fetch(`${baseUrl}/api/chat/${conversationId}/stream`, { headers: { cookie: user.cookie } });
}

export async function stop(baseUrl: string, user: User, conversationId: string): Promise<{ status: number; body: { stopped?: boolean } }> {
  const response = await fetch(`${baseUrl}/api/chat/${conversationId}/stop`, { method: "POST", headers: { cookie: user.cookie } });
  return { status: response.status, body: (await response.json()) as { stopped?: boolean } };
}

export async function health(baseUrl: string): Promise<{ status: string; db: string; redis?: string }> {
  const response = await fetch(`${baseUrl}/api/health`);
  return (await response.json()) as { status: string; db: string; redis?: string };
}

/** Polls `check` until it returns a value (not undefined), or fails after `ms`. */
export async function eventually<T>(check: () => Promise<T | undefined>, ms = 30_000, what = "condition"): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`);
}

/** A personal API key for the user, created as the Account page does. */
export async function createApiKey(baseUrl: string, user: User, body: Record<string, unknown> = {}): Promise<string> {
  const response = await fetch(`${baseUrl}/api/account/keys`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie: user.cookie },
    body: JSON.stringify({ name: "instances", ...body }),
  });
  if (response.status !== 201) throw new Error(`creating a key: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { key: string }).key;
}

/** A chat completion through the gateway, as any OpenAI client sends it. */
export function sendApiCompletion(baseUrl: string, key: string, body: Record<string, unknown>, signal?: AbortSignal): Promise<Response> {
  return fetch(`${baseUrl}/api/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({ model: MODEL, ...body }),
    signal,
  });
}
