// What a benchmark gets from the orchestrator (or builds for itself when run alone): the flags,
// the local OpenRouter (one process for the whole run), and the scale databases and apps.
import path from "node:path";
import type { LocalOpenRouterProcess } from "../../local-openrouter/spawn";
import { parseArgs, type BenchArgs } from "./args";
import { cleanupAll, log, onCleanup, root, tmpDir } from "./context";
import { newReport, writeReport, type Section } from "./report";
import { ensureBuild, startUpstream } from "./servers";
import { describeMachine } from "./machine";
import { ScaleEnvironments } from "./scale";

export type BenchEnv = {
  args: BenchArgs;
  upstream(): Promise<LocalOpenRouterProcess>;
  scale: ScaleEnvironments;
  /** Where this benchmark may put profiles and scratch files. */
  profileDir(name: string): string | undefined;
};

export function createEnv(args: BenchArgs): BenchEnv {
  let upstream: Promise<LocalOpenRouterProcess> | undefined;
  const env: BenchEnv = {
    args,
    upstream() {
      if (!upstream) {
        upstream = startUpstream();
        void upstream.then((u) => onCleanup("upstream", () => u.stop()));
      }
      return upstream;
    },
    scale: undefined as unknown as ScaleEnvironments,
    profileDir: (name) => (args.cpuProf ? path.join(tmpDir(), "profiles", `${name}-${Date.now().toString(36)}`) : undefined),
  };
  env.scale = new ScaleEnvironments(env);
  return env;
}

export type Benchmark = (env: BenchEnv) => Promise<Section>;

/** Runs one benchmark and turns a failure into an error section (benchmarks never throw). */
export async function runSection(id: string, title: string, bench: Benchmark, env: BenchEnv): Promise<Section> {
  const started = Date.now();
  log(`── ${title}`);
  try {
    const section = await bench(env);
    section.seconds = (Date.now() - started) / 1000;
    log(`── ${title}: done in ${section.seconds.toFixed(0)} s`);
    return section;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log(`── ${title}: FAILED: ${message}`);
    if (error instanceof Error && error.stack) console.error(error.stack);
    return { id, title, seconds: (Date.now() - started) / 1000, checks: [], markdown: [], notes: [], data: {}, error: message.slice(0, 500) };
  }
}

/** `npx tsx --conditions=react-server bench/<id>.ts [--quick]`: one benchmark, its own report in bench/results/tmp. */
export async function runAlone(id: string, title: string, bench: Benchmark): Promise<void> {
  process.chdir(root);
  const args = parseArgs();
  const started = Date.now();
  let code = 0;
  try {
    const build = await ensureBuild(args);
    const env = createEnv(args);
    const report = newReport(args.quick, build);
    report.sections.push(await runSection(id, title, bench, env));
    await env.scale.stopAll();
    report.totalSeconds = (Date.now() - started) / 1000;
    report.machineAtEnd = { loadAverage: describeMachine().loadAverage };
    writeReport(report, path.join("tmp", id));
    const { toMarkdown } = await import("./report");
    process.stdout.write("\n" + toMarkdown(report));
  } catch (error) {
    console.error(error);
    code = 1;
  } finally {
    await cleanupAll();
  }
  process.exit(code);
}
