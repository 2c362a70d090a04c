// The database opened inside the benchmark process (never while a server holds it): for
// seeding, for timing the app's own query functions in-process, and for EXPLAIN ANALYZE of
// exactly the SQL they send (captured from Prisma's query events).
import { mkdirSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "../../lib/generated/prisma/client";
import { applyMigrations, type SqlRunner } from "../../lib/db/migrate";
import { pgliteAdapter } from "../../lib/db/pglite-adapter";
import { DataDirLock } from "../../lib/db/pglite-lock";

export type Captured = { query: string; params: string; durationMs: number };

export type BenchDb = {
  kind: "pglite" | "postgres";
  db: PrismaClient;
  sql: SqlRunner;
  /** Queries Prisma sent since the last `take()`. */
  take(): Captured[];
  close(): Promise<void>;
};

type Holder = { __switchboardDb?: Promise<unknown> };

function withCapture(db: PrismaClient): () => Captured[] {
  let captured: Captured[] = [];
  (db as unknown as { $on(event: "query", cb: (e: { query: string; params: string; duration: number }) => void): void }).$on("query", (e) => {
    captured.push({ query: e.query, params: e.params, durationMs: e.duration });
  });
  return () => {
    const out = captured;
    captured = [];
    return out;
  };
}

const LOG = { log: [{ emit: "event" as const, level: "query" as const }] };

export async function openBenchDb(target: { kind: "pglite"; dataDir: string } | { kind: "postgres"; url: string }): Promise<BenchDb> {
  let open: BenchDb;
  if (target.kind === "pglite") {
    mkdirSync(target.dataDir, { recursive: true });
    const lock = DataDirLock.acquire(path.join(target.dataDir, "switchboard.lock"));
    const pglite = new PGlite(path.join(target.dataDir, "pglite"));
    await pglite.waitReady;
    const sql: SqlRunner = {
      exec: async (text) => {
        await pglite.exec(text);
      },
      query: async <T>(text: string, params?: unknown[]) => (await pglite.query<T>(text, params)).rows,
    };
    await applyMigrations(sql);
    const db = new PrismaClient({ adapter: pgliteAdapter(pglite), ...LOG });
    const take = withCapture(db);
    open = {
      kind: "pglite",
      db,
      sql,
      take,
      async close() {
        await db.$disconnect();
        await pglite.close();
        lock.release();
      },
    };
  } else {
    const pool = new pg.Pool({ connectionString: target.url, max: 10 });
    const sql: SqlRunner = {
      exec: async (text) => {
        await pool.query(text);
      },
      query: async <T>(text: string, params?: unknown[]) => (await pool.query(text, params as unknown[] | undefined)).rows as T[],
    };
    await applyMigrations(sql);
    const db = new PrismaClient({ adapter: new PrismaPg(pool), ...LOG });
    const take = withCapture(db);
    open = {
      kind: "postgres",
      db,
      sql,
      take,
      async close() {
        await db.$disconnect();
        await pool.end();
      },
    };
  }
  // The app's query functions (lib/db/*) call getDb(): hand them this database.
  (globalThis as Holder).__switchboardDb = Promise.resolve({ db: open.db, kind: open.kind, sql: open.sql, close: open.close });
  const close = open.close;
  open.close = async () => {
    (globalThis as Holder).__switchboardDb = undefined;
    await close();
  };
  return open;
}

/** EXPLAIN (ANALYZE, BUFFERS) of a captured query, with its parameters bound. */
export async function explain(sql: SqlRunner, captured: Captured): Promise<string> {
  let params: unknown[] = [];
  try {
    params = JSON.parse(captured.params) as unknown[];
  } catch {
    params = [];
  }
  const rows = await sql.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, BUFFERS) ${captured.query}`, params);
  return rows.map((r) => r["QUERY PLAN"]).join("\n");
}
