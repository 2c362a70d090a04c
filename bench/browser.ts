// 5. A long conversation in the browser (Chromium): time from navigation until the composer
//    accepts input on a 2,000-message conversation, and main-thread time per streamed token
//    while a 1,000-token answer streams into it (CDP Performance.getMetrics deltas, minus the
//    page's idle rate, divided by the tokens; long tasks from a PerformanceObserver). The same
//    per-token figure for an answer full of math (KaTeX), beside plain prose in a new chat.
import type { BrowserContext, CDPSession, Page } from "playwright-core";
import { countTokens } from "@/local-openrouter/tokenizer";
import { chromiumAvailable, launchChromium, signedInContext } from "./lib/chromium";
import { deadline, isMain, log, sleep } from "./lib/context";
import { atMost, info, newSection, type Section } from "./lib/report";
import { runAlone, type BenchEnv } from "./lib/runner";
import { LONG_CONVERSATION_ID } from "./lib/scale";
import { round, summarize } from "./lib/stats";

/**
 * Injected before any page script: polls (every 5 ms, at most 60 s) until React has hydrated the
 * composer, then types a character the way React sees typing (native value setter + input
 * event) and records when the Send button turns enabled — React processed the input. Then it
 * clears the draft again.
 */
const READY_PROBE = `(() => {
  const setter = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value").set;
  const started = performance.now();
  const state = { hydratedAt: null, typedAt: null, readyAt: null };
  window.__sbProbe = state;
  const poll = () => {
    if (performance.now() - started > 60000) return;
    const el = document.querySelector('[data-testid="composer-input"]');
    if (el && Object.keys(el).some((k) => k.startsWith("__reactProps$"))) {
      if (state.hydratedAt === null) state.hydratedAt = performance.now();
      const send = document.querySelector('[data-testid="send"]');
      if (state.typedAt === null || el.value !== "x") {
        setter.call(el, "x");
        el.dispatchEvent(new Event("input", { bubbles: true }));
        if (state.typedAt === null) state.typedAt = performance.now();
      } else if (send && !send.disabled) {
        state.readyAt = performance.now();
        setter.call(el, "");
        el.dispatchEvent(new Event("input", { bubbles: true }));
        return;
      }
    }
    setTimeout(poll, 5);
  };
  poll();
})();`;

type Load = { readyMs: number; hydratedMs: number; ttfbMs: number; domContentLoadedMs: number; loadMs: number; rows: number };

async function loadOnce(page: Page, url: string): Promise<Load> {
  await page.goto(url, { waitUntil: "commit", timeout: 60_000 });
  await page.waitForFunction(() => (window as unknown as { __sbProbe?: { readyAt: number | null } }).__sbProbe?.readyAt != null, null, {
    timeout: 60_000,
    polling: 50,
  });
  return page.evaluate(() => {
    const probe = (window as unknown as { __sbProbe: { readyAt: number; hydratedAt: number } }).__sbProbe;
    const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
    return {
      readyMs: probe.readyAt,
      hydratedMs: probe.hydratedAt,
      ttfbMs: nav.responseStart,
      domContentLoadedMs: nav.domContentLoadedEventEnd,
      loadMs: nav.loadEventEnd,
      rows: document.querySelectorAll('[data-testid="message-row"]').length,
    };
  });
}

type Metrics = Record<string, number>;
async function metrics(cdp: CDPSession): Promise<Metrics> {
  const { metrics: list } = (await cdp.send("Performance.getMetrics")) as { metrics: { name: string; value: number }[] };
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}

const MAIN_THREAD = ["TaskDuration", "ScriptDuration", "LayoutDuration", "RecalcStyleDuration"] as const;

/** Main-thread time (CDP metrics, idle rate subtracted) per token while `run` streams `tokens` tokens. */
async function mainThreadPerToken(
  cdp: CDPSession,
  tokens: number,
  run: () => Promise<void>,
): Promise<{ perToken: Record<string, number>; seconds: number }> {
  const idle0 = await metrics(cdp);
  const idleStart = performance.now();
  await sleep(2000);
  const idle1 = await metrics(cdp);
  const idleSeconds = (performance.now() - idleStart) / 1000;
  const m0 = await metrics(cdp);
  const t0 = performance.now();
  await run();
  const seconds = (performance.now() - t0) / 1000;
  const m1 = await metrics(cdp);
  const perToken: Record<string, number> = {};
  for (const k of MAIN_THREAD) {
    const idleRate = ((idle1[k] ?? 0) - (idle0[k] ?? 0)) / idleSeconds;
    perToken[k] = (((m1[k] ?? 0) - (m0[k] ?? 0) - idleRate * seconds) * 1000) / tokens;
  }
  return { perToken, seconds };
}

