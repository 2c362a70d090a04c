// 1. Time to first token added by the app: the same request (model, messages) to the app's
//    POST /api/chat and straight to the local OpenRouter's /chat/completions, interleaved in
//    pairs; TTFT = time from sending the request to the first text delta in the SSE.
import { randomBytes } from "node:crypto";
import { registerAndSignIn } from "./lib/auth";
import { deadline, isMain, log, onCleanup, scratchDir } from "./lib/context";
import { isAppTextDelta, isUpstreamTextDelta, postSse, type SseResult } from "./lib/http";
import { atMost, info, newSection, summaryTable, type Section } from "./lib/report";
import { runAlone, type BenchEnv } from "./lib/runner";
import { startBenchApp, UPSTREAM_KEY } from "./lib/servers";
import { treeUsage } from "./lib/proc";
import { createPostgresDatabase, postgresAvailable } from "./lib/scale";
import { added, round, summarize, type Summary } from "./lib/stats";

export const MODEL = "openai/gpt-4o-mini";

export const newId = (prefix = "c") => `${prefix}${randomBytes(9).toString("base64url")}`;

export function appChatBody(text: string, conversationId = newId("bench")): string {
  return JSON.stringify({
    id: conversationId,
    trigger: "submit-message",
    model: MODEL,
    message: { id: newId("m"), role: "user", parts: [{ type: "text", text }] },
  });
}

export function upstreamBody(text: string): string {
  return JSON.stringify({ model: MODEL, messages: [{ role: "user", content: text }], stream: true, usage: { include: true } });
}

export function firstDeltaMs(result: SseResult, isDelta: (data: string) => boolean): number | null {
  for (const line of result.lines) if (isDelta(line.data)) return line.at;
  return null;
}

type DbRun = {
  label: string;
  app: Summary;
  upstream: Summary;
  added: ReturnType<typeof added>;
  paired: Summary;
  appHeaders: Summary;
  upstreamHeaders: Summary;
  serverCpuMsPerRequest: number;
  stoppedEarly: boolean;
};

async function measureTtft(
  env: BenchEnv,
  label: string,
  databaseUrl: string | undefined,
  pairs: number,
  warmup: number,
  maxMs: number,
): Promise<DbRun> {
  const upstream = await env.upstream();
  const app = await startBenchApp({
    upstream,
    dataDir: scratchDir("ttft-data", env.args.keep),
    databaseUrl,
    cpuProfDir: env.profileDir(`ttft-${label}`),
  });
  const stop = onCleanup("ttft app", () => app.stop());
  const session = await registerAndSignIn(app.url, "ttft");

  const appUrl = `${app.url}/api/chat`;
  const upstreamUrl = `${upstream.baseURL}/chat/completions`;
  const appHeaders = { cookie: session.cookie };
  const upstreamHeaders = { authorization: `Bearer ${UPSTREAM_KEY}` };
  // A short answer at full speed: only the first token matters here.
  const prompt = (i: number) => `TTFT probe number ${i}: answer briefly. [[sb:text tokens=8 rate=0]]`;

  const one = async (which: "app" | "upstream", i: number) => {
    const text = prompt(i);
    const result =
      which === "app"
        ? await postSse(appUrl, appChatBody(text), { headers: appHeaders, timeoutMs: 30_000 })
        : await postSse(upstreamUrl, upstreamBody(text), { headers: upstreamHeaders, timeoutMs: 30_000 });
    if (result.status !== 200) throw new Error(`${which} answered ${result.status}: ${result.errorBody?.slice(0, 300)}`);
    const first = firstDeltaMs(result, which === "app" ? isAppTextDelta : isUpstreamTextDelta);
    if (first === null) throw new Error(`${which}: no text delta in the stream`);
    return { ttft: first, headers: result.headersMs, total: result.totalMs };
  };

  log(`ttft[${label}]: warming up (${warmup} requests each)`);
  for (let i = 0; i < warmup; i++) {
    await one("upstream", -i);
    await one("app", -i);
  }

  const appT: number[] = [];
  const upT: number[] = [];
  const appHeadersT: number[] = [];
  const upHeadersT: number[] = [];
  const paired: number[] = [];
  const limit = deadline(maxMs);
  const cpu0 = treeUsage(app.child.pid!).cpuSeconds;
  log(`ttft[${label}]: ${pairs} interleaved pairs`);
  for (let i = 0; i < pairs && !limit.passed(); i++) {
    // Alternate which side goes first, so neither always follows the other's cleanup work.
    const order: ("app" | "upstream")[] = i % 2 === 0 ? ["app", "upstream"] : ["upstream", "app"];
    const r: Record<string, { ttft: number; headers: number }> = {};
    for (const which of order) r[which] = await one(which, i);
    appT.push(r.app!.ttft);
    upT.push(r.upstream!.ttft);
    appHeadersT.push(r.app!.headers);
    upHeadersT.push(r.upstream!.headers);
    paired.push(r.app!.ttft - r.upstream!.ttft);
  }
  // Each chat request's whole server cost (the 8-token answer and its saving included).
  const serverCpuMsPerRequest = ((treeUsage(app.child.pid!).cpuSeconds - cpu0) * 1000) / appT.length;
  await stop();
  const a = summarize(appT);
  const u = summarize(upT);
  return {
    label,
    app: a,
    upstream: u,
    added: added(a, u),
    paired: summarize(paired),
    appHeaders: summarize(appHeadersT),
    upstreamHeaders: summarize(upHeadersT),
    serverCpuMsPerRequest,
    stoppedEarly: limit.passed(),
  };
}

