// Calling route handlers in-process, as the signed-in user a test chooses: the session is the one
// thing stood in for (Auth.js needs Next's request context); the database, the handlers and the
// upstream (the local OpenRouter over HTTP) are all real. Use with
// `vi.mock("@/lib/auth", () => sessionMock())` at the top of a test file.
import { generateId, type UIMessageChunk } from "ai";
import type { SessionUser } from "@/lib/auth";
import { AppError } from "@/lib/errors";

const holder = globalThis as unknown as { __sbTestSessionUser?: SessionUser | null };

export function signInAs(user: SessionUser | null): void {
  holder.__sbTestSessionUser = user;
}

export function sessionMock() {
  const requireUser = async (): Promise<SessionUser> => {
    const user = holder.__sbTestSessionUser;
    if (!user) throw new AppError("unauthorized:auth", "Sign in to continue.");
    return user;
  };
  return {
    requireUser,
    requireAdmin: async () => {
      const user = await requireUser();
      if (user.role !== "admin") throw new AppError("forbidden:admin", "Administrators only.");
      return user;
    },
  };
}

export const APP = "http://app.test";

export function jsonRequest(path: string, body: unknown, init: RequestInit = {}): Request {
  return new Request(`${APP}${path}`, {
    method: "POST",
    body: JSON.stringify(body),
    ...init,
    headers: { "content-type": "application/json", host: "app.test", ...(init.headers as Record<string, string> | undefined) },
  });
}

/** POST /api/chat: a new user message saying `text` in conversation `id`, to openai/gpt-4o-mini unless `extra` says otherwise. */
export async function postChatMessage(id: string, text: string, extra: Record<string, unknown> = {}): Promise<Response> {
  const { POST } = await import("@/app/api/chat/route");
  const message = { id: generateId(), role: "user", parts: [{ type: "text", text }] };
  return POST(jsonRequest("/api/chat", { id, trigger: "submit-message", model: "openai/gpt-4o-mini", message, ...extra }), undefined);
}

/** Waits (10 s at most) until no answer of the conversation streams on this instance; true once none does. */
export async function waitUntilIdle(conversationId: string): Promise<boolean> {
  const { isStreaming } = await import("@/lib/chat/streams");
  for (let i = 0; i < 400 && isStreaming(conversationId); i++) await new Promise((r) => setTimeout(r, 25));
  return !isStreaming(conversationId);
}

/** The UI message chunks of a chat response (SSE `data:` lines). */
export async function readUIChunks(response: Response): Promise<UIMessageChunk[]> {
  const text = await response.text();
  const chunks: UIMessageChunk[] = [];
  for (const line of text.split("\n")) {
    if (!line.startsWith("data: ")) continue;
    const data = line.slice(6).trim();
    if (data === "[DONE]") continue;
    chunks.push(JSON.parse(data) as UIMessageChunk);
  }
  return chunks;
}
