// Starts Switchboard's production server the way a user does (`npm start` → scripts/start.ts),
// on a free port and a data folder of the caller's, and waits until /api/health answers.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "./ports";

export type RunningApp = {
  url: string;
  port: number;
  dataDir: string;
  child: ChildProcess;
  /** Everything the server printed, for assertions (e.g. that the key is never logged). */
  output(): string;
  stop(): Promise<void>;
  /** kill -9: no shutdown handlers run. */
  kill(): Promise<void>;
};

const root = path.resolve(import.meta.dirname, "..", "..");

/**
 * What the test servers run with unless a test asks for the product's defaults: the suites
 * register many users from one address and expect them to have no budget unless they set one.
 * The defaults themselves (closed registration, a budget, a registration limit) are proven by
 * e2e/registration.spec.ts.
 */
export const OPEN_TEST_INSTANCE_ENV: Record<string, string> = {
  SWITCHBOARD_REGISTRATION: "open",
  SWITCHBOARD_DEFAULT_USER_BUDGET_USD: "none",
  SWITCHBOARD_REGISTRATIONS_PER_HOUR: "100000",
};

/** `productDefaults`: none of OPEN_TEST_INSTANCE_ENV, even when this process's environment sets them. */
export async function startApp(options: { dataDir?: string; env?: Record<string, string>; port?: number; productDefaults?: boolean } = {}) {
  const port = options.port ?? (await freePort());
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), "sb-app-"));
  const child = spawn(process.execPath, [path.join(root, "node_modules", "tsx", "dist", "cli.mjs"), path.join(root, "scripts", "start.ts")], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      SWITCHBOARD_DATA_DIR: dataDir,
      // An empty value counts as unset (lib/env/schema.ts).
      ...(options.productDefaults ? Object.fromEntries(Object.keys(OPEN_TEST_INSTANCE_ENV).map((k) => [k, ""])) : OPEN_TEST_INSTANCE_ENV),
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group, so kill() reaches Next and a demo-mode upstream too.
    detached: true,
  });
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  await waitForHealth(url, child, () => output);
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  const waitExit = () => new Promise<void>((resolve) => (exited() ? resolve() : child.once("exit", () => resolve())));
  const app: RunningApp = {
    url,
    port,
    dataDir,
    child,
    output: () => output,
    async stop() {
      signalGroup(child, "SIGTERM");
      await waitExit();
    },
    async kill() {
      signalGroup(child, "SIGKILL");
      await waitExit();
    },
  };
  return app;
}

async function waitForHealth(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`The app exited (${child.exitCode}) while starting:\n${output()}`);
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  signalGroup(child, "SIGKILL");
  throw new Error(`The app did not become healthy within 60 s:\n${output()}`);
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    /* already gone */
  }
}
