import "server-only";
import { readUIMessageStream, type UIMessageChunk } from "ai";
import type { ChatMessageMetadata, ChatUIMessage } from "@/lib/chat/types";
import { getDb } from "@/lib/db";
import { textOfParts } from "@/lib/chat/message-text";
import type { Prisma } from "@/lib/generated/prisma/client";
import { logger } from "@/lib/log";
import { getRedis } from "./client";
import { keys, ORPHAN_AFTER_MS, readAllChunks, type StreamInfo } from "./streams";

// An instance killed mid-answer (kill -9, OOM, a lost machine) saves nothing: its answer stays
// "streaming" in the database. Every instance sweeps Redis for live streams whose owner stopped
// beating; one of them (SET NX claim) rebuilds the partial answer from the mirrored chunks,
// saves it marked as interrupted, ends the Redis stream so resumed readers finish, and makes
// the answer's generations due for settlement at once (their cost comes from /generation).

export const INTERRUPTED_CODE = "interrupted:instance";
const SWEEP_MS = 2_000;

export async function assemble(chunks: UIMessageChunk[]): Promise<ChatUIMessage | null> {
  const stream = new ReadableStream<UIMessageChunk>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  let last: ChatUIMessage | null = null;
  for await (const message of readUIMessageStream<ChatUIMessage>({ stream, onError: () => undefined })) last = message;
  return last;
}

/** Finalises the orphaned answer of one conversation, if this instance wins the claim. */
export async function reapOrphan(conversationId: string): Promise<boolean> {
  const redis = getRedis();
  if (!redis) return false;
  const claimed = await redis.set(keys.reap(conversationId), "1", "PX", 60_000, "NX");
  if (claimed !== "OK") return false;
  const raw = await redis.get(keys.info(conversationId));
  const info = raw ? (JSON.parse(raw) as StreamInfo) : null;
  if (info && !info.done && info.messageId) {
    const { chunks, ended } = await readAllChunks(redis, conversationId);
    if (!ended) {
      const message = await assemble(chunks);
      const parts = message?.parts ?? [];
      const metadata: ChatMessageMetadata = {
        model: info.model,
        createdAt: new Date(info.startedAt).toISOString(),
        durationMs: Date.now() - info.startedAt,
        costPending: true,
        status: "partial",
        error: { code: INTERRUPTED_CODE, message: "The server writing this answer stopped; the answer is kept as far as it got." },
      };
      const db = await getDb();
      // Only an answer still marked as streaming: never overwrite one its owner saved.
      const saved = await db.message.updateMany({
        where: { id: info.messageId, status: "partial", metadata: { path: ["status"], equals: "streaming" } },
        data: {
          parts: parts as unknown as Prisma.InputJsonValue,
          text: textOfParts(parts),
          metadata: metadata as Prisma.InputJsonValue,
        },
      });
      await db.usage.updateMany({
        where: { messageId: info.messageId, settledAt: null, costNano: null },
        data: { nextSettleAt: new Date() },
      });
      logger().warn(
        { conversationId, messageId: info.messageId, owner: info.instance, chunks: chunks.length, saved: saved.count },
        "saved the partial answer of an instance that stopped mid-stream",
      );
    }
  }
  await redis
    .multi()
    .xadd(keys.chunks(conversationId), "*", "end", "1")
    .pexpire(keys.chunks(conversationId), 60_000)
    .set(keys.info(conversationId), JSON.stringify({ ...(info ?? {}), done: true }), "PX", 60_000)
    .zrem(keys.live, conversationId)
    .exec();
  return true;
}

/** One sweep: finalise every stream whose owner has been silent for ORPHAN_AFTER_MS. */
export async function sweepOrphans(now = Date.now()): Promise<number> {
  const redis = getRedis();
  if (!redis || redis.status !== "ready") return 0;
  const stale = await redis.zrangebyscore(keys.live, "-inf", now - ORPHAN_AFTER_MS, "LIMIT", 0, 20);
  let reaped = 0;
  for (const conversationId of stale) {
    try {
      if (await reapOrphan(conversationId)) reaped++;
    } catch (error) {
      logger().warn({ conversationId, error: (error as Error).message }, "could not finalise an orphaned answer");
    }
  }
  return reaped;
}

const holder = globalThis as unknown as { __sbOrphanSweeper?: NodeJS.Timeout };

/** Every instance with Redis sweeps (claims keep it to one finaliser per answer). */
export function ensureOrphanSweeper(): void {
  if (holder.__sbOrphanSweeper || !getRedis()) return;
  if (process.env.NEXT_PHASE === "phase-production-build" || process.env.VITEST) return;
  let running = false;
  holder.__sbOrphanSweeper = setInterval(() => {
    if (running) return;
    running = true;
    void sweepOrphans()
      .catch(() => undefined)
      .finally(() => {
        running = false;
      });
  }, SWEEP_MS);
  holder.__sbOrphanSweeper.unref();
}
