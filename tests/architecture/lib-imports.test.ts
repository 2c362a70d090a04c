// The folders under lib/ import each other one way only (ARCHITECTURE: lib/openrouter knows
// nothing of ours but the env module and its own types; lib/spend → lib/db, lib/openrouter;
// lib/chat → all three): a cycle between two folders is a seam that has grown tangled. Imports
// of a folder's `types.ts` do not count: that is the client-safe vocabulary (types and their zod
// schemas) every layer shares.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "../..");
const lib = path.join(root, "lib");
const SKIP = new Set(["generated", "node_modules"]);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (SKIP.has(name)) return [];
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sources(full);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [full] : [];
  });
}

/** lib/<folder> of a file, or null for a file directly under lib/ (e.g. lib/instance.ts, which starts the server). */
const folderOf = (file: string) => {
  const parts = path.relative(lib, file).split(path.sep);
  return parts.length > 1 ? parts[0]! : null;
};

function folderGraph(): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  const importPattern = /^\s*(?:import|export)\s+[^'"]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/gm;
  for (const file of sources(lib)) {
    const from = folderOf(file);
    if (!from) continue;
    // Test support (not a test) drives the module it sits in, as a test would.
    if (path.basename(file) === "test-support.ts" || path.basename(file) === "testing.ts") continue;
    for (const match of readFileSync(file, "utf8").matchAll(importPattern)) {
      const spec = match[1] ?? match[2]!;
      const target = spec.startsWith("@/lib/")
        ? path.join(lib, spec.slice("@/lib/".length))
        : spec.startsWith(".")
          ? path.resolve(path.dirname(file), spec)
          : null;
      if (!target || !target.startsWith(lib)) continue;
      if (/(^|\/)types$/.test(target)) continue;
      const to = folderOf(target);
      if (!to || to === from) continue;
      const edges = graph.get(from) ?? new Map<string, string>();
      if (!edges.has(to)) edges.set(to, path.relative(root, file));
      graph.set(from, edges);
    }
  }
  return graph;
}

function cycles(graph: Map<string, Map<string, string>>): string[] {
  const found: string[] = [];
  const visit = (node: string, trail: string[]) => {
    for (const [next, file] of graph.get(node) ?? []) {
      const at = trail.indexOf(next);
      if (at >= 0) {
        const loop = [...trail.slice(at), next];
        if (loop[0] === [...loop].slice(0, -1).sort()[0]) found.push(`${loop.join(" → ")} (${file})`);
        continue;
      }
      visit(next, [...trail, next]);
    }
  };
  for (const node of graph.keys()) visit(node, [node]);
  return [...new Set(found)];
}

describe("lib/ folders", () => {
  it("import each other without cycles", () => {
    expect(cycles(folderGraph())).toEqual([]);
  });

  it("lib/openrouter imports nothing of ours but env, errors and the logger", () => {
    const allowed = new Set(["env", "errors", "log"]);
    const used = [...(folderGraph().get("openrouter") ?? new Map<string, string>()).entries()].filter(([to]) => !allowed.has(to));
    expect(used).toEqual([]);
  });
});
