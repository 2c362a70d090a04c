// `npm test`: the whole suite, in order, stopping at the first failing stage:
// typecheck → lint → unit and integration (Vitest; PGlite, and PostgreSQL when
// TEST_DATABASE_URL is set) → production build → two instances on PostgreSQL and Redis
// (tests/instances) → end-to-end (Playwright in Chromium).
// Ends with one line `tests: N passed, N failed, N skipped` summed over both runners.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const bin = (name) => path.join(root, "node_modules", ".bin", name);
const results = path.join(root, "test-results");
mkdirSync(results, { recursive: true });
const only = process.env.SB_TEST_STAGES?.split(",");

const stages = [
  ["typecheck", bin("tsc"), ["--noEmit"]],
  ["lint", bin("eslint"), [".", "--max-warnings=0"]],
  [
    "unit",
    bin("vitest"),
    ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${path.join(results, "vitest.json")}`],
  ],
  // SB_STANDALONE=1: also the standalone server the Dockerfile runs, which the instance tests start.
  ["build", bin("next"), ["build"], { SB_STANDALONE: "1" }],
  // Issue 12: two production instances on one PostgreSQL and one Redis (needs the build).
  [
    "instances",
    bin("vitest"),
    ["run", "--config", "tests/instances/vitest.config.ts", "--reporter=default", "--reporter=json", `--outputFile.json=${path.join(results, "vitest-instances.json")}`],
  ],
  ["e2e", bin("playwright"), ["test", "--project=chromium", "--reporter=list,json"], { PLAYWRIGHT_JSON_OUTPUT_NAME: path.join(results, "playwright.json") }],
];

const totals = { passed: 0, failed: 0, skipped: 0 };
let failedStage = null;
for (const [name, command, args, env] of stages) {
  if (only && !only.includes(name)) continue;
  const started = Date.now();
  console.log(`\n=== ${name}: ${path.basename(command)} ${args.join(" ")}`);
  const run = spawnSync(command, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });
  console.log(`=== ${name}: ${run.status === 0 ? "ok" : "FAILED"} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  collect(name);
  if (run.status !== 0) {
    failedStage = name;
    break;
  }
}

function collect(name) {
  try {
    const vitestReport = { unit: "vitest.json", instances: "vitest-instances.json" }[name];
    if (vitestReport && existsSync(path.join(results, vitestReport))) {
      const report = JSON.parse(readFileSync(path.join(results, vitestReport), "utf8"));
      totals.passed += report.numPassedTests ?? 0;
      totals.failed += report.numFailedTests ?? 0;
      totals.skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
    }
    if (name === "e2e" && existsSync(path.join(results, "playwright.json"))) {
      const { stats } = JSON.parse(readFileSync(path.join(results, "playwright.json"), "utf8"));
      totals.passed += (stats.expected ?? 0) + (stats.flaky ?? 0);
      totals.failed += stats.unexpected ?? 0;
      totals.skipped += stats.skipped ?? 0;
    }
  } catch (error) {
    console.error(`could not read the ${name} report: ${error.message}`);
  }
}

if (failedStage) console.log(`\nThe ${failedStage} stage failed.`);
if (failedStage && totals.failed === 0) totals.failed = 1;
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failedStage ? 1 : 0);
