// Diagnostic for 2. (streaming relay): where the server's CPU per relayed token goes. The
// app's answer pipeline is rebuilt stage by stage in this process with the same libraries and
// options as lib/chat/answer.ts (the real provider from lib/openrouter/provider.ts, streamText,
// toUIMessageStream, the decoration, lib/chat/streams.ts, createUIMessageStreamResponse), fed
// with a 1,000-token answer recorded from the local OpenRouter and replayed one SSE event per
// read. CPU per token is process.cpuUsage() over whole answers, cumulative per stage; each
// stage runs inside an AsyncLocalStorage context (as under Next, whose request storage makes
// Node 20 run promise hooks for every promise) and outside one.
import { AsyncLocalStorage } from "node:async_hooks";
import { createUIMessageStreamResponse, streamText, toUIMessageStream, type UIMessageChunk } from "ai";
import { isMain, log } from "./lib/context";
import { request } from "./lib/http";
import { info, newSection, type Section } from "./lib/report";
import { runAlone, type BenchEnv } from "./lib/runner";
import { UPSTREAM_KEY } from "./lib/servers";
import { round } from "./lib/stats";
import { MODEL, upstreamBody } from "./ttft";

const TOKENS = Number(process.env.SB_PIPELINE_TOKENS ?? 1000);

async function record(env: BenchEnv): Promise<string[]> {
  const upstream = await env.upstream();
  const r = await request(`${upstream.baseURL}/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${UPSTREAM_KEY}`, "content-type": "application/json" },
    body: upstreamBody(`Record this. [[sb:text tokens=${TOKENS} rate=0]]`),
  });
  if (r.status !== 200) throw new Error(`recording failed: ${r.status}`);
  return r.body
    .split("\n\n")
    .filter((e) => e.trim())
    .map((e) => `${e}\n\n`);
}

function replayFetch(events: string[]): typeof fetch {
  const encoder = new TextEncoder();
  return async () => {
    let i = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (i < events.length) controller.enqueue(encoder.encode(events[i++]!));
        else controller.close();
      },
    });
    return new Response(body, { status: 200, headers: { "content-type": "text/event-stream", "x-generation-id": "gen-replay" } });
  };
}

type Stage = "provider" | "streamText" | "toUIMessageStream" | "app pump (streams.ts)" | "SSE response body";
const STAGES: Stage[] = ["provider", "streamText", "toUIMessageStream", "app pump (streams.ts)", "SSE response body"];

async function drain<T>(stream: ReadableStream<T>): Promise<number> {
  const reader = stream.getReader();
  let n = 0;
  for (;;) {
    const { done } = await reader.read();
    if (done) return n;
    n++;
  }
}

let seq = 0;
type AppModules = {
  createUpstream: typeof import("../lib/openrouter/provider").createUpstream;
  runStream: typeof import("../lib/chat/streams").runStream;
  attachStream: typeof import("../lib/chat/streams").attachStream;
};
let app: AppModules;

