// `npm run bench` (tsx --conditions=react-server bench/run.ts [--quick] [--only=a,b] …):
// builds if needed, starts one local OpenRouter for the whole run, runs every benchmark and
// writes bench/results/latest.json and bench/results/latest.md. Benchmarks print figures; a
// missed target is reported, never an exit code (only a broken harness exits non-zero).
import { bundle } from "./bundle";
import { gateway } from "./gateway";
import { browserBench } from "./browser";
import { history } from "./history";
import { load } from "./load";
import { instances } from "./instances";
import { parseArgs } from "./lib/args";
import { cleanupAll, log, root } from "./lib/context";
import { describeMachine } from "./lib/machine";
import { newReport, toMarkdown, writeReport } from "./lib/report";
import { createEnv, runSection, type Benchmark } from "./lib/runner";
import { ensureBuild } from "./lib/servers";
import { pipeline } from "./pipeline";
import { relay } from "./relay";
import { spend } from "./spend";
import { ttft } from "./ttft";

const ALL: { id: string; title: string; run: Benchmark }[] = [
  { id: "ttft", title: "1. Time to first token", run: ttft },
  { id: "gateway", title: "1b. Time to first token through the API gateway", run: gateway },
  { id: "relay", title: "2. Streaming relay", run: relay },
  { id: "pipeline", title: "2b. Relay CPU per token, stage by stage (diagnostic)", run: pipeline },
  { id: "history", title: "3. History at scale", run: history },
  { id: "spend", title: "4. Spend at scale", run: spend },
  { id: "browser", title: "5. Long conversation in the browser", run: browserBench },
  { id: "bundle", title: "6. First-load JavaScript", run: bundle },
  { id: "instances", title: "7. Several instances behind a proxy", run: instances },
  { id: "load", title: "8. Load: concurrent answers, nothing lost", run: load },
];

async function main(): Promise<number> {
  process.chdir(root);
  const args = parseArgs();
  const started = Date.now();
  const unknown = args.only?.filter((id) => !ALL.some((b) => b.id === id)) ?? [];
  if (unknown.length) {
    console.error(`bench: unknown benchmark ${unknown.join(", ")} (known: ${ALL.map((b) => b.id).join(", ")})`);
    return 2;
  }
  const build = await ensureBuild(args);
  const env = createEnv(args);
  const report = newReport(args.quick, build);
  for (const b of ALL) {
    if (args.only && !args.only.includes(b.id)) continue;
    report.sections.push(await runSection(b.id, b.title, b.run, env));
    // The page-level benchmarks share the PGlite app; the rest start and stop their own.
    if (b.id === "spend") await env.scale.stopApp("postgres");
  }
  await env.scale.stopAll();
  report.totalSeconds = (Date.now() - started) / 1000;
  report.machineAtEnd = { loadAverage: describeMachine().loadAverage };
  writeReport(report, "latest");
  process.stdout.write("\n" + toMarkdown(report));
  log(`total ${Math.round(report.totalSeconds)} s`);
  return 0;
}

let code = 1;
try {
  code = await main();
} catch (error) {
  console.error(error);
} finally {
  await cleanupAll();
}
process.exit(code);
