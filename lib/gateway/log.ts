import "server-only";
import { getDb } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { logger } from "@/lib/log";

// A key created with "keep a log" keeps each call's request and answer (ApiLog) for its owner.
// Nothing else of an API call is stored beyond its Usage rows: no conversation, no message.

export type ApiLogEntry = {
  userId: string;
  apiKeyId: string;
  endpoint: "chat.completions" | "embeddings";
  model: string;
  generationId: string | null;
  status: number;
  request: unknown;
  /** The JSON answer, the assembled streamed message, or the error body. */
  response: unknown;
};

/** Writes the entry; a failure is logged, never the caller's problem (the call has been answered). */
export async function writeApiLog(entry: ApiLogEntry): Promise<void> {
  try {
    const db = await getDb();
    await db.apiLog.create({
      data: {
        userId: entry.userId,
        apiKeyId: entry.apiKeyId,
        endpoint: entry.endpoint,
        model: entry.model,
        generationId: entry.generationId,
        status: entry.status,
        request: asJson(entry.request) ?? {},
        response: asJson(entry.response) ?? undefined,
      },
    });
  } catch (error) {
    logger().warn({ apiKeyId: entry.apiKeyId, error: error instanceof Error ? error.message : String(error) }, "could not keep an API call's log");
  }
}

function asJson(value: unknown): Prisma.InputJsonValue | null {
  if (value === undefined || value === null) return null;
  return JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue;
}
