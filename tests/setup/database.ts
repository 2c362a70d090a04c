// Gives each test file its own real database through the production code path:
// a fresh PGlite folder, or a fresh database on the TEST_DATABASE_URL server.
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, inject } from "vitest";
import { createTestPostgresDatabase } from "../helpers/postgres";

// The in-process tests make users freely and give them a budget only when they test one; the
// product's default budget is proven by lib/spend/settings.db.test.ts and e2e/registration.spec.ts.
process.env.SWITCHBOARD_DEFAULT_USER_BUDGET_USD ??= "none";

if (process.env.SWITCHBOARD_TEST_DB === "postgres") {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) throw new Error("SWITCHBOARD_TEST_DB=postgres needs TEST_DATABASE_URL");
  const { url, drop } = await createTestPostgresDatabase(base);
  process.env.DATABASE_URL = url;
  afterAll(async () => {
    const { closeDatabase } = await import("@/lib/db");
    // pg's pool.end() waits for every checked-out connection; work a test left running in the
    // background (a title being generated) can hold one past the hook's limit. The forced drop
    // below ends such sessions, so wait a bounded time only.
    await Promise.race([closeDatabase(), new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
    await drop();
  }, 30_000);
} else {
  delete process.env.DATABASE_URL;
  const dir = mkdtempSync(path.join(tmpdir(), "sb-test-"));
  cpSync(inject("pgliteTemplate"), dir, { recursive: true });
  process.env.SWITCHBOARD_DATA_DIR = dir;
  afterAll(async () => {
    const { closeDatabase } = await import("@/lib/db");
    await closeDatabase();
    rmSync(dir, { recursive: true, force: true });
  });
}
