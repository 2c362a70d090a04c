import "server-only";
import type { UIMessageChunk } from "ai";

// Answers in flight on this instance. The generation is pumped here, independent of any
// browser: closing the tab detaches a reader, it does not stop the answer. A reload attaches
// a new reader that replays what was sent so far and then follows live. Stopping is an
// explicit request that aborts the upstream call.

type ActiveStream = {
  conversationId: string;
  userId: string;
  chunks: UIMessageChunk[];
  readers: Set<ReadableStreamDefaultController<UIMessageChunk>>;
  done: boolean;
  abort: AbortController;
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

/** Starts pumping `source` for the conversation. The caller attaches readers. */
export function runStream(
  conversationId: string,
  userId: string,
  abort: AbortController,
  source: ReadableStream<UIMessageChunk>,
): void {
  const entry: ActiveStream = { conversationId, userId, chunks: [], readers: new Set(), done: false, abort };
  active().set(conversationId, entry);
  void (async () => {
    const reader = source.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        entry.chunks.push(value);
        for (const controller of entry.readers) {
          try {
            controller.enqueue(value);
          } catch {
            entry.readers.delete(controller); // that reader went away
          }
        }
      }
    } catch (error) {
      console.error("[chat] stream pump failed", error instanceof Error ? error.message : error);
    } finally {
      entry.done = true;
      for (const controller of entry.readers) {
        try {
          controller.close();
        } catch {
          /* already closed */
        }
      }
      entry.readers.clear();
      setTimeout(() => {
        if (active().get(conversationId) === entry) active().delete(conversationId);
      }, RETAIN_DONE_MS).unref();
    }
  })();
}

/** A reader of the conversation's current answer from its first chunk, or null when none. */
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

/** Aborts the upstream generation of the caller's conversation. */
export function stopStream(conversationId: string, userId: string): boolean {
  const entry = active().get(conversationId);
  if (!entry || entry.userId !== userId || entry.done) return false;
  entry.abort.abort();
  return true;
}
