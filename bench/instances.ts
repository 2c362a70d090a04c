// 7. Several instances (issue 12): 200 answers at once through two instances behind a round-robin
//    proxy (one PostgreSQL, one Redis), against the same 200 through one of them alone: delivered
//    tokens per second (whole batch and per stream) and the p99 gap between chunks.
import { randomBytes } from "node:crypto";
import { startApp, type RunningApp } from "../tests/helpers/app";
import { createTestPostgresDatabase } from "../tests/helpers/postgres";
import { POSTGRES_BASE, unavailableReason } from "../tests/instances/cluster";
import { startRoundRobinProxy } from "../tests/instances/proxy";
import { startTestRedis } from "../tests/instances/redis-server";
import { registerAndSignIn, type Session } from "./lib/auth";
import { isMain, log, onCleanup, sleep } from "./lib/context";
import { isAppTextDelta, postSse } from "./lib/http";
import { info, newSection, type Section } from "./lib/report";
import { runAlone, type BenchEnv } from "./lib/runner";
import { distDir, UPSTREAM_KEY } from "./lib/servers";
import { round, summarize } from "./lib/stats";
import { appChatBody } from "./ttft";

const TOKENS = 100;
const RATE = 50;

type Stream = { ok: boolean; tokens: number; ratePerSecond: number; gaps: number[]; lastAt: number; error?: string };
type Batch = { label: string; streams: Stream[]; wallMs: number };

async function batch(label: string, url: string, users: Session[], concurrency: number): Promise<Batch> {
  const started = performance.now();
  const streams = await Promise.all(
    Array.from({ length: concurrency }, async (_, i): Promise<Stream> => {
      const text = `Instances ${label} #${i}. [[sb:text tokens=${TOKENS} rate=${RATE}]]`;
      try {
        const result = await postSse(`${url}/api/chat`, appChatBody(text), {
          headers: { cookie: users[i % users.length]!.cookie },
          timeoutMs: 180_000,
        });
        if (result.status !== 200)
          return { ok: false, tokens: 0, ratePerSecond: NaN, gaps: [], lastAt: NaN, error: `${result.status} ${result.errorBody?.slice(0, 200)}` };
        const times = result.lines.filter((l) => isAppTextDelta(l.data)).map((l) => l.at);
        const gaps = times.slice(1).map((t, k) => t - times[k]!);
        const span = times.length > 1 ? times.at(-1)! - times[0]! : NaN;
        return { ok: true, tokens: times.length, ratePerSecond: ((times.length - 1) / span) * 1000, gaps, lastAt: times.at(-1) ?? NaN };
      } catch (error) {
        return { ok: false, tokens: 0, ratePerSecond: NaN, gaps: [], lastAt: NaN, error: (error as Error).message };
      }
    }),
  );
  return { label, streams, wallMs: performance.now() - started };
}

