// 2. Streaming relay: N answers at once at a fixed upstream token rate, through the app and
//    straight from the local OpenRouter: delivered tokens per second per stream, gaps between
//    chunks, the server's CPU per 1,000 relayed tokens and its peak memory.
import { registerAndSignIn, type Session } from "./lib/auth";
import { deadline, isMain, log, onCleanup, scratchDir, sleep } from "./lib/context";
import { appDeltaText, postSse, upstreamDeltaText } from "./lib/http";
import { sampleTree, treeUsage } from "./lib/proc";
import { atLeast, atMost, info, newSection, type Section } from "./lib/report";
import { runAlone, type BenchEnv } from "./lib/runner";
import { startBenchApp, UPSTREAM_KEY } from "./lib/servers";
import { round, summarize, type Summary } from "./lib/stats";
import { appChatBody, upstreamBody } from "./ttft";

const TOKENS = 100;
const RATE = 50;

/**
 * One stream: `deltas` text events carrying `chars` characters; `charsPerSecond` from the first
 * delta to the last. Upstream, a delta is one token; the app may merge several into one delta,
 * so its tokens are counted as its text's share of the upstream's characters per token.
 */
type StreamStats = { ok: boolean; deltas: number; chars: number; ttft: number; charsPerSecond: number; gaps: number[]; error?: string };
type Batch = {
  side: "app" | "upstream";
  concurrency: number;
  streams: StreamStats[];
  wallMs: number;
  cpuSeconds: number;
  peakRssBytes: number;
  startRssBytes: number;
};

function analyse(lines: { at: number; data: string }[], deltaText: (d: string) => string | null): Omit<StreamStats, "ok"> {
  const deltas = lines.flatMap((l) => {
    const text = deltaText(l.data);
    return text === null ? [] : [{ at: l.at, chars: text.length }];
  });
  const gaps: number[] = [];
  for (let i = 1; i < deltas.length; i++) gaps.push(deltas[i]!.at - deltas[i - 1]!.at);
  const chars = deltas.reduce((n, d) => n + d.chars, 0);
  const span = deltas.length > 1 ? deltas[deltas.length - 1]!.at - deltas[0]!.at : Number.NaN;
  return { deltas: deltas.length, chars, ttft: deltas[0]?.at ?? Number.NaN, charsPerSecond: ((chars - (deltas[0]?.chars ?? 0)) / span) * 1000, gaps };
}

async function batch(
  side: "app" | "upstream",
  concurrency: number,
  target: { url: string; pid: number; headers: (i: number) => Record<string, string>; body: (text: string) => string },
  round: number,
): Promise<Batch> {
  const deltaText = side === "app" ? appDeltaText : upstreamDeltaText;
  const sampler = sampleTree(target.pid, 50);
  const started = performance.now();
  const streams = await Promise.all(
    Array.from({ length: concurrency }, async (_, i): Promise<StreamStats> => {
      const text = `Relay ${side} r${round} #${i}: tell me a story. [[sb:text tokens=${TOKENS} rate=${RATE}]]`;
      try {
        const result = await postSse(target.url, target.body(text), { headers: target.headers(i), timeoutMs: 180_000 });
        if (result.status !== 200)
          return {
            ok: false,
            deltas: 0,
            chars: 0,
            ttft: NaN,
            charsPerSecond: NaN,
            gaps: [],
            error: `${result.status} ${result.errorBody?.slice(0, 200)}`,
          };
        return { ok: true, ...analyse(result.lines, deltaText) };
      } catch (error) {
        return { ok: false, deltas: 0, chars: 0, ttft: NaN, charsPerSecond: NaN, gaps: [], error: (error as Error).message };
      }
    }),
  );
  const wallMs = performance.now() - started;
  const usage = sampler.stop();
  return { side, concurrency, streams, wallMs, cpuSeconds: usage.cpuSeconds, peakRssBytes: usage.peakRssBytes, startRssBytes: usage.startRssBytes };
}

type LevelResult = {
  concurrency: number;
  rounds: number;
  failed: { app: number; upstream: number };
  rate: { app: Summary; upstream: Summary };
  rateRatioP50: number;
  rateRatioP5: number;
  throughputRatio: number;
  gaps: { app: Summary; upstream: Summary };
  addedGapP99: number;
  ttft: { app: Summary; upstream: Summary };
  tokens: { app: number; upstream: number };
  cpuSecondsPer1000Tokens: { app: number; upstream: number };
  peakRssMiB: number;
  startRssMiB: number;
};

