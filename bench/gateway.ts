// 1b. Time to first token added by the gateway (/api/v1/chat/completions with a personal key),
//     against the upstream directly and against the chat route, in one run: the same request
//     (model, one user message, streamed) to each of the three, interleaved in triples with the
//     order rotated. The gateway has less to do than the chat route (no conversation, no message
//     rows before the stream) and the figures must show it.
import { registerAndSignIn } from "./lib/auth";
import { deadline, isMain, log, onCleanup, scratchDir } from "./lib/context";
import { isAppTextDelta, isUpstreamTextDelta, postSse, request } from "./lib/http";
import { atMost, info, newSection, summaryTable, type Section } from "./lib/report";
import { runAlone, type BenchEnv } from "./lib/runner";
import { startBenchApp, UPSTREAM_KEY } from "./lib/servers";
import { treeUsage } from "./lib/proc";
import { round, summarize } from "./lib/stats";
import { appChatBody, firstDeltaMs, MODEL, upstreamBody } from "./ttft";

type Side = "gateway" | "chat" | "upstream";
const SIDES: readonly Side[] = ["gateway", "chat", "upstream"];

export async function gateway(env: BenchEnv): Promise<Section> {
  const section = newSection("gateway", "1b. Time to first token through the API gateway");
  const { quick } = env.args;
  const triples = quick ? 40 : 200;
  const warmup = quick ? 10 : 20;
  const upstream = await env.upstream();
  const app = await startBenchApp({
    upstream,
    dataDir: scratchDir("gateway-data", env.args.keep),
    cpuProfDir: env.profileDir("gateway"),
    // The per-key limits are the product's concern, not this measurement's.
    env: { SWITCHBOARD_API_REQUESTS_PER_MINUTE: "100000", SWITCHBOARD_API_TOKENS_PER_MINUTE: "100000000" },
  });
  const stop = onCleanup("gateway app", () => app.stop());
  const session = await registerAndSignIn(app.url, "gateway");
  const created = await request(`${app.url}/api/account/keys`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie: session.cookie },
    body: JSON.stringify({ name: "bench", requestsPerMinute: null, tokensPerMinute: null }),
  });
  if (created.status !== 201) throw new Error(`creating a key: ${created.status} ${created.body.slice(0, 300)}`);
  const { key } = JSON.parse(created.body) as { key: string };

  const prompt = (i: number) => `Gateway TTFT probe ${i}: answer briefly. [[sb:text tokens=8 rate=0]]`;
  const one = async (side: Side, i: number) => {
    const text = prompt(i);
    const result =
      side === "chat"
        ? await postSse(`${app.url}/api/chat`, appChatBody(text), { headers: { cookie: session.cookie }, timeoutMs: 30_000 })
        : await postSse(side === "gateway" ? `${app.url}/api/v1/chat/completions` : `${upstream.baseURL}/chat/completions`, upstreamBody(text), {
            headers: { authorization: `Bearer ${side === "gateway" ? key : UPSTREAM_KEY}` },
            timeoutMs: 30_000,
          });
    if (result.status !== 200) throw new Error(`${side} answered ${result.status}: ${result.errorBody?.slice(0, 300)}`);
    const first = firstDeltaMs(result, side === "chat" ? isAppTextDelta : isUpstreamTextDelta);
    if (first === null) throw new Error(`${side}: no text delta in the stream`);
    return first;
  };

  log(`gateway: warming up (${warmup} requests each)`);
  for (let i = 0; i < warmup; i++) for (const side of SIDES) await one(side, -i);

  const ttft: Record<Side, number[]> = { gateway: [], chat: [], upstream: [] };
  const gatewayAdded: number[] = [];
  const chatAdded: number[] = [];
  const limit = deadline(quick ? 60_000 : 4 * 60_000);
  const cpu0 = treeUsage(app.child.pid!).cpuSeconds;
  log(`gateway: ${triples} interleaved triples`);
  for (let i = 0; i < triples && !limit.passed(); i++) {
    const order = SIDES.map((_, k) => SIDES[(i + k) % SIDES.length]!);
    const r = {} as Record<Side, number>;
    for (const side of order) r[side] = await one(side, i);
    for (const side of SIDES) ttft[side].push(r[side]);
    gatewayAdded.push(r.gateway - r.upstream);
    chatAdded.push(r.chat - r.upstream);
  }
  const cpuMsPerTriple = ((treeUsage(app.child.pid!).cpuSeconds - cpu0) * 1000) / ttft.gateway.length;

  // A wrong key is refused after the same work however much of it matches a real one: the whole
  // key is hashed and looked up by its hash. Three kinds of wrong key, interleaved.
  const flip = (text: string, at: number) => text.slice(0, at) + (text[at] === "A" ? "B" : "A") + text.slice(at + 1);
  const wrongKeys = {
    "all but the last character right": flip(key, key.length - 1),
    "only the prefix right": flip(key, 4),
    "nothing right": `sbk_${"A".repeat(key.length - 4)}`,
  };
  const refusedMs: Record<string, number[]> = Object.fromEntries(Object.keys(wrongKeys).map((k) => [k, []]));
  const probes = quick ? 100 : 400;
  for (let i = 0; i < probes; i++) {
    for (const [kind, wrong] of Object.entries(wrongKeys)) {
      const reply = await request(`${app.url}/api/v1/models`, { headers: { authorization: `Bearer ${wrong}` } });
      if (reply.status !== 401) throw new Error(`a wrong key (${kind}) answered ${reply.status}`);
      refusedMs[kind]!.push(reply.totalMs);
    }
  }
  await stop();

  const g = summarize(gatewayAdded);
  const c = summarize(chatAdded);
  const up = summarize(ttft.upstream);
  section.checks.push(
    atMost("added TTFT p50 by the gateway (per request: gateway − upstream)", g.p50, 10, "ms", `chat route: ${round(c.p50)} ms`),
    atMost("added TTFT p99 by the gateway (per request)", g.p99, 40, "ms", `chat route: ${round(c.p99)} ms`),
    info("gateway's added p50 ÷ chat route's added p50", c.p50 > 0 ? g.p50 / c.p50 : Number.NaN, "×", "below 1: the gateway adds less"),
    info("gateway TTFT p50 ÷ upstream TTFT p50", up.p50 > 0 ? summarize(ttft.gateway).p50 / up.p50 : Number.NaN, "×"),
  );
  const refused = Object.fromEntries(Object.entries(refusedMs).map(([kind, values]) => [kind, summarize(values)]));
  const nothingRight = refused["nothing right"]!.p50;
  for (const [kind, s] of Object.entries(refused)) {
    if (kind === "nothing right") continue;
    section.checks.push(
      info(
        `wrong key refused, p50 ratio: ${kind} ÷ nothing right`,
        nothingRight > 0 ? s.p50 / nothingRight : Number.NaN,
        "×",
        `${round(s.p50)} ms vs ${round(nothingRight)} ms over ${s.count} requests`,
      ),
    );
  }
  section.markdown.push(
    summaryTable(Object.entries(refused).map(([kind, s]) => ({ label: `401 for a wrong key: ${kind}`, s }))),
    summaryTable([
      { label: "gateway: first content delta", s: summarize(ttft.gateway) },
      { label: "chat route: first text-delta", s: summarize(ttft.chat) },
      { label: "upstream direct: first content delta", s: up },
      { label: "gateway − upstream, per request", s: g },
      { label: "chat route − upstream, per request", s: c },
    ]),
    `Server CPU ${round(cpuMsPerTriple)} ms per triple (one gateway call and one chat answer, both metered).`,
  );
  if (limit.passed()) section.notes.push(`Stopped at the time bound after ${ttft.gateway.length} triples.`);
  section.notes.push(
    `PGlite; one user and one personal key; ${MODEL}, an 8-token answer at full speed; sequential requests over keep-alive connections, the order rotated each triple.`,
  );
  section.data = { gateway: g, chat: c, refused, ttft: Object.fromEntries(SIDES.map((s) => [s, summarize(ttft[s])])) };
  return section;
}

if (isMain(import.meta.url)) await runAlone("gateway", "1b. Time to first token through the API gateway", gateway);
