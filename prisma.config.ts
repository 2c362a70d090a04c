// The Prisma CLI here is a development tool only (generate, migrate diff / dev):
// the app applies committed migrations itself at start-up (lib/db/migrate.ts),
// so the CLI never opens the data folder of a running app.
import path from "node:path";
import { defineConfig } from "prisma/config";
import { PGlite } from "@electric-sql/pglite";
import { pgliteAdapter } from "./lib/db/pglite-adapter";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  // An in-memory PGlite: `prisma migrate dev --create-only` and `migrate diff`
  // replay the committed migrations into it and diff against the schema.
  async adapter() {
    return pgliteAdapter(new PGlite());
  },
});