async function oneAnswer(stage: Stage, bare = false): Promise<void> {
  const { createUpstream, runStream, attachStream } = app;
  const upstream = createUpstream({ onResponse: () => undefined });
  const model = upstream.chat(MODEL, { usage: { include: true } });
  if (stage === "provider") {
    const { stream } = await model.doStream({ prompt: [{ role: "user", content: [{ type: "text", text: "hi" }] }] } as never);
    await drain(stream as ReadableStream<unknown>);
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  const result = streamText({
    model,
    messages: [{ role: "user", content: "hi" }],
    maxRetries: 0,
    ...(bare
      ? {}
      : {
          onChunk: () => {
            // as answer.ts: the stall watchdog is re-armed on every chunk
            clearTimeout(timer);
            timer = setTimeout(() => undefined, 120_000);
            timer.unref();
          },
          onStepEnd: async () => undefined,
        }),
  });
  for (const p of [result.finishReason, result.usage, result.steps, result.text, result.response]) Promise.resolve(p).catch(() => undefined);
  if (stage === "streamText") {
    await drain(result.stream as ReadableStream<unknown>);
    clearTimeout(timer);
    return;
  }
  const ui = toUIMessageStream({
    stream: result.stream,
    sendReasoning: true,
    sendSources: true,
    generateMessageId: () => "m-replay",
    messageMetadata: ({ part }) => (part.type === "start" || part.type === "finish" ? { status: "streaming" } : undefined),
    onError: () => "error",
    onEnd: async () => clearTimeout(timer),
  });
  if (stage === "toUIMessageStream") {
    await drain(ui);
    return;
  }
  let first = true;
  const decorated = ui.pipeThrough(
    new TransformStream<UIMessageChunk, UIMessageChunk>({
      transform(chunk, controller) {
        controller.enqueue(chunk);
        if (first) first = false;
      },
    }),
  );
  const id = `pipeline-${seq++}`;
  runStream(id, id, "u", new AbortController(), decorated);
  const attached = attachStream(id, "u")!;
  if (stage === "app pump (streams.ts)") {
    await drain(attached);
    return;
  }
  const response = createUIMessageStreamResponse({ stream: attached });
  await drain(response.body!);
}

async function cpuOf(fn: () => Promise<void>): Promise<number> {
  const cpu0 = process.cpuUsage();
  await fn();
  const cpu = process.cpuUsage(cpu0);
  return (cpu.user + cpu.system) / TOKENS; // µs per token
}

/** streamText without onChunk/onStepEnd (the last breakdown's), to price those callbacks. */
export let bareStreamText = NaN;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function pipelineBreakdown(env: BenchEnv): Promise<{ stage: Stage; withAls: number; withoutAls: number }[]> {
  // Imported here, not at the top: a module of the app that does not load fails this section only.
  app = { ...(await import("../lib/openrouter/provider")), ...(await import("../lib/chat/streams")) };
  const events = await record(env);
  const realFetch = globalThis.fetch;
  process.env.OPENROUTER_API_KEY = UPSTREAM_KEY;
  process.env.OPENROUTER_BASE_URL = "http://127.0.0.1:9/api/v1";
  globalThis.fetch = replayFetch(events);
  const rounds = env.args.quick ? 5 : 15;
  const als = new AsyncLocalStorage<{ id: number }>();
  const inAls = (stage: Stage) => () => als.run({ id: 1 }, () => oneAnswer(stage));
  const inAls2 = (fn: () => Promise<void>) => () => als.run({ id: 1 }, fn);
  const samples = new Map<string, number[]>();
  const add = (key: string, v: number) => samples.set(key, [...(samples.get(key) ?? []), v]);
  const whole = STAGES[STAGES.length - 1]!;
  try {
    for (const stage of STAGES) await inAls(stage)(); // warm-up (JIT)
    // Interleaved rounds, medians: a busy machine's drift hits every stage alike.
    for (let r = 0; r < rounds; r++) {
      for (const stage of STAGES) add(stage, await cpuOf(inAls(stage)));
      add("no ALS", await cpuOf(() => oneAnswer(whole)));
      add("bare", await cpuOf(inAls2(() => oneAnswer("streamText", true))));
    }
  } finally {
    globalThis.fetch = realFetch;
  }
  const rows = STAGES.map((stage) => ({
    stage,
    withAls: median(samples.get(stage)!),
    withoutAls: stage === whole ? median(samples.get("no ALS")!) : NaN,
  }));
  for (const r of rows) log(`pipeline: ${r.stage}: ${round(r.withAls, 1)} µs/token`);
  bareStreamText = median(samples.get("bare")!);
  return rows;
}

export async function pipeline(env: BenchEnv): Promise<Section> {
  const section = newSection("pipeline", "2b. Relay CPU per token, stage by stage (diagnostic)");
  const rows = await pipelineBreakdown(env);
  let previous = 0;
  const lines = rows.map((r) => {
    const line = `| ${r.stage} | ${round(r.withAls, 1)} | ${round(r.withAls - previous, 1)} | ${Number.isNaN(r.withoutAls) ? "" : round(r.withoutAls, 1)} |`;
    previous = r.withAls;
    return line;
  });
  const total = rows[rows.length - 1]!;
  section.checks.push(
    info(
      "streamText stage without onChunk/onStepEnd",
      bareStreamText,
      "µs/token",
      `with them (as answer.ts): ${round(rows[1]!.withAls, 1)} µs/token, cumulative`,
    ),
    info("whole pipeline, in an AsyncLocalStorage context (as under Next)", total.withAls, "µs/token"),
    info("whole pipeline, no AsyncLocalStorage", total.withoutAls, "µs/token"),
  );
  section.markdown.push(
    ["| cumulative stage | µs / token (ALS) | added by the stage | µs / token (no ALS) |", "|---|---:|---:|---:|", ...lines].join("\n"),
  );
  section.notes.push(
    'Cumulative: each row runs the whole chain up to that stage; "added" is the difference to the row above. Medians of interleaved rounds (small differences are still within the noise of a shared machine).',
    `Node ${process.version}, this process (no HTTP server, no database, no upstream process): a recorded ${TOKENS}-token answer replayed through the same libraries and options as lib/chat/answer.ts.`,
  );
  section.data = { rows };
  return section;
}

if (isMain(import.meta.url)) await runAlone("pipeline", "2b. Relay CPU per token, stage by stage (diagnostic)", pipeline);
