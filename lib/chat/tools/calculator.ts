import "server-only";
import { tool } from "ai";
import { Worker } from "node:worker_threads";
import { z } from "zod";
import type { CalculatorOutput } from "@/lib/chat/types";
import { getEnv } from "@/lib/env";
import { boundedJobs } from "@/lib/sandbox/bounded";

/** The heap a calculation may use: mathjs itself takes about 20 MB of it. */
export const CALCULATOR_MEMORY_MB = 128;

export const calculatorInput = z.object({
  expression: z.string().min(1).max(500).describe("An arithmetic expression, e.g. (2 + 3) * 4 / 7 or sqrt(2)^2"),
});

export const calculatorOutput = z.object({ expression: z.string(), result: z.string() });

const calculations = boundedJobs<string, CalculatorOutput>({
  what: "calculation",
  // Written this way, Next's build bundles the entry into a worker chunk of its own (with mathjs),
  // which the standalone server has too; the tests run the file in place.
  spawn: (options) => new Worker(new URL("./calculator.worker.mjs", import.meta.url), options),
  output: calculatorOutput,
  memoryMb: CALCULATOR_MEMORY_MB,
});

/** Evaluates the expression in a worker, within SWITCHBOARD_TOOL_TIMEOUT_MS and the memory limit. */
export function calculate(expression: string, signal?: AbortSignal): Promise<CalculatorOutput> {
  return calculations.run(expression, { timeoutMs: getEnv().SWITCHBOARD_TOOL_TIMEOUT_MS, signal });
}

export const calculatorTool = tool({
  description: "Evaluate an arithmetic expression exactly (big decimals). Use it for any calculation.",
  inputSchema: calculatorInput,
  execute: async ({ expression }, { abortSignal }) => calculate(expression, abortSignal),
});
