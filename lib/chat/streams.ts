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

// A conversation has one answer in flight, keyed by its id — or, while models are compared, one
// per column, keyed by `columnStreamKey` (the same machinery, Redis included, works per key).

type ActiveStream = {
  conversationId: string;
  messageId: string;
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

/** The stream key of one column of a comparison. */
export function columnStreamKey(conversationId: string, messageId: string): string {
  return `${conversationId}~${messageId}`;
}

/** The answers of the conversation being written on this instance. */
export function streamingMessageIds(conversationId: string): string[] {
  const ids: string[] = [];
  for (const entry of active().values()) if (entry.conversationId === conversationId && !entry.done) ids.push(entry.messageId);
  return ids;
}

export function isStreaming(conversationId: string): boolean {
  return streamingMessageIds(conversationId).length > 0;
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
  listenForStops((key, runId) => {
    const entry = active().get(key);
    if (entry && entry.runId === runId && !entry.done) {
      logger().info({ conversationId: entry.conversationId }, "stopping an answer at another instance's request");
      entry.abort.abort();
    }
  });
}

/**
 * Starts pumping `source` for the answer under `key` (the conversation's id, or a column's key).
 * The caller attaches readers. Resolves once the stream is registered here (and offered through
 * Redis when there is one).
 */
export async function runStream(
  key: string,
  conversationId: string,
  userId: string,
  abort: AbortController,
  source: ReadableStream<UIMessageChunk>,
  shared: { messageId: string; model: string } = { messageId: "", model: "" },
): Promise<void> {
  const runId = randomUUID();
  let markFinished = () => {};
  const finished = new Promise<void>((resolve) => (markFinished = resolve));
  const entry: ActiveStream = {
    conversationId,
    messageId: shared.messageId,
    userId,
    runId,
    chunks: [],
    readers: new Set(),
    done: false,
    abort,
    finished,
  };
  active().set(key, entry);
  listenForRemoteStops();
  // Redis knows streams by key only; the answer's message id is in the info it keeps.
  const mirror = await SharedStreamWriter.open({ conversationId: key, userId, runId, messageId: shared.messageId, model: shared.model });
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
        if (active().get(key) === entry) active().delete(key);
      }, RETAIN_DONE_MS).unref();
    }
  })();
}

/** A reader of this instance's current answer under `key` from its first chunk, or null. */
export function attachStream(key: string, userId: string): ReadableStream<UIMessageChunk> | null {
  const entry = active().get(key);
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
 * A reader of the current answer under `key` from its first chunk, wherever it runs (this
 * instance, or another through Redis); null when there is none for this user.
 */
export async function attachAnywhere(key: string, userId: string): Promise<ReadableStream<UIMessageChunk> | null> {
  const entry = active().get(key);
  if (entry && !entry.done) return attachStream(key, userId);
  // A finished run kept here may be older than one started since on another instance.
  return (await attachRemote(key, userId)) ?? attachStream(key, userId);
}

/** Aborts the upstream generation under `key` when it runs on this instance. */
export function stopStream(key: string, userId: string): boolean {
  const entry = active().get(key);
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
export async function stopAnywhere(key: string, userId: string): Promise<boolean> {
  const entry = active().get(key);
  if (entry && stopStream(key, userId)) {
    await Promise.race([entry.finished, new Promise((resolve) => setTimeout(resolve, STOP_SAVE_WAIT_MS).unref())]);
    return true;
  }
  return requestRemoteStop(key, userId);
}

/**
 * Stops every answer of the caller's conversation: its answer, or every column of a comparison —
 * those running here, and (through Redis) those of `columnIds` running on another instance.
 */
export async function stopConversation(conversationId: string, userId: string, columnIds: string[] = []): Promise<boolean> {
  const keys = new Set([conversationId, ...columnIds.map((id) => columnStreamKey(conversationId, id))]);
  for (const [key, entry] of active()) if (entry.conversationId === conversationId && !entry.done) keys.add(key);
  const stopped = await Promise.all([...keys].map((key) => stopAnywhere(key, userId)));
  return stopped.some(Boolean);
}