const COMPARE_MODELS = ["anthropic/claude-haiku-4.5", "google/gemini-2.5-flash", "meta-llama/llama-3.3-70b-instruct"];

/**
 * Issue #11: four columns of a comparison streaming at once against one stream alone, each in a
 * new conversation, the same 1,000 tokens at 100 tokens/s per answer.
 */
async function compareStreams(
  context: BrowserContext,
  quick: boolean,
): Promise<{ single: number; four: number; singleSeconds: number; fourSeconds: number; tokens: number }> {
  const tokens = quick ? 300 : 1000;
  const prompt = `Stream a long answer please. [[sb:text tokens=${tokens} rate=100]]`;
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Performance.enable", { timeDomain: "threadTicks" });
  const fresh = async () => {
    await page.goto("/");
    await page.getByTestId("composer-input").waitFor();
    await page.waitForLoadState("networkidle").catch(() => undefined);
    await sleep(1000);
  };

  await fresh();
  const single = await mainThreadPerToken(cdp, tokens, async () => {
    await page.getByTestId("composer-input").fill(prompt);
    await page.getByTestId("composer-input").press("Enter");
    await page.getByTestId("stop").waitFor({ state: "visible", timeout: 30_000 });
    await page.getByTestId("send").waitFor({ state: "visible", timeout: 120_000 });
  });

  await fresh();
  await page.getByTestId("compare-toggle").click();
  for (const model of COMPARE_MODELS) {
    await page.getByTestId("compare-models").getByTestId("model-picker").click();
    await page.getByTestId("model-search").fill(model);
    await page.locator(`[data-testid="model-option"][data-model-id="${model}"]`).click();
  }
  const four = await mainThreadPerToken(cdp, tokens * 4, async () => {
    await page.getByTestId("composer-input").fill(prompt);
    await page.getByTestId("composer-input").press("Enter");
    await page.locator('[data-testid="compare-column"]').nth(3).waitFor({ timeout: 30_000 });
    await page.getByTestId("stop").waitFor({ state: "visible", timeout: 30_000 });
    await page.getByTestId("send").waitFor({ state: "visible", timeout: 120_000 });
  });
  await page.close();
  return {
    single: single.perToken.TaskDuration!,
    four: four.perToken.TaskDuration!,
    singleSeconds: single.seconds,
    fourSeconds: four.seconds,
    tokens,
  };
}

/** An answer the way models write math: prose with inline formulas, display formulas, a list; every formula different. */
export function mathAnswer(tokens: number): string {
  const paragraphs: string[] = [];
  for (let i = 1; countTokens(paragraphs.join("\n\n")) < tokens; i++) {
    paragraphs.push(
      `Step ${i}: with $a_{${i}} = ${i}^2$ and \\(b_{${i}} = \\sqrt{${i} + x}\\), the sum is $a_{${i}} + b_{${i}}$ for every $x \\ge 0$.`,
      `$$\n\\int_0^{${i}} \\frac{x^{${i}}}{1 + x^2}\\,dx = \\sum_{k=0}^{\\infty} \\frac{(-1)^k ${i}^{2k+${i}+1}}{2k+${i}+1}\n$$`,
      `- the bound \\[ \\left| f_{${i}}(x) \\right| \\le \\frac{M_{${i}}}{(1+|x|)^{${i}}} \\]\n- and $\\lim_{n \\to \\infty} \\left(1 + \\frac{${i}}{n}\\right)^n = e^{${i}}$.`,
    );
  }
  return paragraphs.join("\n\n");
}

/**
 * Main-thread time per token while an answer full of math (inline and display formulas, typeset by
 * KaTeX as each completes; KaTeX itself loaded on demand by the first one) streams into a new chat
 * at 100 tokens/s: the figure beside compare's plain-prose one-stream figure, measured the same way.
 */
