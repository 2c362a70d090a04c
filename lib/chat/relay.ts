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

export type StallWatchdog = {
  /** Bytes arrived from the upstream (keep-alive comments too): the connection is alive. */
  bytes: () => void;
  /** A parsed chunk of the answer arrived: it is making progress. */
  arm: () => void;
  clear: () => void;
};

function duration(ms: number): string {
  return ms >= 120_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`;
}

/**
 * A watchdog with two limits; `onStall` gets the error the answer ends with. `timeoutMs`: no
 * bytes at all, the connection is dead. `keepAliveTimeoutMs`: bytes, but no parsed chunk — only
 * OpenRouter's `: OPENROUTER PROCESSING` comments, which it sends while a model thinks, often for
 * minutes before the first token. Telling the two apart by what was parsed, not by reading the
 * bytes, keeps the hot path to one timestamp per network read (a comment may also be split
 * across reads). One timer, re-scheduled only when it fires, rather than reset per chunk. Our
 * own rather than the SDK's `timeout.chunkMs`, which leaves an unhandled rejection behind
 * whenever a stream is aborted, and counts keep-alives as nothing.
 */
export function stallWatchdog(limits: { timeoutMs: number; keepAliveTimeoutMs: number }, onStall: (error: AppError) => void): StallWatchdog {
  const { timeoutMs, keepAliveTimeoutMs } = limits;
  let timer: NodeJS.Timeout | undefined;
  let lastBytes = 0;
  let lastChunk = 0;
  let stopped = false;
  const schedule = (ms: number) => {
    timer = setTimeout(check, Math.max(ms, 1));
    timer.unref();
  };
  const check = () => {
    if (stopped) return;
    const now = Date.now();
    const silent = now - lastBytes;
    const thinking = now - lastChunk;
    if (silent >= timeoutMs) {
      stopped = true;
      onStall(new AppError("timeout:upstream", `The model sent nothing for ${duration(timeoutMs)}, so the answer was stopped. Try again.`));
    } else if (thinking >= keepAliveTimeoutMs) {
      stopped = true;
      onStall(
        new AppError(
          "timeout:upstream",
          `The model kept thinking for ${duration(keepAliveTimeoutMs)} without sending any of its answer, so the answer was stopped. Try again, or choose a lower reasoning effort or another model.`,
        ),
      );
    } else {
      schedule(Math.min(timeoutMs - silent, keepAliveTimeoutMs - thinking));
    }
  };
  return {
    bytes() {
      lastBytes = Date.now();
    },
    arm() {
      lastChunk = lastBytes = Date.now();
      if (timer === undefined && !stopped) schedule(Math.min(timeoutMs, keepAliveTimeoutMs));
    },
    clear() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
