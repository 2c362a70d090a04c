import path from "node:path";
import { configDefaults, defineConfig } from "vitest/config";

// Vitest 5's reporter calls Map.groupBy (Node 21+) when it prints a failure; on the
// machines' Node 20 that would hide the failure behind a TypeError.
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

// Every test runs on PGlite; when TEST_DATABASE_URL points at a PostgreSQL server the
// database tests run a second time against it (a fresh database per test file).
const shared = {
  setupFiles: ["tests/setup/database.ts"],
  globalSetup: ["tests/setup/pglite-template.ts"],
  testTimeout: 30_000,
  hookTimeout: 60_000,
  pool: "forks" as const,
};

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(__dirname),
      // `server-only` throws outside React's server build; tests are server code.
      "server-only": path.resolve(__dirname, "tests/setup/server-only.ts"),
    },
  },
  test: {
    projects: [
      {
        extends: true,
        test: {
          ...shared,
          name: "pglite",
          include: ["lib/**/*.test.ts", "components/**/*.test.ts", "tests/**/*.test.ts", "local-openrouter/**/*.test.ts"],
          // Production servers: their own stage after the build (tests/instances/vitest.config.ts).
          exclude: [...configDefaults.exclude, "tests/instances/**"],
        },
      },
      ...(process.env.TEST_DATABASE_URL
        ? [
            {
              extends: true,
              test: {
                ...shared,
                name: "postgres",
                include: ["lib/**/*.db.test.ts", "tests/**/*.db.test.ts"],
                env: { SWITCHBOARD_TEST_DB: "postgres" },
              },
            },
          ]
        : []),
    ],
  },
});
