/** What every endpoint of one running local OpenRouter shares: its options, its records and its timers. */
import type http from "node:http";
import { DEFAULT_TOKENS_PER_SECOND } from "./plan";
import type { GenerationRecord, LocalOpenRouterOptions, RequestLogEntry } from "./types";

/** A response being produced over time (a stream, or a JSON body that waits for its tokens). */
export interface Run {
  shutdown(): void;
}

/** Timers and runs that close() can always end, so a closed server leaves nothing behind. */
export class Timers {
  private readonly timeouts = new Set<NodeJS.Timeout>();
  private readonly intervals = new Set<NodeJS.Timeout>();
  private readonly runs = new Set<Run>();

  schedule(fn: () => void, ms: number): NodeJS.Timeout {
    const t = setTimeout(
      () => {
        this.timeouts.delete(t);
        fn();
      },
      Math.max(0, ms),
    );
    this.timeouts.add(t);
    return t;
  }

  cancel(t: NodeJS.Timeout | null): void {
    if (!t) return;
    clearTimeout(t);
    this.timeouts.delete(t);
  }

  every(fn: () => void, ms: number): NodeJS.Timeout {
    const t = setInterval(fn, ms);
    this.intervals.add(t);
    return t;
  }

  stopEvery(t: NodeJS.Timeout | null): void {
    if (!t) return;
    clearInterval(t);
    this.intervals.delete(t);
  }

  addRun(run: Run): void {
    this.runs.add(run);
  }

  removeRun(run: Run): void {
    this.runs.delete(run);
  }

  /** Ends every run, then clears whatever timers are left. */
  shutdown(): void {
    for (const run of [...this.runs]) run.shutdown();
    for (const t of this.timeouts) clearTimeout(t);
    this.timeouts.clear();
    for (const t of this.intervals) clearInterval(t);
    this.intervals.clear();
  }
}

export class ServerState {
  readonly log: RequestLogEntry[] = [];
  readonly generations = new Map<string, GenerationRecord>();
  /** How many times each scripted `error times=N` request has failed so far. */
  readonly errorCounters = new Map<string, number>();
  readonly timers = new Timers();
  readonly defaultRate: number;
  /** True once close() began: the connections it ends are not "closed by the client". */
  closed = false;

  constructor(readonly opts: LocalOpenRouterOptions) {
    this.defaultRate = opts.tokensPerSecond ?? DEFAULT_TOKENS_PER_SECOND;
  }
}

/** Responses the server destroyed on purpose (`drop`, shutdown): not "closed by the client". */
export const droppedByServer = new WeakSet<http.ServerResponse>();
