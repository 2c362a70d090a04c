import "server-only";
import { readUIMessageStream, type UIMessageChunk } from "ai";
import type { ChatUIMessage } from "@/lib/chat/types";
import { partsWhileStreaming } from "@/lib/db/messages";
import { logger } from "@/lib/log";
import { redisUrl } from "@/lib/redis/client";
import { claimSilentStream, closeSilentStream, listSilentStreams } from "@/lib/redis/streams";
import { finishAnswer } from "./finish";

// An instance killed mid-answer (kill -9, OOM, a lost machine) saves nothing: its answer stays
// "streaming" in the database. Every instance sweeps Redis for live streams whose owner stopped
// beating; one of them (Redis lets one claim each) rebuilds the partial answer from the mirrored
// chunks, finishes it as interrupted (./finish.ts) and ends the Redis stream so resumed readers
// finish.

const SWEEP_MS = 2_000;

/** The answer the chunks make; `base`: an answer that went on after its tool approvals, which they add to. */
export async function assemble(chunks: UIMessageChunk[], base?: ChatUIMessage): Promise<ChatUIMessage | null> {
  const stream = new ReadableStream<UIMessageChunk>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  let last: ChatUIMessage | null = null;
  for await (const message of readUIMessageStream<ChatUIMessage>({ message: base, stream, onError: () => undefined })) last = message;
  return last;
}

/** Finishes the orphaned answer under one stream key, if this instance wins the claim. */
export async function reapOrphan(key: string): Promise<boolean> {
  const silent = await claimSilentStream(key);
  if (!silent) return false;
  const { info, chunks, ended } = silent;
  if (info && !info.done && info.messageId && !ended) {
    const before = await partsWhileStreaming(info.messageId);
    const message = await assemble(chunks, before.length > 0 ? { id: info.messageId, role: "assistant", parts: before } : undefined);
    const saved = await finishAnswer({
      how: "interrupted",
      messageId: info.messageId,
      parts: message?.parts ?? [],
      metadata: { model: info.model, createdAt: new Date(info.startedAt).toISOString(), durationMs: Date.now() - info.startedAt },
    });
    logger().warn(
      { conversationId: info.conversationId, messageId: info.messageId, owner: info.instance, chunks: chunks.length, saved },
      "saved the partial answer of an instance that stopped mid-stream",
    );
  }
  await closeSilentStream(key, info);
  return true;
}

/** One sweep: finishes every stream whose owner has been silent for too long. */
export async function sweepOrphans(now = Date.now()): Promise<number> {
  let reaped = 0;
  for (const key of await listSilentStreams(now)) {
    try {
      if (await reapOrphan(key)) reaped++;
    } catch (error) {
      logger().warn({ key, error: (error as Error).message }, "could not finalise an orphaned answer");
    }
  }
  return reaped;
}

const holder = globalThis as unknown as { __sbOrphanSweeper?: NodeJS.Timeout };

/** Every instance with Redis sweeps (claims keep it to one finaliser per answer). */
export function ensureOrphanSweeper(): void {
  if (holder.__sbOrphanSweeper || !redisUrl()) return;
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
