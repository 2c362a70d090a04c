// `npm test`: the whole suite, in order, stopping at the first failing stage:
// typecheck → lint → format (Prettier's check) → unit and integration (Vitest; PGlite, and PostgreSQL when
// TEST_DATABASE_URL is set) → production build → two instances on PostgreSQL and Redis
// (tests/instances) → end-to-end (Playwright in Chromium: on PGlite, and at the same time a
// second full run on PostgreSQL when TEST_DATABASE_URL is set).
// Ends with one line `tests: N passed, N failed, N skipped` summed over both runners.
import { spawn, spawnSync } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const bin = (name) => path.join(root, "node_modules", ".bin", name);
const results = path.join(root, "test-results");
mkdirSync(results, { recursive: true });
const only = process.env.SB_TEST_STAGES?.split(",");

const stages = [
  ["typecheck", bin("tsc"), ["--noEmit"]],
  ["lint", bin("eslint"), [".", "--max-warnings=0"]],
  ["format", bin("prettier"), ["--check", "."]],
  ["unit", bin("vitest"), ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${path.join(results, "vitest.json")}`]],
  // SB_STANDALONE=1: also the standalone server the Dockerfile runs, which the instance tests start.
  ["build", bin("next"), ["build"], { SB_STANDALONE: "1" }],
  // Issue 12: two production instances on one PostgreSQL and one Redis (needs the build).
  [
    "instances",
    bin("vitest"),
    [
      "run",
      "--config",
      "tests/instances/vitest.config.ts",
      "--reporter=default",
      "--reporter=json",
      `--outputFile.json=${path.join(results, "vitest-instances.json")}`,
    ],
  ],
  ["e2e", runBrowserSuites],
];

// The browser suite once per database, both runs at once: each has its own local OpenRouter,
// servers, data folders (and PostgreSQL databases), so they share nothing but the build. The
// PGlite run prints as it goes; the PostgreSQL run's output follows it.
const databases = process.env.TEST_DATABASE_URL ? ["pglite", "postgres"] : ["pglite"];
const playwrightReport = (database) => path.join(results, `playwright-${database}.json`);

async function runBrowserSuites() {
  if (databases.length === 1) console.log("TEST_DATABASE_URL is not set: the browser suite runs on PGlite only");
  const runs = databases.map((database, index) => {
    rmSync(playwrightReport(database), { force: true });
    const args = ["test", "--project=chromium", "--reporter=list,json", `--output=${path.join(results, `e2e-${database}`)}`];
    const child = spawn(bin("playwright"), args, {
      cwd: root,
      stdio: ["ignore", index === 0 ? "inherit" : "pipe", index === 0 ? "inherit" : "pipe"],
      env: { ...process.env, SB_E2E_DATABASE: database, PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightReport(database) },
    });
    const logFile = path.join(results, `e2e-${database}.log`);
    if (index > 0) {
      const log = createWriteStream(logFile);
      child.stdout.pipe(log);
      child.stderr.pipe(log);
    }
    return new Promise((resolve) => child.on("close", (status) => resolve({ database, status, logFile: index > 0 ? logFile : null })));
  });
  const finished = await Promise.all(runs);
  for (const run of finished) {
    if (run.logFile) {
      console.log(`\n--- browser suite on ${run.database} ---`);
      process.stdout.write(readFileSync(run.logFile, "utf8"));
    }
    console.log(`browser suite on ${run.database}: ${run.status === 0 ? "ok" : "FAILED"}`);
  }
  return finished.every((run) => run.status === 0) ? 0 : 1;
}

const totals = { passed: 0, failed: 0, skipped: 0 };
// Each failed test's name, place and first lines of its error, printed last: CI keeps only the
// tail of the output, and the PGlite run's own lines are far above it.
const failures = [];
const firstLines = (message) =>
  String(message ?? "")
    .replace(/\u001b\[[0-9;]*m/g, "")
    .split("\n")
    .filter((line) => line.trim())
    .slice(0, 6)
    .map((line) => `    ${line.slice(0, 300)}`)
    .join("\n");

function playwrightFailures(suite, database, titles = []) {
  const titlePath = suite.title ? [...titles, suite.title] : titles;
  for (const spec of suite.specs ?? []) {
    for (const test of spec.tests ?? []) {
      if (test.status !== "unexpected" && test.status !== "flaky") continue;
      const error = (test.results ?? []).map((r) => r.error?.message).find(Boolean);
      failures.push(
        `[e2e ${database}${test.status === "flaky" ? ", passed on retry" : ""}] e2e/${spec.file}:${spec.line} › ${[...titlePath.slice(1), spec.title].join(" › ")}\n${firstLines(error)}`,
      );
    }
  }
  for (const child of suite.suites ?? []) playwrightFailures(child, database, titlePath);
}
let failedStage = null;
for (const [name, command, args, env] of stages) {
  if (only && !only.includes(name)) continue;
  const started = Date.now();
  let status;
  if (typeof command === "function") {
    console.log(`\n=== ${name}: ${databases.map((d) => `playwright on ${d}`).join(" + ")}`);
    status = await command();
  } else {
    console.log(`\n=== ${name}: ${path.basename(command)} ${args.join(" ")}`);
    status = spawnSync(command, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } }).status;
  }
  console.log(`=== ${name}: ${status === 0 ? "ok" : "FAILED"} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  collect(name);
  if (status !== 0) {
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
      for (const file of report.testResults ?? []) {
        for (const result of file.assertionResults ?? []) {
          if (result.status === "failed")
            failures.push(`[${name}] ${path.relative(root, file.name)} › ${result.fullName}\n${firstLines(result.failureMessages?.[0])}`);
        }
      }
    }
    for (const database of name === "e2e" ? databases : []) {
      if (!existsSync(playwrightReport(database))) continue;
      const report = JSON.parse(readFileSync(playwrightReport(database), "utf8"));
      const { stats } = report;
      for (const suite of report.suites ?? []) playwrightFailures(suite, database);
      totals.passed += (stats.expected ?? 0) + (stats.flaky ?? 0);
      totals.failed += stats.unexpected ?? 0;
      totals.skipped += stats.skipped ?? 0;
    }
  } catch (error) {
    console.error(`could not read the ${name} report: ${error.message}`);
  }
}

if (failures.length > 0) console.log(`\nFailed tests:\n${failures.join("\n")}`);
if (failedStage) console.log(`\nThe ${failedStage} stage failed.`);
if (failedStage && totals.failed === 0) totals.failed = 1;
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failedStage ? 1 : 0);
