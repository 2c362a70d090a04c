import "server-only";
import type { UIMessageChunk } from "ai";
import { AppError } from "@/lib/errors";

// The answer's stream as it is relayed: notes that go right after its `start` (the new
// conversation's id), and transient chunks that work alongside the answer (its title) puts in
// while the answer is still going.

export type Relay = {
  stream: ReadableStream<UIMessageChunk>;
  /** Adds a chunk to the answer's stream; dropped once the answer has finished. */
  send(chunk: UIMessageChunk): void;
};

export function relayAnswer(source: ReadableStream<UIMessageChunk>, leadingChunks: UIMessageChunk[] = []): Relay {
  let relay: TransformStreamDefaultController<UIMessageChunk> | null = null;
  let first = true;
  const stream = source.pipeThrough(
    new TransformStream<UIMessageChunk, UIMessageChunk>({
      start(controller) {
        relay = controller;
      },
      transform(chunk, controller) {
        controller.enqueue(chunk);
        if (chunk.type === "finish") relay = null;
        if (first) {
          first = false;
          for (const extra of leadingChunks) controller.enqueue(extra);
        }
      },
      flush() {
        relay = null;
      },
    }),
  );
  return {
    stream,
    send(chunk) {
      try {
        relay?.enqueue(chunk);
      } catch {
        relay = null; // the stream has ended
      }
    },
  };
}

/**
 * A watchdog that fires when the upstream sends nothing for `timeoutMs`: re-armed by every
 * chunk, cleared at the end; `onStall` gets the error the answer ends with. Our own rather than
 * the SDK's `timeout.chunkMs`, which leaves an unhandled rejection behind whenever a stream is
 * aborted.
 */
export function stallWatchdog(timeoutMs: number, onStall: (error: AppError) => void): { arm(): void; clear(): void } {
  let timer: NodeJS.Timeout | undefined;
  const stalled = () =>
    onStall(new AppError("timeout:upstream", `The model sent nothing for ${Math.round(timeoutMs / 1000)} s, so the answer was stopped. Try again.`));
  return {
    arm() {
      clearTimeout(timer);
      timer = setTimeout(stalled, timeoutMs);
      timer.unref();
    },
    clear() {
      clearTimeout(timer);
    },
  };
}
