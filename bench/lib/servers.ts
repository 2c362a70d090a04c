// The processes a benchmark measures: the production build (made once, in its own folder),
// the local OpenRouter (its own process, so its CPU is not the app's) and the app itself,
// started exactly as a user starts it (tests/helpers/app.ts → scripts/start.ts → next start).
import { spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { startApp, type RunningApp } from "../../tests/helpers/app";
import { startLocalOpenRouterProcess, type LocalOpenRouterProcess } from "../../local-openrouter/spawn";
import type { BenchArgs } from "./args";
import { log, root, tmpDir } from "./context";

export const UPSTREAM_KEY = "sk-or-v1-bench-0123456789abcdef0123456789abcdef";
/** Fixed so that sessions survive an app restart on the same data (and nothing is generated). */
const AUTH_SECRET = "bench-auth-secret-0123456789abcdef0123456789abcdef";

export function distDir(): string {
  return process.env.SB_DIST_DIR || ".next-bench";
}

/** Files whose change makes a production build stale. */
const SOURCES = [
  "app",
  "components",
  "lib",
  "proxy.ts",
  "instrumentation.ts",
  "next.config.mjs",
  "package-lock.json",
  "postcss.config.mjs",
  "public",
  "prisma/schema.prisma",
];

function newestSource(): { file: string; mtimeMs: number } {
  let newest = { file: "", mtimeMs: 0 };
  const visit = (p: string) => {
    let st;
    try {
      st = statSync(p);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      const base = path.basename(p);
      if (base === "node_modules" || base === "generated" || base.startsWith(".")) return;
      for (const name of readdirSync(p)) visit(path.join(p, name));
    } else if (!/\.(test|spec)\.tsx?$/.test(p) && st.mtimeMs > newest.mtimeMs) {
      newest = { file: path.relative(root, p), mtimeMs: st.mtimeMs };
    }
  };
  for (const s of SOURCES) visit(path.join(root, s));
  return newest;
}

/** Builds into `distDir()` when there is no build, when asked, or when a source is newer. */
export async function ensureBuild(args: BenchArgs): Promise<{ distDir: string; built: boolean; buildSeconds: number | null }> {
  const dir = distDir();
  const buildId = path.join(root, dir, "BUILD_ID");
  let reason: string | null = null;
  if (!existsSync(buildId)) reason = "no build yet";
  else if (args.rebuild) reason = "--rebuild";
  else if (!args.noBuild) {
    const newest = newestSource();
    if (newest.mtimeMs > statSync(buildId).mtimeMs) reason = `${newest.file} changed since the build`;
  }
  if (reason && args.noBuild && existsSync(buildId)) reason = null;
  if (!reason) {
    log(`build: using ${dir}`);
    return { distDir: dir, built: false, buildSeconds: null };
  }
  if (args.noBuild) throw new Error(`No build in ${dir} and --no-build was given.`);
  log(`build: ${reason}; building into ${dir} (next build, a few minutes)`);
  const started = Date.now();
  mkdirSync(tmpDir(), { recursive: true });
  // `next build` with another distDir rewrites tsconfig.json and next-env.d.ts to point at it;
  // put them back as they were so the benchmark build leaves the checkout untouched.
  const restore = snapshot(["tsconfig.json", "next-env.d.ts"]);
  const logFile = path.join(tmpDir(), "build.log");
  const out = createWriteStream(logFile);
  const child = spawn(process.execPath, [path.join(root, "node_modules", "next", "dist", "bin", "next"), "build"], {
    cwd: root,
    env: { ...process.env, SB_DIST_DIR: dir, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 12 * 60_000);
    child.on("exit", (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  restore();
  if (code !== 0) throw new Error(`next build failed (exit ${code}); see ${logFile}`);
  const buildSeconds = (Date.now() - started) / 1000;
  log(`build: done in ${buildSeconds.toFixed(0)} s`);
  return { distDir: dir, built: true, buildSeconds };
}

function snapshot(files: string[]): () => void {
  const saved = files.map((f) => {
    const p = path.join(root, f);
    return { p, text: existsSync(p) ? readFileSync(p, "utf8") : null };
  });
  return () => {
    for (const { p, text } of saved) {
      if (text === null) continue;
      const now = existsSync(p) ? readFileSync(p, "utf8") : null;
      if (now !== text) writeFileSync(p, text);
    }
  };
}

export async function startUpstream(): Promise<LocalOpenRouterProcess> {
  const upstream = await startLocalOpenRouterProcess({ key: UPSTREAM_KEY });
  log(`upstream: local OpenRouter at ${upstream.url} (pid ${upstream.child.pid})`);
  return upstream;
}

export type AppOptions = {
  upstream: LocalOpenRouterProcess;
  dataDir?: string;
  databaseUrl?: string;
  env?: Record<string, string>;
  cpuProfDir?: string;
};

export async function startBenchApp(options: AppOptions): Promise<RunningApp> {
  const env: Record<string, string> = {
    SB_DIST_DIR: distDir(),
    OPENROUTER_API_KEY: UPSTREAM_KEY,
    OPENROUTER_BASE_URL: options.upstream.baseURL,
    AUTH_SECRET,
    SWITCHBOARD_CHAT_RATE_PER_MINUTE: "100000",
    SWITCHBOARD_REGISTRATION: "open",
    LOG_LEVEL: "warn",
    DATABASE_URL: options.databaseUrl ?? "",
    NEXT_TELEMETRY_DISABLED: "1",
    ...options.env,
  };
  if (options.cpuProfDir) {
    // Next's own profiler (Node 20 refuses --cpu-prof in NODE_OPTIONS): written on SIGTERM.
    mkdirSync(options.cpuProfDir, { recursive: true });
    env.NEXT_CPU_PROF = "1";
    env.NEXT_CPU_PROF_DIR = options.cpuProfDir;
  }
  const started = Date.now();
  const app = await startApp({ dataDir: options.dataDir, env });
  if (options.cpuProfDir) {
    // Next writes the profile into <root>/.next-profiles when the server exits; move ours out
    // (and remove that folder again if it was ours).
    const profileDir = options.cpuProfDir;
    const hadProfilesDir = existsSync(path.join(root, ".next-profiles"));
    const stop = app.stop.bind(app);
    app.stop = async () => {
      await stop();
      const from = path.join(root, ".next-profiles");
      if (!existsSync(from)) return;
      for (const name of readdirSync(from)) {
        const file = path.join(from, name);
        if (name.endsWith(".cpuprofile") && statSync(file).mtimeMs >= started) {
          renameSync(file, path.join(profileDir, name));
          log(`profile: ${path.relative(root, path.join(profileDir, name))}`);
        }
      }
      if (!hadProfilesDir && readdirSync(from).every((n) => n === ".gitignore")) rmSync(from, { recursive: true, force: true });
    };
  }
  log(
    `app: ${app.url} (pid ${app.child.pid}, ${options.databaseUrl ? "PostgreSQL" : "PGlite"}) ready in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return app;
}
