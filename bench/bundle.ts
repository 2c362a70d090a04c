// 6. First-load JavaScript of the chat page, gzipped: every script the page loads (empty
//    cache) until the network is quiet, each body gzipped at the level Next's server uses (6);
//    the bytes on the wire (CDP) are reported beside it.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { chromiumAvailable, launchChromium, signedInContext } from "./lib/chromium";
import { isMain, log, root } from "./lib/context";
import { distDir } from "./lib/servers";
import { atMost, info, newSection, type Section } from "./lib/report";
import { runAlone, type BenchEnv } from "./lib/runner";
import { conversationId } from "./lib/seed";

type Script = { url: string; bytes: number; gzip: number; wire: number | null; hints?: string[] };

/** Strings that survive minification and hint at what a chunk holds (a hint, not an attribution). */
const HINTS: [string, RegExp][] = [
  ["react-dom", /__reactFiber|react-dom/],
  ["highlight.js", /hljs|highlightAuto|registerLanguage/],
  ["markdown (micromark/remark/rehype)", /micromark|mdast|rehype/],
  ["zod", /ZodError|_zod/],
  ["AI SDK (useChat)", /text-delta|DefaultChatTransport|tool-input-start/],
  ["Radix UI", /data-radix|radix-/],
  ["recharts", /recharts/],
  ["next-auth", /next-auth|csrfToken/],
];

function hintsOf(body: Buffer): string[] {
  const text = body.toString("latin1");
  return HINTS.filter(([, re]) => re.test(text)).map(([name]) => name);
}

/** The build's own list of the route's first-load chunks (.next/diagnostics/route-bundle-stats.json). */
function manifestFirstLoad(route: string): { files: string[]; gzipKB: number; rawKB: number } | null {
  const file = path.join(root, distDir(), "diagnostics", "route-bundle-stats.json");
  if (!existsSync(file)) return null;
  const stats = JSON.parse(readFileSync(file, "utf8")) as { route: string; firstLoadChunkPaths: string[] }[];
  const entry = stats.find((s) => s.route === route);
  if (!entry) return null;
  let raw = 0;
  let gz = 0;
  for (const p of entry.firstLoadChunkPaths) {
    const body = readFileSync(path.join(root, p));
    raw += body.length;
    gz += gzipSync(body, { level: 6 }).length;
  }
  return { files: entry.firstLoadChunkPaths, gzipKB: gz / 1024, rawKB: raw / 1024 };
}

async function scriptsOf(env: BenchEnv, pathName: string): Promise<Script[]> {
  const { app, cookie } = await env.scale.app("pglite");
  const browser = await launchChromium();
  const context = await signedInContext(browser, app.url, cookie);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  const wire = new Map<string, number>();
  const urls = new Map<string, string>();
  cdp.on("Network.responseReceived", (e: { requestId: string; type: string; response: { url: string } }) => {
    if (e.type === "Script") urls.set(e.requestId, e.response.url);
  });
  cdp.on("Network.loadingFinished", (e: { requestId: string; encodedDataLength: number }) => {
    const url = urls.get(e.requestId);
    if (url) wire.set(url, e.encodedDataLength);
  });
  const bodies: Promise<Script | null>[] = [];
  page.on("response", (response) => {
    if (response.request().resourceType() !== "script") return;
    bodies.push(
      response
        .body()
        .then((body) => ({ url: response.url(), bytes: body.length, gzip: gzipSync(body, { level: 6 }).length, wire: null, hints: hintsOf(body) }))
        .catch(() => null),
    );
  });
  await page.goto(pathName, { waitUntil: "networkidle", timeout: 60_000 });
  await page.getByTestId("composer-input").waitFor({ timeout: 30_000 });
  const scripts = (await Promise.all(bodies)).filter((s): s is Script => s !== null);
  for (const s of scripts) s.wire = wire.get(s.url) ?? null;
  await context.close();
  return scripts;
}

export async function bundle(env: BenchEnv): Promise<Section> {
  const section = newSection("bundle", "6. First-load JavaScript");
  if (!chromiumAvailable()) {
    section.skipped = "no Chromium at /usr/bin/chromium";
    return section;
  }
  const pages: Record<string, string> = { "chat page /c/[id]": `/c/${conversationId(0)}`, "new chat /": "/" };
  const results: Record<string, Script[]> = {};
  for (const [name, p] of Object.entries(pages)) {
    results[name] = await scriptsOf(env, p);
    log(`bundle: ${name}: ${results[name]!.length} scripts`);
  }
  const sum = (xs: Script[], k: "bytes" | "gzip") => xs.reduce((n, s) => n + s[k], 0) / 1024;
  const wireSum = (xs: Script[]) => xs.reduce((n, s) => n + (s.wire ?? 0), 0) / 1024;
  const chat = results["chat page /c/[id]"]!;
  section.checks.push(
    atMost(
      "chat page first-load JS, gzipped",
      sum(chat, "gzip"),
      250,
      "KB",
      `${chat.length} scripts, ${Math.round(sum(chat, "bytes"))} KB uncompressed, ${Math.round(wireSum(chat))} KB on the wire`,
    ),
    info("new-chat page first-load JS, gzipped", sum(results["new chat /"]!, "gzip"), "KB"),
  );
  const manifest = manifestFirstLoad("/c/[id]");
  if (manifest) {
    section.checks.push(
      info(
        "chat page first-load JS per the build's route-bundle-stats.json, gzipped",
        manifest.gzipKB,
        "KB",
        `${manifest.files.length} chunks, ${Math.round(manifest.rawKB)} KB uncompressed`,
      ),
    );
  }
  section.markdown.push(
    [
      "| script (chat page) | KB | gzip KB | on the wire KB | contains (hints) |",
      "|---|---:|---:|---:|---|",
      ...[...chat]
        .sort((a, b) => b.gzip - a.gzip)
        .map(
          (s) =>
            `| ${new URL(s.url).pathname} | ${(s.bytes / 1024).toFixed(1)} | ${(s.gzip / 1024).toFixed(1)} | ${s.wire === null ? "" : (s.wire / 1024).toFixed(1)} | ${(s.hints ?? []).join(", ")} |`,
        ),
      `| **total** | **${sum(chat, "bytes").toFixed(1)}** | **${sum(chat, "gzip").toFixed(1)}** | **${wireSum(chat).toFixed(1)}** | |`,
    ].join("\n"),
  );
  section.notes.push(
    "KB = 1,024 bytes. Scripts loaded with an empty cache until the network was idle (lazy chunks the page fetched on its own included); gzip level 6 as Next's compression; \"on the wire\" is CDP's encodedDataLength (headers included).",
  );
  section.data = { pages: results };
  return section;
}

if (isMain(import.meta.url)) await runAlone("bundle", "6. First-load JavaScript", bundle);
