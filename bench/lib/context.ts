// Shared plumbing: paths, a timestamped log, cleanup of everything a benchmark started (also
// on Ctrl-C), deadlines for bounded loops, and "run this module alone" support.
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(import.meta.dirname, "..", "..");
export const resultsDir = () => path.join(root, "bench", "results");
export const tmpDir = () => path.join(resultsDir(), "tmp");

const t0 = Date.now();
export function log(message: string): void {
  const s = ((Date.now() - t0) / 1000).toFixed(1).padStart(6);
  process.stdout.write(`[bench ${s}s] ${message}\n`);
}

type Cleanup = { name: string; fn: () => Promise<void> | void };
const cleanups: Cleanup[] = [];

/** Registers a cleanup; returns a function that runs it now (once) and unregisters it. */
export function onCleanup(name: string, fn: () => Promise<void> | void): () => Promise<void> {
  const entry: Cleanup = { name, fn };
  cleanups.push(entry);
  return async () => {
    const i = cleanups.indexOf(entry);
    if (i < 0) return;
    cleanups.splice(i, 1);
    await entry.fn();
  };
}

export async function cleanupAll(): Promise<void> {
  while (cleanups.length) {
    const entry = cleanups.pop()!;
    try {
      await withTimeout(Promise.resolve(entry.fn()), 20_000, `cleanup ${entry.name}`);
    } catch (error) {
      console.error(`[bench] cleanup ${entry.name} failed: ${(error as Error).message}`);
    }
  }
}

let signalled = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (signalled) process.exit(130);
    signalled = true;
    log(`${signal}: cleaning up`);
    void cleanupAll().finally(() => process.exit(130));
  });
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

/** A time bound for a loop: `deadline.left()` ms remain, `deadline.passed()` once over. */
export function deadline(ms: number) {
  const end = Date.now() + ms;
  return { passed: () => Date.now() >= end, left: () => Math.max(0, end - Date.now()) };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A fresh folder under bench/results/tmp, removed at cleanup unless `keep`. */
export function scratchDir(name: string, keep = false): string {
  const dir = path.join(tmpDir(), `${name}-${Date.now().toString(36)}-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  if (!keep) onCleanup(`rm ${name}`, () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** True when `moduleUrl` is the script node was started with (a benchmark run alone). */
export function isMain(moduleUrl: string): boolean {
  const entry = process.argv[1];
  return Boolean(entry) && path.resolve(entry!) === fileURLToPath(moduleUrl);
}
