// Summarises a V8 .cpuprofile: self time per function and per package, total time per
// function (inclusive, each function counted once per sample), so a report can say where
// the server's time went.
import { existsSync, readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { fileURLToPath } from "node:url";

type Node = {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
};
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };

export type ProfileSummary = {
  totalMs: number;
  idleMs: number;
  selfByPackage: { name: string; ms: number; pct: number }[];
  selfByFunction: { name: string; ms: number; pct: number }[];
  inclusiveByFunction: { name: string; ms: number; pct: number }[];
  /** Inclusive time of frames in application code and its libraries (not Node internals, not V8). */
  inclusiveByCode: { name: string; ms: number; pct: number }[];
};

// Frames in the minified server bundle are mapped back to their sources through the build's
// source maps (node:module SourceMap), so "a chunk, line 1" becomes "ai/src/…/x.ts".
const maps = new Map<string, SourceMap | null>();
function mapFor(url: string): SourceMap | null {
  if (!maps.has(url)) {
    let map: SourceMap | null = null;
    try {
      const file = url.startsWith("file://") ? fileURLToPath(url) : url;
      if (file.includes("/.next") && existsSync(`${file}.map`)) map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, "utf8")));
    } catch {
      map = null;
    }
    maps.set(url, map);
  }
  return maps.get(url)!;
}

type Resolved = { url: string; functionName: string; line: number };
const resolvedCache = new Map<number, Resolved>();
function resolve(node: Node): Resolved {
  const hit = resolvedCache.get(node.id);
  if (hit) return hit;
  const f = node.callFrame;
  let out: Resolved = { url: f.url, functionName: f.functionName, line: f.lineNumber + 1 };
  const map = f.url ? mapFor(f.url) : null;
  if (map) {
    const entry = map.findEntry(f.lineNumber, f.columnNumber) as { originalSource?: string; originalLine?: number; name?: string };
    if (entry?.originalSource) {
      const source = entry.originalSource.replace(/^.*?\/(node_modules|app|lib|components)\//, (_m, dir: string) => `${dir}/`).replace(/%40/g, "@");
      out = { url: source, functionName: f.functionName, line: (entry.originalLine ?? 0) + 1 };
    }
  }
  resolvedCache.set(node.id, out);
  return out;
}

function packageOf(url: string): string {
  if (!url) return "(native/V8)";
  const nm = url.lastIndexOf("node_modules/");
  if (nm >= 0 || url.startsWith("node_modules/")) {
    const rest = url.slice(nm >= 0 ? nm + "node_modules/".length : 0).split("/");
    return rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith("node:")) return "node:internal";
  if (/^(app|lib|components)\//.test(url)) return `ours: ${url.split("/").slice(0, 2).join("/")}`;
  if (url.includes("/.next") || url.includes("/chunks/")) return "app bundle (.next)";
  return url
    .replace(/^file:\/\//, "")
    .split("/")
    .slice(-2)
    .join("/");
}

function label(node: Node): string {
  const r = resolve(node);
  const file = r.url
    ? r.url
        .replace(/^file:\/\//, "")
        .split("/")
        .slice(-3)
        .join("/")
    : "";
  return `${r.functionName || "(anonymous)"} ${file}:${r.line}`;
}

export function summarizeProfile(file: string, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  let total = 0;
  let idle = 0;
  const pkg = new Map<string, number>();
  const fn = new Map<string, number>();
  const incl = new Map<string, number>();
  const code = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!;
    total += us;
    const name = node.callFrame.functionName;
    if (name === "(idle)" || name === "(program)" || name === "(garbage collector)") {
      if (name === "(idle)") idle += us;
      const key = name;
      pkg.set(key, (pkg.get(key) ?? 0) + us);
      fn.set(key, (fn.get(key) ?? 0) + us);
      continue;
    }
    const p = packageOf(resolve(node).url);
    pkg.set(p, (pkg.get(p) ?? 0) + us);
    const l = label(node);
    fn.set(l, (fn.get(l) ?? 0) + us);
    // Inclusive: every distinct function on the stack gets this sample once.
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const n = byId.get(cur)!;
      if (!n.callFrame.functionName || n.callFrame.functionName === "(root)") continue;
      const key = label(n);
      if (seen.has(key)) continue;
      seen.add(key);
      incl.set(key, (incl.get(key) ?? 0) + us);
      const url = resolve(n).url;
      if (url && !url.startsWith("node:") && !url.includes("/wasm/") && !url.includes("pglite")) code.set(key, (code.get(key) ?? 0) + us);
    }
  }
  const busy = total - idle;
  const list = (m: Map<string, number>, denominator: number) =>
    [...m]
      .filter(([name]) => name !== "(idle)")
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: Math.round(us / 100) / 10, pct: Math.round((us / denominator) * 1000) / 10 }));
  return {
    totalMs: Math.round(total / 1000),
    idleMs: Math.round(idle / 1000),
    selfByPackage: list(pkg, busy),
    selfByFunction: list(fn, busy),
    inclusiveByFunction: list(incl, busy),
    inclusiveByCode: list(code, busy),
  };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop()!)) {
  const s = summarizeProfile(process.argv[2]!, Number(process.argv[3] ?? 30));
  console.log(`total ${s.totalMs} ms, idle ${s.idleMs} ms`);
  console.log("\nself by package:");
  for (const r of s.selfByPackage) console.log(`  ${String(r.pct).padStart(5)}%  ${String(r.ms).padStart(8)} ms  ${r.name}`);
  console.log("\nself by function:");
  for (const r of s.selfByFunction) console.log(`  ${String(r.pct).padStart(5)}%  ${String(r.ms).padStart(8)} ms  ${r.name}`);
  console.log("\ninclusive by function:");
  for (const r of s.inclusiveByFunction) console.log(`  ${String(r.pct).padStart(5)}%  ${String(r.ms).padStart(8)} ms  ${r.name}`);
  console.log("\ninclusive, application code and libraries:");
  for (const r of s.inclusiveByCode) console.log(`  ${String(r.pct).padStart(5)}%  ${String(r.ms).padStart(8)} ms  ${r.name}`);
}
