import "server-only";
import { tool } from "ai";
import { all, create } from "mathjs";
import { z } from "zod";
import type { CalculatorOutput } from "@/lib/chat/types";

// Exact arithmetic through mathjs with 64-digit BigNumbers (0.1 + 0.2 is 0.3 here).
const math = create(all, { number: "BigNumber", precision: 64 });
const evaluate = math.evaluate.bind(math);
// A model writes the expression: take away everything that reaches outside arithmetic.
math.import(
  Object.fromEntries(
    ["import", "createUnit", "evaluate", "parse", "simplify", "derivative", "resolve", "compile", "reviver", "replacer"].map((name) => [
      name,
      () => {
        throw new Error(`${name} is disabled`);
      },
    ]),
  ),
  { override: true },
);

export const calculatorInput = z.object({
  expression: z.string().min(1).max(500).describe("An arithmetic expression, e.g. (2 + 3) * 4 / 7 or sqrt(2)^2"),
});

export function calculate(expression: string): CalculatorOutput {
  const value: unknown = evaluate(expression);
  if (typeof value === "function" || value === undefined) throw new Error("Not an arithmetic expression.");
  return { expression, result: math.format(value as never, { precision: 64, lowerExp: -12, upperExp: 40 }) };
}

export const calculatorTool = tool({
  description: "Evaluate an arithmetic expression exactly (big decimals). Use it for any calculation.",
  inputSchema: calculatorInput,
  execute: async ({ expression }) => calculate(expression),
});
