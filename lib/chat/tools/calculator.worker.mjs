// The calculator's worker thread, started by ./calculator.ts through lib/sandbox/bounded.ts: the
// model-written expression is evaluated here, never on the server's event loop, since a short one can
// ask for minutes of work (`sum(ones(400,400)*ones(400,400))`). JavaScript, not TypeScript: Next's
// build bundles it (with mathjs) into a worker chunk, and under the tests Node runs it as it is. It
// speaks lib/sandbox/protocol.ts: `ready` once loaded, then one reply per job.
import { parentPort } from "node:worker_threads";
import { all, create } from "mathjs";

// Exact arithmetic through mathjs with 64-digit BigNumbers (0.1 + 0.2 is 0.3 here).
const math = create(all, { number: "BigNumber", precision: 64 });
const evaluate = math.evaluate.bind(math);
// A model writes the expression: take away everything that reaches outside arithmetic.
const disabled = ["import", "createUnit", "evaluate", "parse", "simplify", "derivative", "resolve", "compile", "reviver", "replacer"];
math.import(
  Object.fromEntries(
    disabled.map((name) => [
      name,
      () => {
        throw new Error(`${name} is disabled`);
      },
    ]),
  ),
  { override: true },
);

/** The longest result handed back: it goes to the model, and across threads. */
const MAX_RESULT_CHARS = 10_000;

function calculate(expression) {
  if (typeof expression !== "string") throw new Error("The expression must be text.");
  const value = evaluate(expression);
  if (typeof value === "function" || value === undefined) throw new Error("Not an arithmetic expression.");
  const result = math.format(value, { precision: 64, lowerExp: -12, upperExp: 40 });
  if (result.length > MAX_RESULT_CHARS) throw new Error(`The result is too long (${result.length} characters; at most ${MAX_RESULT_CHARS}).`);
  return { expression, result };
}

parentPort.on("message", ({ id, input }) => {
  try {
    parentPort.postMessage({ id, ok: true, output: calculate(input) });
  } catch (error) {
    parentPort.postMessage({ id, ok: false, message: error instanceof Error ? error.message : String(error) });
  }
});
parentPort.postMessage({ ready: true });