async function mathStream(context: BrowserContext, quick: boolean): Promise<{ perToken: number; seconds: number; tokens: number; formulas: number }> {
  const text = mathAnswer(quick ? 300 : 1000);
  const tokens = countTokens(text);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Performance.enable", { timeDomain: "threadTicks" });
  await page.goto("/");
  await page.getByTestId("composer-input").waitFor();
  await page.waitForLoadState("networkidle").catch(() => undefined);
  await sleep(1000);
  const run = await mainThreadPerToken(cdp, tokens, async () => {
    await page.getByTestId("composer-input").fill(`Math please. [[sb:say text=${JSON.stringify(text)} rate=100]]`);
    await page.getByTestId("composer-input").press("Enter");
    await page.getByTestId("stop").waitFor({ state: "visible", timeout: 30_000 });
    await page.getByTestId("send").waitFor({ state: "visible", timeout: 120_000 });
  });
  const formulas = await page.locator('[data-testid="message-assistant"] .katex').count();
  await page.close();
  return { perToken: run.perToken.TaskDuration!, seconds: run.seconds, tokens, formulas };
}

export async function browserBench(env: BenchEnv): Promise<Section> {
  const section = newSection("browser", "5. Long conversation in the browser");
  if (!chromiumAvailable()) {
    section.skipped = "no Chromium at /usr/bin/chromium (apt-get install chromium)";
    return section;
  }
  const quick = env.args.quick;
  const { app, cookie, db } = await env.scale.app("pglite");
  const browser = await launchChromium();
  const context = await signedInContext(browser, app.url, cookie);
  await context.addInitScript(READY_PROBE);
  const page = await context.newPage();
  const url = `/c/${LONG_CONVERSATION_ID}`;

  // A production server is not measured on its first requests (module loading, JIT, a cold
  // database cache): warm it with a few plain requests for the page first, timed for the report.
  const warmups: number[] = [];
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    const response = await fetch(new URL(url, app.url), { headers: { cookie } });
    await response.arrayBuffer();
    warmups.push(performance.now() - started);
  }
  log(`browser: server warm-up requests for the page: ${warmups.map((ms) => `${round(ms)} ms`).join(", ")}`);

  // Navigation → composer accepts input. The first load has an empty cache; later ones reuse it.
  const loads: Load[] = [];
  const rounds = quick ? 3 : 8;
  const limit = deadline(quick ? 60_000 : 180_000);
  for (let i = 0; i < rounds && !limit.passed(); i++) {
    loads.push(await loadOnce(page, url));
    log(`browser: load ${i + 1}: composer accepts input at ${round(loads[i]!.readyMs)} ms (${loads[i]!.rows} rows rendered)`);
  }
  const cold = loads[0]!;
  const warm = summarize(loads.slice(1).map((l) => l.readyMs));

  // Streaming: one answer of 1,000 tokens at 100 tokens/s into the long conversation.
  const cdp = await context.newCDPSession(page);
  await cdp.send("Performance.enable", { timeDomain: "threadTicks" });
  await page.evaluate(() => {
    const w = window as unknown as { __sbLong: { count: number; total: number } };
    w.__sbLong = { count: 0, total: 0 };
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        w.__sbLong.count++;
        w.__sbLong.total += e.duration;
      }
    }).observe({ type: "longtask", buffered: false });
  });
  // Let the page settle (late fetches, deferred work) so the idle rate is the page at rest.
  await page.waitForLoadState("networkidle").catch(() => undefined);
  await sleep(1500);
  const idle0 = await metrics(cdp);
  const idleStart = performance.now();
  await sleep(2000);
  const idle1 = await metrics(cdp);
  const idleSeconds = (performance.now() - idleStart) / 1000;

  const tokens = 1000;
  const assistantBefore = await page.locator('[data-testid="message-assistant"]').count();
  await page.getByTestId("composer-input").fill(`Stream a long answer please. [[sb:text tokens=${tokens} rate=100]]`);
  const m0 = await metrics(cdp);
  const t0 = performance.now();
  await page.getByTestId("composer-input").press("Enter");
  await page.getByTestId("stop").waitFor({ state: "visible", timeout: 30_000 });
  await page.getByTestId("send").waitFor({ state: "visible", timeout: 120_000 });
  const streamSeconds = (performance.now() - t0) / 1000;
  const m1 = await metrics(cdp);
  const long = await page.evaluate(() => (window as unknown as { __sbLong: { count: number; total: number } }).__sbLong);
  const lastText = (await page.locator('[data-testid="message-assistant"]').last().innerText()).trim();
  const assistantAfter = await page.locator('[data-testid="message-assistant"]').count();

  const perToken: Record<string, number> = {};
  const perTokenRaw: Record<string, number> = {};
  const idleRate: Record<string, number> = {};
  for (const k of MAIN_THREAD) {
    idleRate[k] = ((idle1[k] ?? 0) - (idle0[k] ?? 0)) / idleSeconds;
    perTokenRaw[k] = (((m1[k] ?? 0) - (m0[k] ?? 0)) * 1000) / tokens;
    perToken[k] = perTokenRaw[k]! - (idleRate[k]! * streamSeconds * 1000) / tokens;
  }
  log("browser: four compared columns streaming at once vs one stream alone");
  const compare = await compareStreams(context, quick);
  log("browser: an answer full of math streaming into a new chat");
  const math = await mathStream(context, quick);
  await context.close();

  section.checks.push(
    atMost("composer accepts input after navigation, warm cache p50", warm.p50, 1500, "ms", `max ${round(warm.max)} ms over ${warm.count} loads`),
    atMost("composer accepts input after navigation, empty cache", cold.readyMs, 1500, "ms"),
    atMost("main-thread time per streamed token (TaskDuration)", perToken.TaskDuration!, 1, "ms"),
    info("main-thread time per streamed token, idle not subtracted", perTokenRaw.TaskDuration!, "ms"),
    info("script time per streamed token (ScriptDuration)", perToken.ScriptDuration!, "ms"),
    info("layout + style time per streamed token", perToken.LayoutDuration! + perToken.RecalcStyleDuration!, "ms"),
    info("long tasks while streaming", long.count, "", `${round(long.total)} ms in total over ${round(streamSeconds, 1)} s`),
    info(
      "compare: main-thread time per streamed token, one stream alone (new chat)",
      compare.single,
      "ms",
      `${compare.tokens} tokens in ${round(compare.singleSeconds, 1)} s`,
    ),
    info(
      "compare: main-thread time per streamed token, four columns at once",
      compare.four,
      "ms",
      `${compare.tokens * 4} tokens in ${round(compare.fourSeconds, 1)} s; ${round(compare.four / compare.single, 2)}× one stream's per token`,
    ),
    info(
      "math: main-thread time per streamed token, an answer full of math (new chat)",
      math.perToken,
      "ms",
      `${math.tokens} tokens in ${round(math.seconds, 1)} s, ${math.formulas} formulas typeset; ${round(math.perToken / compare.single, 2)}× plain prose's ${round(compare.single, 3)} ms (compare, one stream alone)`,
    ),
  );
  section.markdown.push(
    [
      "| load | composer accepts input ms | React hydrated ms | TTFB ms | DOMContentLoaded ms | load ms | message rows in the DOM |",
      "|---|---:|---:|---:|---:|---:|---:|",
      ...loads.map(
        (l, i) =>
          `| ${i === 0 ? "1 (empty cache)" : i + 1} | ${round(l.readyMs)} | ${round(l.hydratedMs)} | ${round(l.ttfbMs)} | ${round(l.domContentLoadedMs)} | ${round(l.loadMs)} | ${l.rows} |`,
      ),
    ].join("\n"),
    `Streaming ${tokens} tokens at 100 tokens/s took ${round(streamSeconds, 1)} s from Enter to the Send button's return; main thread per token: ${MAIN_THREAD.map((k) => `${k} ${round(perToken[k]!, 3)} ms`).join(", ")} (idle rates subtracted: ${MAIN_THREAD.map((k) => `${k} ${round(idleRate[k]! * 1000, 2)} ms/s`).join(", ")}).`,
  );
  if (assistantAfter <= assistantBefore && !lastText) section.notes.push("The streamed answer did not appear in the list: check the page.");
  section.notes.push(
    `Compare (issue #11): a new chat streams ${compare.tokens} tokens at 100 tokens/s alone, then a new chat compares four models (${["openai/gpt-4o-mini", ...COMPARE_MODELS].join(", ")}), each column ${compare.tokens} tokens at 100 tokens/s at once; main-thread TaskDuration per token (all columns' tokens counted), idle rate subtracted.`,
    `Before the loads the server answered the page ${warmups.length} times (warm-up, not browser-timed): ${warmups.map((ms) => `${round(ms)} ms`).join(", ")}.`,
    `The conversation has ${db.scale.longConversationMessages} saved messages (Markdown, some code blocks). "Accepts input": React has hydrated the composer and a typed character enabled the Send button (probe injected before the page's scripts; times from navigation start).`,
    "CDP Performance.getMetrics with threadTicks; per-token figures subtract the page's idle rate measured for 2 s just before.",
  );
  if (math.formulas === 0) section.notes.push("The math answer showed no typeset formula: check the page.");
  section.data = { warmups, loads, cold, warm, perToken, perTokenRaw, idleRate, streamSeconds, longTasks: long, tokens, compare, math };
  return section;
}

if (isMain(import.meta.url)) await runAlone("browser", "5. Long conversation in the browser", browserBench);
