// Timing loops, always bounded in count and in time.
import { deadline } from "./context";
import { request } from "./http";
import { treeUsage } from "./proc";
import { summarize, type Summary } from "./stats";

export type HttpTiming = {
  total: Summary;
  headers: Summary;
  errors: number;
  lastError?: string;
  stoppedEarly: boolean;
  bytes: number;
  /** CPU time of the server's process tree per request (less sensitive to a busy machine than wall time). */
  serverCpuMs: number | null;
};

/** GETs `urls` (cycled) `count` times one after another on a keep-alive connection. */
export async function timeGets(
  urls: string[],
  cookie: string,
  count: number,
  maxMs: number,
  check?: ((status: number, body: string) => string | null) | null,
  serverPid?: number,
): Promise<HttpTiming> {
  const cpu0 = serverPid ? treeUsage(serverPid).cpuSeconds : 0;
  const total: number[] = [];
  const headers: number[] = [];
  let errors = 0;
  let lastError: string | undefined;
  let bytes = 0;
  const limit = deadline(maxMs);
  for (let i = 0; i < count && !limit.passed(); i++) {
    const url = urls[i % urls.length]!;
    const r = await request(url, { headers: { cookie, accept: "application/json" }, timeoutMs: 30_000 });
    const problem = r.status !== 200 ? `${r.status} ${r.body.slice(0, 200)}` : (check?.(r.status, r.body) ?? null);
    if (problem) {
      errors++;
      lastError = `${url}: ${problem}`;
      continue;
    }
    bytes = r.body.length;
    total.push(r.totalMs);
    headers.push(r.headersMs);
  }
  const serverCpuMs = serverPid && total.length ? ((treeUsage(serverPid).cpuSeconds - cpu0) * 1000) / (total.length + errors) : null;
  return { total: summarize(total), headers: summarize(headers), errors, lastError, stoppedEarly: limit.passed(), bytes, serverCpuMs };
}

/** Calls `fn` `count` times (after one untimed call), bounded by `maxMs`. */
export async function timeCalls(fn: (i: number) => Promise<unknown>, count: number, maxMs: number): Promise<Summary> {
  await fn(-1);
  const times: number[] = [];
  const limit = deadline(maxMs);
  for (let i = 0; i < count && !limit.passed(); i++) {
    const t0 = performance.now();
    await fn(i);
    times.push(performance.now() - t0);
  }
  return summarize(times);
}

/** Deterministic shuffle-free spread: `count` items picked evenly from `xs`. */
export function spread<T>(xs: T[], count: number): T[] {
  if (xs.length <= count) return xs;
  return Array.from({ length: count }, (_, i) => xs[Math.floor((i * xs.length) / count)]!);
}