export async function ttft(env: BenchEnv): Promise<Section> {
  const section = newSection("ttft", "1. Time to first token");
  const { quick } = env.args;
  const runs: DbRun[] = [];
  runs.push(await measureTtft(env, "PGlite", undefined, quick ? 40 : 320, quick ? 10 : 30, quick ? 60_000 : 5 * 60_000));
  if (!env.args.skipPostgres && (await postgresAvailable())) {
    const url = await createPostgresDatabase("ttft", env.args.keep);
    runs.push(await measureTtft(env, "PostgreSQL", url, quick ? 40 : 150, quick ? 10 : 20, quick ? 60_000 : 3 * 60_000));
  } else section.notes.push("PostgreSQL skipped (--skip-postgres, or nothing answers at 127.0.0.1:5432).");

  const main = runs[0]!;
  section.checks.push(
    atMost("added TTFT p50 (per request: app − upstream), PGlite", main.paired.p50, 15, "ms", `app p50 − upstream p50: ${round(main.added.p50)} ms`),
    atMost("added TTFT p99 (per request: app − upstream), PGlite", main.paired.p99, 50, "ms", `app p99 − upstream p99: ${round(main.added.p99)} ms`),
    info("added TTFT p95 (per request), PGlite", main.paired.p95, "ms", `${main.app.count} pairs`),
  );
  for (const r of runs.slice(1)) {
    section.checks.push(
      info(
        `added TTFT p50 (per request), ${r.label}`,
        r.paired.p50,
        "ms",
        `p95 ${round(r.paired.p95)} ms, p99 ${round(r.paired.p99)} ms over ${r.app.count} pairs`,
      ),
    );
  }
  for (const r of runs) {
    section.checks.push(
      info(
        `server CPU per chat request, ${r.label}`,
        r.serverCpuMsPerRequest,
        "ms",
        "auth, checks, the turn written in one statement before the stream, an 8-token answer, saving",
      ),
    );
    if (r.stoppedEarly) section.notes.push(`${r.label}: stopped at the time bound after ${r.app.count} pairs.`);
    section.markdown.push(
      `### ${r.label}`,
      summaryTable([
        { label: "app: first text-delta", s: r.app },
        { label: "upstream direct: first content delta", s: r.upstream },
        { label: "app − upstream, paired per request", s: r.paired },
        { label: "app: response headers", s: r.appHeaders },
        { label: "upstream: response headers", s: r.upstreamHeaders },
      ]),
      `Added by the app, per request (paired row): p50 ${round(r.paired.p50)} ms, p95 ${round(r.paired.p95)} ms, p99 ${round(r.paired.p99)} ms; as differences of the percentiles: p50 ${round(r.added.p50)} ms, p95 ${round(r.added.p95)} ms, p99 ${round(r.added.p99)} ms. Server CPU ${round(r.serverCpuMsPerRequest)} ms per chat request.`,
    );
  }
  section.notes.push(
    "Each app request starts a new conversation (one user, signed in over HTTP); the upstream request carries the same model and the same single user message, `stream: true`.",
    "Sequential requests over keep-alive connections; app and upstream alternate which goes first. The app's response headers come once its pre-stream work is done (session, checks, writes); the first delta follows the upstream call.",
  );
  section.data = { runs };
  return section;
}

if (isMain(import.meta.url)) await runAlone("ttft", "1. Time to first token", ttft);
