import path from "node:path";
import { defineConfig } from "vitest/config";

// The instance tests (issue 12) start production servers, so they need a build and run in a
// stage of their own after `next build` (scripts/test.mjs): `vitest run --config tests/instances/vitest.config.ts`.
// They are excluded from the default Vitest projects.
// Vitest 5's reporter calls Map.groupBy (Node 21+) when it prints a failure (as the root config notes).
if (!("groupBy" in Map)) {
  Object.defineProperty(Map, "groupBy", {
    value<K, V>(items: Iterable<V>, key: (item: V, index: number) => K): Map<K, V[]> {
      const groups = new Map<K, V[]>();
      let index = 0;
      for (const item of items) {
        const k = key(item, index++);
        groups.set(k, [...(groups.get(k) ?? []), item]);
      }
      return groups;
    },
  });
}

const root = path.resolve(import.meta.dirname, "..", "..");

export default defineConfig({
  root,
  resolve: {
    alias: {
      "@": root,
      "server-only": path.join(root, "tests/setup/server-only.ts"),
    },
  },
  test: {
    name: "instances",
    include: ["tests/instances/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 150_000,
    pool: "forks",
    fileParallelism: false,
  },
});
