import "server-only";
import { availableParallelism } from "node:os";
import { Worker, type WorkerOptions } from "node:worker_threads";
import type { z } from "zod";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/log";
import { type JobRequest, workerMessageSchema } from "./protocol";

// Work a tool cannot bound by itself (evaluating an expression a model wrote) runs here, never on
// the server's event loop: in a worker thread with a memory limit, terminated when its time is up,
// when it runs out of memory, or when its caller's signal fires (Stop, the stall watchdog).
//
// A small pool per kind of job rather than a new worker per call: loading a worker's code (mathjs:
// a few hundred ms) on every call would cost more than most jobs. A worker is reused only after a
// job that ended normally (a result, or an error the job threw); one that was timed out, aborted or
// ran out of memory is terminated, as that is the only way to stop synchronous work. At most
// `maxWorkers` jobs run at once, so CPU and memory stay bounded however many answers call tools;
// the others wait, up to their time limit. Idle workers leave after `idleMs`.
//
// The time limit counts the job's work, from when its worker has loaded its code: a worker's start
// (slower on a busy machine) is ours, not the job's, and has a limit of its own.

/** How long a new worker may take to load its code. */
const STARTUP_LIMIT_MS = 30_000;

export type BoundedJobsSpec<O> = {
  /** The job as its errors name it: "calculation" → "The calculation took longer than 5 s…". */
  what: string;
  /**
   * A new worker on the job's entry, with `options` (its limits), written
   * `new Worker(new URL("./x.worker.mjs", import.meta.url), options)`: Next's build bundles a
   * JavaScript entry so named into a worker chunk of its own (a TypeScript one it only copies, and
   * Node 20 runs no TypeScript), and the tests run it in place. The entry speaks ./protocol.ts.
   */
  spawn: (options: WorkerOptions) => Worker;
  /** What a job's output must look like. */
  output: z.ZodType<O>;
  /** The heap a worker may use (V8's old generation), in MB. */
  memoryMb: number;
  maxWorkers?: number;
  idleMs?: number;
};

export type BoundedJobs<I, O> = {
  /** Runs one job; rejects with a JobError (the job's own, or a limit's), or the signal's reason. */
  run(input: I, limits: { timeoutMs: number; signal?: AbortSignal }): Promise<O>;
  /** Ends the idle workers. */
  close(): Promise<void>;
};

