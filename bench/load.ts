// 8. Load: 200 streaming answers at once from 20 users against the local OpenRouter (loopback,
//    bounded). Then the books: zero errors, every answer saved complete with exactly the text that
//    was streamed, and every usage row's cost equal to the upstream's own record of that generation.
//    Reports the wall time and the server's peak memory (figures, not pass/fail timings).
import { registerAndSignIn, type Session } from "./lib/auth";
import { isMain, log, onCleanup, scratchDir, sleep } from "./lib/context";
import { isAppTextDelta, postSse, request } from "./lib/http";
import { sampleTree } from "./lib/proc";
import { atMost, info, newSection, type Section } from "./lib/report";
import { runAlone, type BenchEnv } from "./lib/runner";
import { startBenchApp } from "./lib/servers";
import { round, summarize } from "./lib/stats";
import { appChatBody } from "./ttft";

const TOKENS = 60;
const RATE = 40;

type Answer = { user: number; conversationId: string; ok: boolean; streamed: string; error?: string; ms: number };
type SavedUsage = { generationId: string | null; costNano: string | null };
type Saved = { messages: { role: string; status: string; text: string; usage: SavedUsage[] }[]; otherUsage: SavedUsage[] };

function streamedText(lines: { data: string }[]): { text: string; error?: string } {
  let text = "";
  let error: string | undefined;
  for (const { data } of lines) {
    if (data === "[DONE]") continue;
    try {
      const chunk = JSON.parse(data) as { type: string; delta?: string; errorText?: string };
      if (chunk.type === "text-delta") text += chunk.delta ?? "";
      if (chunk.type === "error") error = chunk.errorText ?? "error";
    } catch {
      error = `unparseable chunk: ${data.slice(0, 80)}`;
    }
  }
  return { text, error };
}

export async function load(env: BenchEnv): Promise<Section> {
  const section = newSection("load", "8. Load: concurrent answers, nothing lost");
  const { quick } = env.args;
  const answers = quick ? 40 : 200;
  const userCount = quick ? 4 : 20;
  const upstream = await env.upstream();
  const app = await startBenchApp({ upstream, dataDir: scratchDir("load-data", env.args.keep) });
  onCleanup("load app", () => app.stop());
  const users: Session[] = [];
  for (let i = 0; i < userCount; i++) users.push(await registerAndSignIn(app.url, "load"));

  log(`load: ${answers} answers at once from ${userCount} users, ${TOKENS} tokens at ${RATE}/s each`);
  const sampler = sampleTree(app.child.pid!, 100);
  const started = performance.now();
  const results = await Promise.all(
    Array.from({ length: answers }, async (_, i): Promise<Answer> => {
      const user = i % userCount;
      const conversationId = `load${i.toString(36)}x${Date.now().toString(36)}`;
      const t0 = performance.now();
      try {
        const body = appChatBody(`Load #${i}: tell me something. [[sb:text tokens=${TOKENS} rate=${RATE}]]`, conversationId);
        const result = await postSse(`${app.url}/api/chat`, body, { headers: { cookie: users[user]!.cookie }, timeoutMs: 300_000 });
        if (result.status !== 200)
          return {
            user,
            conversationId,
            ok: false,
            streamed: "",
            error: `${result.status} ${result.errorBody?.slice(0, 200)}`,
            ms: performance.now() - t0,
          };
        const { text, error } = streamedText(result.lines);
        const deltas = result.lines.filter((l) => isAppTextDelta(l.data)).length;
        const ok = !error && deltas > 0;
        return { user, conversationId, ok, streamed: text, error: error ?? (deltas ? undefined : "no text"), ms: performance.now() - t0 };
      } catch (error) {
        return { user, conversationId, ok: false, streamed: "", error: (error as Error).message, ms: performance.now() - t0 };
      }
    }),
  );
  const wallMs = performance.now() - started;
  const usage = sampler.stop();
  const failed = results.filter((r) => !r.ok);
  if (failed.length) section.notes.push(`${failed.length} answers failed, e.g. ${failed[0]!.error}`);

  // The books: every answer saved as streamed, every cost settled to the upstream's figure.
  log("load: checking every saved answer and its cost");
  const generations = async () => {
    const reply = await request(`${upstream.url}/__generations`);
    const list = JSON.parse(reply.body) as { id: string; state: string; cost_nano: string }[];
    return new Map(list.map((g) => [g.id, g]));
  };
  let notSaved = 0;
  let textMismatch = 0;
  let costMismatch = 0;
  let unsettled = 0;
  let rows = 0;
  let totalNano = 0n;
  const deadline = Date.now() + 120_000;
  for (const r of results) {
    let saved: Saved | undefined;
    for (;;) {
      const reply = await request(`${app.url}/api/conversations/${r.conversationId}/export?format=json`, {
        headers: { cookie: users[r.user]!.cookie },
      });
      saved = reply.status === 200 ? (JSON.parse(reply.body) as { conversations: Saved[] }).conversations[0] : undefined;
      const pending = saved ? [...saved.messages.flatMap((m) => m.usage), ...saved.otherUsage].some((u) => u.costNano === null) : false;
      if (!pending || Date.now() > deadline) break;
      await sleep(500);
    }
    const answer = saved?.messages.find((m) => m.role === "assistant");
    if (!answer || answer.status !== "complete") {
      notSaved += 1;
      continue;
    }
    if (answer.text !== r.streamed) textMismatch += 1;
    const books = await generations();
    for (const u of [...saved!.messages.flatMap((m) => m.usage), ...saved!.otherUsage]) {
      rows += 1;
      if (u.costNano === null) {
        unsettled += 1;
        continue;
      }
      totalNano += BigInt(u.costNano);
      if (!u.generationId || books.get(u.generationId)?.cost_nano !== u.costNano) costMismatch += 1;
    }
  }

  const latency = summarize(results.filter((r) => r.ok).map((r) => r.ms));
  section.checks.push(
    atMost("answers that failed", failed.length, 0, ""),
    atMost("answers not saved complete", notSaved, 0, ""),
    atMost("saved text different from what was streamed", textMismatch, 0, ""),
    atMost("usage rows not settled after 2 min", unsettled, 0, ""),
    atMost("usage rows whose cost differs from the upstream's record", costMismatch, 0, ""),
    info(`wall time for ${answers} answers`, wallMs / 1000, "s", `each ${TOKENS} tokens at ${RATE}/s (≥ ${round(TOKENS / RATE, 1)} s alone)`),
    info("answer duration p50 / p99", latency.p50 / 1000, "s", `p99 ${round(latency.p99 / 1000, 2)} s`),
    info("peak RSS of the server's process tree", usage.peakRssBytes / 2 ** 20, "MiB", `at start ${round(usage.startRssBytes / 2 ** 20, 0)} MiB`),
    info("server CPU over the batch", usage.cpuSeconds, "s"),
  );
  section.notes.push(
    `${answers} answers, ${userCount} users, one new conversation each, PGlite, loopback; ${rows} usage rows totalling ${totalNano} nano-USD checked against the local OpenRouter's /generation records.`,
  );
  section.data = {
    answers,
    users: userCount,
    wallMs,
    failed: failed.length,
    notSaved,
    textMismatch,
    unsettled,
    costMismatch,
    rows,
    totalNano: totalNano.toString(),
    peakRssBytes: usage.peakRssBytes,
  };
  return section;
}

if (isMain(import.meta.url)) await runAlone("load", "8. Load: concurrent answers, nothing lost", load);
