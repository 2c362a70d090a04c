import "server-only";
import { randomUUID } from "node:crypto";
import type { UIMessageChunk } from "ai";
import { logger } from "@/lib/log";
import { streamEnded, streamStarted } from "@/lib/metrics";
import { AppError } from "@/lib/errors";
import { attachRemote, listenForStops, requestRemoteStop, runningElsewhere, SharedStreamWriter } from "@/lib/redis/streams";

// Answers in flight. The generation is pumped here, independent of any browser: closing the
// tab detaches a reader, it does not stop the answer. A reload attaches a new reader that
// replays what was sent so far and then follows live. Stopping is an explicit request that
// aborts the upstream call.
//
// With REDIS_URL every chunk is also mirrored to Redis (lib/redis/streams.ts), so a reload
// landing on another instance resumes there, and a stop sent to any instance reaches the one
// running the answer. Without Redis (or while it is down) all of this holds on one instance.

type ActiveStream = {
  conversationId: string;
  userId: string;
  runId: string;
  chunks: UIMessageChunk[];
  readers: Set<ReadableStreamDefaultController<UIMessageChunk>>;
  done: boolean;
  abort: AbortController;
  /** Resolves when the run has ended and its answer is saved (the source closes after the save). */
  finished: Promise<void>;
};

const holder = globalThis as unknown as { __sbStreams?: Map<string, ActiveStream> };
const active = (): Map<string, ActiveStream> => (holder.__sbStreams ??= new Map());

/** Keep a finished stream a little while, so a reload racing the end still gets it. */
const RETAIN_DONE_MS = 30_000;

export function isStreaming(conversationId: string): boolean {
  const entry = active().get(conversationId);
  return Boolean(entry && !entry.done);
}

export function activeStreamCount(): number {
  let n = 0;
  for (const entry of active().values()) if (!entry.done) n++;
  return n;
}

/** True while the caller's answer in the conversation is being written here or on another instance. */
export async function isStreamingAnywhere(conversationId: string, userId: string): Promise<boolean> {
  return isStreaming(conversationId) || (await runningElsewhere(conversationId, userId));
}

/** Refuses a new turn while an answer is being written in the conversation on another instance. */
export async function assertNotStreamingElsewhere(conversationId: string, userId: string): Promise<void> {
  if (isStreaming(conversationId) || !(await runningElsewhere(conversationId, userId))) return; // here: planTurn says so
  throw new AppError("conflict:chat", "An answer is still being written in this conversation. Stop it or wait for it to finish.");
}

/** Stop requests from other instances abort the run they name, if it is on this one. */
export function listenForRemoteStops(): void {
  listenForStops((conversationId, runId) => {
    const entry = active().get(conversationId);
    if (entry && entry.runId === runId && !entry.done) {
      logger().info({ conversationId }, "stopping an answer at another instance's request");
      entry.abort.abort();
    }
  });
}

/**
 * Starts pumping `source` for the conversation. The caller attaches readers. Resolves once
 * the stream is registered here (and offered through Redis when there is one).
 */
export async function runStream(
  conversationId: string,
  userId: string,
  abort: AbortController,
  source: ReadableStream<UIMessageChunk>,
  shared: { messageId: string; model: string } = { messageId: "", model: "" },
): Promise<void> {
  const runId = randomUUID();
  let markFinished = () => {};
  const finished = new Promise<void>((resolve) => (markFinished = resolve));
  const entry: ActiveStream = { conversationId, userId, runId, chunks: [], readers: new Set(), done: false, abort, finished };
  active().set(conversationId, entry);
  listenForRemoteStops();
  const mirror = await SharedStreamWriter.open({ conversationId, userId, runId, messageId: shared.messageId, model: shared.model });
  streamStarted();
  void (async () => {
    const reader = source.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        entry.chunks.push(value);
        mirror?.push(value);
        for (const controller of entry.readers) {
          try {
            controller.enqueue(value);
          } catch {
            entry.readers.delete(controller); // that reader went away
          }
        }
      }
    } catch (error) {
      logger().error({ conversationId, error: error instanceof Error ? error.message : String(error) }, "stream pump failed");
    } finally {
      entry.done = true;
      streamEnded();
      await mirror?.end();
      for (const controller of entry.readers) {
        try {
          controller.close();
        } catch {
          /* already closed */
        }
      }
      entry.readers.clear();
      markFinished();
      setTimeout(() => {
        if (active().get(conversationId) === entry) active().delete(conversationId);
      }, RETAIN_DONE_MS).unref();
    }
  })();
}

/** A reader of this instance's current answer for the conversation from its first chunk, or null. */
export function attachStream(conversationId: string, userId: string): ReadableStream<UIMessageChunk> | null {
  const entry = active().get(conversationId);
  if (!entry || entry.userId !== userId) return null;
  let own: ReadableStreamDefaultController<UIMessageChunk> | undefined;
  return new ReadableStream<UIMessageChunk>({
    start(controller) {
      own = controller;
      for (const chunk of entry.chunks) controller.enqueue(chunk);
      if (entry.done) controller.close();
      else entry.readers.add(controller);
    },
    cancel() {
      if (own) entry.readers.delete(own);
    },
  });
}

/**
 * A reader of the conversation's current answer from its first chunk, wherever it runs
 * (this instance, or another through Redis); null when there is none for this user.
 */
export async function attachAnywhere(conversationId: string, userId: string): Promise<ReadableStream<UIMessageChunk> | null> {
  const entry = active().get(conversationId);
  if (entry && !entry.done) return attachStream(conversationId, userId);
  // A finished run kept here may be older than one started since on another instance.
  return (await attachRemote(conversationId, userId)) ?? attachStream(conversationId, userId);
}

/** Aborts the upstream generation of the caller's conversation when it runs on this instance. */
export function stopStream(conversationId: string, userId: string): boolean {
  const entry = active().get(conversationId);
  if (!entry || entry.userId !== userId || entry.done) return false;
  entry.abort.abort();
  return true;
}

/** How long a stop waits for the stopped answer to be saved before it answers anyway. */
const STOP_SAVE_WAIT_MS = 5_000;

/**
 * Aborts the caller's answer here and waits (briefly) until its partial answer is saved, so a
 * reload or a next message right after the stop sees it stopped; or asks the instance running
 * it (through Redis) to stop it.
 */
export async function stopAnywhere(conversationId: string, userId: string): Promise<boolean> {
  const entry = active().get(conversationId);
  if (entry && stopStream(conversationId, userId)) {
    await Promise.race([entry.finished, new Promise((resolve) => setTimeout(resolve, STOP_SAVE_WAIT_MS).unref())]);
    return true;
  }
  return requestRemoteStop(conversationId, userId);
}