export function boundedJobs<I, O>(spec: BoundedJobsSpec<O>): BoundedJobs<I, O> {
  const { what, memoryMb } = spec;
  const maxWorkers = spec.maxWorkers ?? Math.max(2, availableParallelism());
  const idleMs = spec.idleMs ?? 30_000;
  const resourceLimits = { maxOldGenerationSizeMb: memoryMb, maxYoungGenerationSizeMb: Math.min(16, memoryMb), stackSizeMb: 4 };
  const idle: { worker: Worker; timer: NodeJS.Timeout; gone: () => void }[] = [];
  const waiting: (() => void)[] = [];
  let busy = 0;
  let nextId = 0;

  const takeWorker = (): { worker: Worker; ready: boolean } => {
    const warm = idle.pop();
    if (!warm) return { worker: spec.spawn({ resourceLimits }), ready: false };
    clearTimeout(warm.timer);
    warm.worker.off("exit", warm.gone).ref();
    return { worker: warm.worker, ready: true };
  };

  const keepWorker = (worker: Worker) => {
    // An idle worker keeps no process alive (a script, a test run) and leaves after a while.
    worker.unref();
    const drop = () => {
      const at = idle.indexOf(entry);
      if (at >= 0) idle.splice(at, 1);
    };
    const entry = {
      worker,
      timer: setTimeout(() => {
        drop();
        void worker.terminate();
      }, idleMs).unref(),
      gone: () => {
        clearTimeout(entry.timer);
        drop();
      },
    };
    worker.once("exit", entry.gone);
    idle.push(entry);
  };

  /** A place among the `maxWorkers` running jobs, waited for up to the time limit or until the signal. */
  const acquire = (timeoutMs: number, signal?: AbortSignal): Promise<void> => {
    if (busy < maxWorkers) {
      busy++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const handOver = () => {
        cleanup();
        resolve();
      };
      const onAbort = () => {
        cleanup();
        reject(stopped(what, signal));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new JobError("timeout:tool", `The ${what} could not start within ${seconds(timeoutMs)}: the server was busy with others. Try again.`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        const at = waiting.indexOf(handOver);
        if (at >= 0) waiting.splice(at, 1);
      };
      waiting.push(handOver);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  };

  const release = () => {
    const next = waiting.shift();
    if (next)
      next(); // the place passes straight to the next job
    else busy--;
  };

  const runOn = ({ worker, ready }: { worker: Worker; ready: boolean }, input: I, timeoutMs: number, signal?: AbortSignal): Promise<O> =>
    new Promise<O>((resolve, reject) => {
      const id = ++nextId;
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const end = (reusable: boolean, settle: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        worker.off("message", onMessage).off("error", onError).off("exit", onExit);
        if (reusable) keepWorker(worker);
        else void worker.terminate();
        settle();
      };
      const onMessage = (message: unknown) => {
        const reply = workerMessageSchema.safeParse(message);
        if (!reply.success) return end(false, () => reject(failed(what, "an unexpected message")));
        const { data } = reply;
        if ("ready" in data) return startClock();
        if (data.id !== id) return end(false, () => reject(failed(what, "a reply to another job")));
        // An error the job threw (an expression that is not arithmetic): its own words, for the model.
        if (!data.ok) return end(true, () => reject(new JobError("bad_request:tool", data.message)));
        const output = spec.output.safeParse(data.output);
        end(true, () => (output.success ? resolve(output.data) : reject(failed(what, "an output of the wrong shape"))));
      };
      const onError = (error: Error) => {
        if ((error as NodeJS.ErrnoException).code === "ERR_WORKER_OUT_OF_MEMORY") {
          return end(false, () =>
            reject(new JobError("payload_too_large:tool", `The ${what} used more memory than allowed (${memoryMb} MB) and was stopped.`)),
          );
        }
        end(false, () => reject(failed(what, error.message)));
      };
      const onExit = (code: number) => end(false, () => reject(failed(what, `its worker exiting with code ${code}`)));
      const onAbort = () => end(false, () => reject(stopped(what, signal)));
      const startClock = () => {
        clearTimeout(timer);
        timer = setTimeout(
          () => end(false, () => reject(new JobError("timeout:tool", `The ${what} took longer than ${seconds(timeoutMs)} and was stopped.`))),
          timeoutMs,
        );
      };
      worker.on("message", onMessage).on("error", onError).on("exit", onExit);
      signal?.addEventListener("abort", onAbort, { once: true });
      // A new worker holds the job until its code has loaded, then says it is ready.
      if (ready) startClock();
      else
        timer = setTimeout(
          () => end(false, () => reject(failed(what, `its worker not starting within ${seconds(STARTUP_LIMIT_MS)}`))),
          STARTUP_LIMIT_MS,
        );
      worker.postMessage({ id, input } satisfies JobRequest);
    });

  return {
    async run(input, { timeoutMs, signal }) {
      if (signal?.aborted) throw stopped(what, signal);
      await acquire(timeoutMs, signal);
      try {
        return await runOn(takeWorker(), input, timeoutMs, signal);
      } finally {
        release();
      }
    },
    async close() {
      const all = idle.splice(0);
      await Promise.all(
        all.map(({ worker, timer, gone }) => {
          clearTimeout(timer);
          worker.off("exit", gone);
          return worker.terminate();
        }),
      );
    },
  };
}

/**
 * A job's error. The AI SDK hands a tool's error to the model and the tool card as its `toString()`,
 * which for an Error starts with its name ("AppError: …"): here it is the sentence alone.
 */
export class JobError extends AppError {
  override toString(): string {
    return this.message;
  }
}

function stopped(what: string, signal?: AbortSignal): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : new DOMException(`The ${what} was stopped.`, "AbortError");
}

function failed(what: string, why: string): AppError {
  // Why goes to the log only: the model and the user get a plain sentence.
  logger().error({ what, why }, "a bounded job failed");
  return new JobError("internal:tool", `The ${what} failed. Try again.`);
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}