export async function instances(env: BenchEnv): Promise<Section> {
  const section = newSection("instances", "7. Several instances behind a proxy");
  const reason = await unavailableReason();
  if (reason) {
    section.notes.push(`Skipped: ${reason}.`);
    return section;
  }
  const { quick } = env.args;
  const concurrency = quick ? 40 : 200;
  const rounds = quick ? 1 : 2;
  const upstream = await env.upstream();
  const database = await createTestPostgresDatabase(POSTGRES_BASE);
  onCleanup("instances database", () => database.drop());
  const redis = await startTestRedis();
  onCleanup("instances redis", () => redis.stop());
  const appEnv = {
    SB_DIST_DIR: distDir(),
    DATABASE_URL: database.url,
    REDIS_URL: redis.url,
    AUTH_SECRET: `bench-instances-${randomBytes(24).toString("hex")}`,
    OPENROUTER_API_KEY: UPSTREAM_KEY,
    OPENROUTER_BASE_URL: upstream.baseURL,
    SWITCHBOARD_CHAT_RATE_PER_MINUTE: "100000",
    LOG_LEVEL: "warn",
    NEXT_TELEMETRY_DISABLED: "1",
  };
  const apps: RunningApp[] = await Promise.all([startApp({ env: appEnv }), startApp({ env: appEnv })]);
  for (const app of apps) onCleanup(`instance ${app.port}`, () => app.stop());
  const proxy = await startRoundRobinProxy(apps.map((a) => a.url));
  onCleanup("instances proxy", () => proxy.close());
  log(`instances: A ${apps[0]!.url}, B ${apps[1]!.url}, proxy ${proxy.url}, PostgreSQL and Redis ${redis.url}`);

  const users: Session[] = [];
  for (let i = 0; i < (quick ? 4 : 20); i++) users.push(await registerAndSignIn(proxy.url, "inst"));
  log("instances: warm-up");
  await batch("warm-two", proxy.url, users, 10);
  await batch("warm-one", apps[0]!.url, users, 10);

  const all: Record<"two" | "one", Batch[]> = { two: [], one: [] };
  for (let r = 0; r < rounds; r++) {
    for (const side of r % 2 === 0 ? (["two", "one"] as const) : (["one", "two"] as const)) {
      log(
        `instances: ${concurrency} × ${TOKENS} tokens at ${RATE}/s through ${side === "two" ? "two instances behind the proxy" : "one instance"}, round ${r + 1}/${rounds}`,
      );
      all[side].push(await batch(side, side === "two" ? proxy.url : apps[0]!.url, users, concurrency));
      await sleep(500);
    }
  }
  const figures = (side: "two" | "one") => {
    const streams = all[side].flatMap((b) => b.streams);
    const ok = streams.filter((s) => s.ok);
    const tokens = ok.reduce((n, s) => n + s.tokens, 0);
    const wall = all[side].reduce((n, b) => n + b.wallMs, 0);
    const failed = streams.filter((s) => !s.ok);
    if (failed.length) section.notes.push(`${side}: ${failed.length} streams failed, e.g. ${failed[0]!.error}`);
    return {
      tokens,
      failed: failed.length,
      throughput: (tokens / wall) * 1000,
      rate: summarize(ok.map((s) => s.ratePerSecond)),
      gaps: summarize(ok.flatMap((s) => s.gaps)),
    };
  };
  const serverErrors = apps.flatMap((a) =>
    a
      .output()
      .split("\n")
      .filter((l) => l.includes('"level":50')),
  );
  if (serverErrors.length) section.notes.push(`${serverErrors.length} server error lines, e.g. ${serverErrors[0]!.slice(0, 600)}`);
  const two = figures("two");
  const one = figures("one");
  section.checks.push(
    info(
      `two instances: delivered tokens/s, whole batch of ${concurrency}`,
      two.throughput,
      "tokens/s",
      `one instance: ${round(one.throughput)} tokens/s`,
    ),
    info("two instances: p99 gap between chunks", two.gaps.p99, "ms", `one instance: ${round(one.gaps.p99)} ms`),
    info(
      "two / one instance: delivered tokens/s",
      two.throughput / one.throughput,
      "",
      "1 = no gain; both share this machine's cores, the proxy and the upstream",
    ),
    info("two instances: tokens/s per stream, p50", two.rate.p50, "tokens/s", `one instance: ${round(one.rate.p50)}; asked for ${RATE}`),
  );
  section.markdown.push(
    [
      "| setup | streams | tokens | delivered tokens/s | per stream p50 | per stream min | gap p50 ms | gap p99 ms | failed |",
      "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
      ...(
        [
          ["two instances + proxy", two],
          ["one instance", one],
        ] as const
      ).map(
        ([label, f]) =>
          `| ${label} | ${concurrency * rounds} | ${f.tokens} | ${round(f.throughput)} | ${round(f.rate.p50)} | ${round(f.rate.min)} | ${round(f.gaps.p50)} | ${round(f.gaps.p99)} | ${f.failed} |`,
      ),
    ].join("\n"),
  );
  section.notes.push(
    `${TOKENS} tokens at ${RATE} tokens/s per answer, ${rounds} round(s) of ${concurrency} at once per setup, ${users.length} users, one PostgreSQL database and one redis-server of the benchmark's own; both setups mirror every answer to Redis.`,
    `Delivered tokens/s = all text deltas received / wall time of the batch. The machine has ${(await import("node:os")).cpus().length} cores shared by both instances, the proxy, the upstream and this client.`,
  );
  section.data = { concurrency, rounds, two, one };
  return section;
}

if (isMain(import.meta.url)) await runAlone("instances", "7. Several instances behind a proxy", instances);
