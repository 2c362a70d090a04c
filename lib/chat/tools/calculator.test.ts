import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ToolExecutionOptions } from "ai";
import { Worker } from "node:worker_threads";
import { AppError } from "@/lib/errors";

// The calculator runs in a worker thread (lib/sandbox/bounded.ts): an expression that asks for
// minutes of work is stopped at the limit, while the event loop keeps turning; Stop and the stall
// watchdog end it at once; one that eats memory is stopped too.

const LIMIT_MS = 1_500;
process.env.SWITCHBOARD_TOOL_TIMEOUT_MS = String(LIMIT_MS);
/** Minutes of work: 400³ BigNumber multiplications. */
const HEAVY = "sum(ones(400,400)*ones(400,400))";

let calculator: typeof import("./calculator");
let tools: typeof import("./index");
beforeAll(async () => {
  calculator = await import("./calculator");
  tools = await import("./index");
  // A worker warmed up, so the limits below measure the work and not the first worker's start.
  await calculator.calculate("1 + 1");
});

/** The longest the event loop went without turning, while `work` ran. */
async function maxLoopLag<T>(work: Promise<T>): Promise<number> {
  let last = performance.now();
  let max = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    max = Math.max(max, now - last);
    last = now;
  }, 10);
  await work.catch(() => undefined);
  clearInterval(timer);
  return max;
}

async function failure(work: Promise<unknown>): Promise<unknown> {
  return work.then(
    () => expect.unreachable("the calculation should have been stopped"),
    (error: unknown) => error,
  );
}

const callOptions = (abortSignal?: AbortSignal): ToolExecutionOptions<never> => ({ toolCallId: "call_1", messages: [], abortSignal }) as never;

describe("the calculator's worker", () => {
  let controllers: AbortController[] = [];
  afterEach(() => {
    for (const c of controllers) c.abort();
    controllers = [];
  });

  it("calculates exactly, and an expression it cannot evaluate fails with its own message", async () => {
    await expect(calculator.calculate("0.1 + 0.2")).resolves.toEqual({ expression: "0.1 + 0.2", result: "0.3" });
    const syntax = await failure(calculator.calculate("1 +"));
    // The model and the user read the error as its toString(): the sentence alone.
    expect(String(syntax)).toMatch(/^Unexpected end of expression/);
    await expect(calculator.calculate("import({})")).rejects.toThrow(/import is disabled/);
  });

  it("stops minutes of work at the limit with a clear error, the event loop turning all along", async () => {
    const started = performance.now();
    const work = calculator.calculate(HEAVY);
    const [lag, error] = await Promise.all([maxLoopLag(work), failure(work)]);
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: "timeout:tool", message: "The calculation took longer than 1.5 s and was stopped." });
    expect(String(error)).toBe("The calculation took longer than 1.5 s and was stopped.");
    expect(elapsed).toBeGreaterThanOrEqual(LIMIT_MS - 5);
    expect(elapsed).toBeLessThan(LIMIT_MS + 500);
    // On the event loop, the evaluation would have held it for the whole 1.5 s.
    expect(lag).toBeLessThan(200);
  });

  it("Stop (the SDK's signal) and the stall watchdog (the answer's) each end a running calculation at once", async () => {
    const execute = (signal: AbortSignal | undefined, stall?: AbortSignal) =>
      tools.buildTools("user-id", stall).calculator!.execute!({ expression: HEAVY }, callOptions(signal)) as Promise<unknown>;
    for (const which of ["stop", "stall"] as const) {
      const stop = new AbortController();
      const stall = new AbortController();
      controllers.push(stop, stall);
      const work = failure(execute(stop.signal, stall.signal));
      await new Promise((r) => setTimeout(r, 300));
      const aborted = performance.now();
      (which === "stop" ? stop : stall).abort();
      const error = await work;
      expect(performance.now() - aborted, which).toBeLessThan(50);
      expect(error, which).toMatchObject({ name: "AbortError" });
    }
    // The pool is whole again: the next calculation runs.
    await expect(calculator.calculate("6 * 7")).resolves.toMatchObject({ result: "42" });
  });

  it("stops a calculation that uses more memory than allowed", async () => {
    // A runner of its own on the calculator's worker, with a smaller heap to fill and time enough to fill it.
    const { boundedJobs } = await import("@/lib/sandbox/bounded");
    const jobs = boundedJobs<string, unknown>({
      what: "calculation",
      spawn: (options) => new Worker(new URL("./calculator.worker.mjs", import.meta.url), options),
      output: calculator.calculatorOutput,
      memoryMb: 48,
    });
    const error = await failure(jobs.run("ones(3000,3000)", { timeoutMs: 60_000 }));
    expect(error).toMatchObject({
      code: "payload_too_large:tool",
      message: "The calculation used more memory than allowed (48 MB) and was stopped.",
    });
    await jobs.close();
  });
});
