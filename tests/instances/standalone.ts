// Starts the production server the way the Dockerfile does: Next's standalone output,
// `node server.js` in a folder holding the standalone build, its static files, `public/` and
// the migrations (which the server applies at start). The Docker image copies exactly these;
// here they are copied next to the standalone build once.
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { RunningApp } from "../helpers/app";
import { freePort } from "../helpers/ports";

const root = path.resolve(import.meta.dirname, "..", "..");

/** The standalone folder of the current build (SB_DIST_DIR), or null when it was built without SB_STANDALONE=1. */
export function standaloneDir(): string | null {
  const dist = process.env.SB_DIST_DIR || ".next";
  const dir = path.join(root, dist, "standalone");
  if (!existsSync(path.join(dir, "server.js"))) return null;
  // What the Dockerfile's COPY lines add beside server.js.
  cpSync(path.join(root, dist, "static"), path.join(dir, dist, "static"), { recursive: true, force: true });
  if (existsSync(path.join(root, "public"))) cpSync(path.join(root, "public"), path.join(dir, "public"), { recursive: true, force: true });
  cpSync(path.join(root, "prisma", "migrations"), path.join(dir, "prisma", "migrations"), { recursive: true, force: true });
  return dir;
}

export async function startStandalone(dir: string, env: Record<string, string>): Promise<RunningApp> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), "sb-standalone-"));
  const child = spawn(process.execPath, ["server.js"], {
    cwd: dir,
    env: { ...process.env, NODE_ENV: "production", HOSTNAME: "127.0.0.1", PORT: String(port), SWITCHBOARD_DATA_DIR: dataDir, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  const waitExit = () => new Promise<void>((resolve) => (exited() ? resolve() : child.once("exit", () => resolve())));
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, s);
    } catch {
      /* gone */
    }
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited()) throw new Error(`The standalone server exited while starting:\n${output}`);
    if (Date.now() > deadline) {
      signal("SIGKILL");
      throw new Error(`The standalone server did not become healthy within 60 s:\n${output}`);
    }
    try {
      if ((await fetch(`${url}/api/health`)).ok) break;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    port,
    dataDir,
    child,
    output: () => output,
    async stop() {
      signal("SIGTERM");
      await waitExit();
    },
    async kill() {
      signal("SIGKILL");
      await waitExit();
    },
  };
}