function lowPercentile(s: number[], p: number): number {
  const sorted = [...s].filter(Number.isFinite).sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

export async function relay(env: BenchEnv): Promise<Section> {
  const section = newSection("relay", "2. Streaming relay");
  const { quick } = env.args;
  const levels = quick ? [10, 40] : [50, 200];
  const roundsAt = (concurrency: number) => (quick ? 1 : concurrency >= 200 ? 2 : 3);
  const userCount = quick ? 4 : 20;
  const upstream = await env.upstream();
  const app = await startBenchApp({ upstream, dataDir: scratchDir("relay-data", env.args.keep), cpuProfDir: env.profileDir("relay") });
  onCleanup("relay app", () => app.stop());
  const users: Session[] = [];
  for (let i = 0; i < userCount; i++) users.push(await registerAndSignIn(app.url, "relay"));

  const appTarget = {
    url: `${app.url}/api/chat`,
    pid: app.child.pid!,
    headers: (i: number) => ({ cookie: users[i % users.length]!.cookie }),
    body: (text: string) => appChatBody(text),
  };
  const upstreamTarget = {
    url: `${upstream.baseURL}/chat/completions`,
    pid: upstream.child.pid!,
    headers: () => ({ authorization: `Bearer ${UPSTREAM_KEY}` }),
    body: upstreamBody,
  };

  log("relay: warm-up");
  await batch("upstream", 10, upstreamTarget, -1);
  await batch("app", 10, appTarget, -1);
  const idleRss = treeUsage(app.child.pid!).rssBytes;

  const limit = deadline(quick ? 90_000 : 6 * 60_000);
  const results: LevelResult[] = [];
  for (const concurrency of levels) {
    const all: Record<"app" | "upstream", Batch[]> = { app: [], upstream: [] };
    const rounds = roundsAt(concurrency);
    for (let r = 0; r < rounds && !limit.passed(); r++) {
      // Alternate the order so neither side always runs on a machine still busy with the other.
      const order: ("app" | "upstream")[] = r % 2 === 0 ? ["upstream", "app"] : ["app", "upstream"];
      for (const side of order) {
        log(`relay: ${concurrency} × ${TOKENS} tokens at ${RATE}/s, ${side}, round ${r + 1}/${rounds}`);
        all[side].push(await batch(side, concurrency, side === "app" ? appTarget : upstreamTarget, r));
        await sleep(500);
      }
    }
    const streams = (side: "app" | "upstream") => all[side].flatMap((b) => b.streams);
    const ok = (side: "app" | "upstream") => streams(side).filter((s) => s.ok);
    const chars = (side: "app" | "upstream") => ok(side).reduce((n, s) => n + s.chars, 0);
    const charsPerToken = chars("upstream") / ok("upstream").reduce((n, s) => n + s.deltas, 0);
    const rates = (side: "app" | "upstream") => ok(side).map((s) => s.charsPerSecond / charsPerToken);
    const gaps = (side: "app" | "upstream") => ok(side).flatMap((s) => s.gaps);
    const tokens = (side: "app" | "upstream") => chars(side) / charsPerToken;
    const cpu = (side: "app" | "upstream") => all[side].reduce((n, b) => n + b.cpuSeconds, 0);
    const rate = { app: summarize(rates("app")), upstream: summarize(rates("upstream")) };
    const gap = { app: summarize(gaps("app")), upstream: summarize(gaps("upstream")) };
    const failures = streams("app").filter((s) => !s.ok);
    if (failures.length) section.notes.push(`${concurrency} at once: ${failures.length} app streams failed, e.g. ${failures[0]!.error}`);
    results.push({
      concurrency,
      rounds: all.app.length,
      failed: { app: failures.length, upstream: streams("upstream").filter((s) => !s.ok).length },
      rate,
      rateRatioP50: rate.app.p50 / rate.upstream.p50,
      rateRatioP5: lowPercentile(rates("app"), 5) / lowPercentile(rates("upstream"), 5),
      throughputRatio:
        tokens("app") / all.app.reduce((n, b) => n + b.wallMs, 0) / (tokens("upstream") / all.upstream.reduce((n, b) => n + b.wallMs, 0)),
      gaps: gap,
      addedGapP99: gap.app.p99 - gap.upstream.p99,
      ttft: { app: summarize(ok("app").map((s) => s.ttft)), upstream: summarize(ok("upstream").map((s) => s.ttft)) },
      tokens: { app: Math.round(tokens("app")), upstream: Math.round(tokens("upstream")) },
      cpuSecondsPer1000Tokens: { app: (cpu("app") / tokens("app")) * 1000, upstream: (cpu("upstream") / tokens("upstream")) * 1000 },
      peakRssMiB: Math.max(...all.app.map((b) => b.peakRssBytes)) / 2 ** 20,
      startRssMiB: idleRss / 2 ** 20,
    });
  }
  if (limit.passed()) section.notes.push("Stopped at the time bound; fewer rounds than planned.");

  const top = results[results.length - 1];
  if (top) {
    section.checks.push(
      atLeast(`delivered / upstream tokens per second at ${top.concurrency} (per stream, slowest 5%)`, top.rateRatioP5, 0.98, ""),
      atMost(`added p99 gap between chunks at ${top.concurrency}`, top.addedGapP99, 25, "ms"),
    );
  }
  for (const r of results) {
    section.checks.push(
      info(
        `${r.concurrency} at once: delivered / upstream tokens/s per stream, p50`,
        r.rateRatioP50,
        "",
        "a stream that starts late and then bursts scores above 1",
      ),
      info(
        `${r.concurrency} at once: delivered / upstream tokens/s, whole batch`,
        r.throughputRatio,
        "",
        "all tokens / (first request → last token)",
      ),
      info(
        `${r.concurrency} at once: app TTFT p50 / p99`,
        r.ttft.app.p50,
        "ms",
        `p99 ${round(r.ttft.app.p99)} ms; upstream p50 ${round(r.ttft.upstream.p50)} ms, p99 ${round(r.ttft.upstream.p99)} ms`,
      ),
      info(
        `${r.concurrency} at once: server CPU per 1,000 relayed tokens`,
        r.cpuSecondsPer1000Tokens.app,
        "s",
        `upstream process: ${round(r.cpuSecondsPer1000Tokens.upstream, 3)} s`,
      ),
      info(`${r.concurrency} at once: peak RSS of the server`, r.peakRssMiB, "MiB", `idle after warm-up: ${round(r.startRssMiB, 0)} MiB`),
    );
  }
  const perToken = top ? top.cpuSecondsPer1000Tokens.app : NaN;
  if (top && Number.isFinite(perToken)) {
    section.checks.push(
      info(
        "tokens/s one core can relay at that CPU cost",
        1000 / perToken,
        "tokens/s",
        `${RATE} tokens/s per answer → about ${Math.floor(1000 / perToken / RATE)} answers per core; ${levels[levels.length - 1]} × ${RATE} = ${levels[levels.length - 1]! * RATE} tokens/s were asked for`,
      ),
    );
  }
  const rows = results.flatMap((r) => [
    `| ${r.concurrency} | app | ${r.tokens.app} | ${round(r.rate.app.p50)} | ${round(r.rate.app.min)} | ${round(r.gaps.app.p50)} | ${round(r.gaps.app.p99)} | ${round(r.ttft.app.p50)} | ${round(r.ttft.app.p99)} | ${round(r.cpuSecondsPer1000Tokens.app, 3)} | ${round(r.peakRssMiB, 0)} |`,
    `| ${r.concurrency} | upstream | ${r.tokens.upstream} | ${round(r.rate.upstream.p50)} | ${round(r.rate.upstream.min)} | ${round(r.gaps.upstream.p50)} | ${round(r.gaps.upstream.p99)} | ${round(r.ttft.upstream.p50)} | ${round(r.ttft.upstream.p99)} | ${round(r.cpuSecondsPer1000Tokens.upstream, 3)} | |`,
  ]);
  section.markdown.push(
    [
      "| at once | side | tokens | tokens/s per stream p50 | min | gap p50 ms | gap p99 ms | TTFT p50 ms | TTFT p99 ms | CPU s / 1k tokens | peak RSS MiB |",
      "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
      ...rows,
    ].join("\n"),
    results
      .map(
        (r) =>
          `At ${r.concurrency}: delivered/upstream rate ${round(r.rateRatioP50, 3)} (p50), ${round(r.rateRatioP5, 3)} (slowest 5%); added gap p99 ${round(r.addedGapP99)} ms.`,
      )
      .join(" "),
  );
  section.notes.push(
    `${TOKENS} tokens at ${RATE} tokens/s per answer (\`[[sb:text tokens=${TOKENS} rate=${RATE}]]\`), ${results.map((r) => `${r.rounds} round(s) at ${r.concurrency}`).join(", ")}, ${userCount} users, a new conversation per answer, PGlite.`,
    "Tokens per second per stream = characters after the first delta / (last delta − first delta), in upstream tokens (the upstream sends one token per delta; the app merges the deltas that reach it together, so its deltas are counted by their text). CPU is utime+stime of the server's process tree (tsx wrapper, start script, Next) over the batch, request handling and saving included.",
  );
  section.data = { levels: results };
  return section;
}

if (isMain(import.meta.url)) await runAlone("relay", "2. Streaming relay", relay);
