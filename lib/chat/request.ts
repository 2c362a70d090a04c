import "server-only";
import { chatRequestSchema, type ChatRequest } from "@/lib/chat/types";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { readJson } from "@/lib/http";
import { hit } from "@/lib/rate-limit";

/** The chat request body: size-limited before parsing, validated, the message length checked. */
export async function readChatRequest(request: Request): Promise<ChatRequest> {
  const maxChars = getEnv().SWITCHBOARD_MAX_MESSAGE_CHARS;
  const body = await readJson(request, chatRequestSchema, { maxBytes: maxChars * 4 + 64_000, surface: "chat" });
  const length = body.message?.parts.reduce((n, p) => n + p.text.length, 0) ?? 0;
  if (length > maxChars) {
    throw new AppError("payload_too_large:chat", `The message is ${length} characters long; the limit is ${maxChars}.`);
  }
  if (body.message && length === 0) throw new AppError("bad_request:chat", "The message is empty.");
  return body;
}

/** SWITCHBOARD_CHAT_RATE_PER_MINUTE requests per user per minute. */
export async function enforceChatRateLimit(userId: string): Promise<void> {
  const limit = getEnv().SWITCHBOARD_CHAT_RATE_PER_MINUTE;
  const result = await hit(`chat:${userId}`, limit, 60_000);
  if (!result.allowed) {
    throw new AppError("rate_limited:chat", `You can send ${limit} messages a minute. Try again in ${result.retryAfterSeconds} s.`, {
      retryAfter: result.retryAfterSeconds,
    });
  }
}
