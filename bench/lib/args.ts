// Command-line flags shared by every benchmark (each module also runs alone).
//   --quick          small counts, for development (seconds, not minutes)
//   --fresh          re-seed scale databases instead of reusing the cached seed
//   --rebuild        build again even when the benchmark build looks current
//   --no-build       never build (fail if there is no build)
//   --only=a,b       run.ts: only these benchmarks (ttft, relay, history, spend, browser, bundle)
//   --skip-postgres  history/spend: PGlite only
//   --keep           leave temporary data folders behind (for inspection)
//   --cpu-prof       run the Next server with --cpu-prof; profiles land in bench/results/tmp/profiles

export type BenchArgs = {
  quick: boolean;
  fresh: boolean;
  rebuild: boolean;
  noBuild: boolean;
  only: string[] | null;
  skipPostgres: boolean;
  keep: boolean;
  cpuProf: boolean;
};

export function parseArgs(argv: string[] = process.argv.slice(2)): BenchArgs {
  const has = (flag: string) => argv.includes(flag);
  const value = (name: string) => argv.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
  const only = value("--only");
  const known = ["--quick", "--fresh", "--rebuild", "--no-build", "--skip-postgres", "--keep", "--cpu-prof"];
  for (const arg of argv) {
    if (!known.includes(arg) && !arg.startsWith("--only=")) {
      console.error(`bench: unknown flag ${arg} (known: ${known.join(" ")} --only=a,b)`);
      process.exit(2);
    }
  }
  return {
    quick: has("--quick") || process.env.SB_BENCH_QUICK === "1",
    fresh: has("--fresh"),
    rebuild: has("--rebuild"),
    noBuild: has("--no-build"),
    only: only
      ? only
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean)
      : null,
    skipPostgres: has("--skip-postgres") || process.env.SB_BENCH_SKIP_POSTGRES === "1",
    keep: has("--keep"),
    cpuProf: has("--cpu-prof"),
  };
}
