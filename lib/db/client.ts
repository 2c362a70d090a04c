import "server-only";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { pgliteAdapter } from "./pglite-adapter";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { logger } from "@/lib/log";
import { applyMigrations, type SqlRunner } from "./migrate";
import { DataDirLock } from "./pglite-lock";

export type Db = PrismaClient;

export type DatabaseTarget = { kind: "pglite"; dataDir: string } | { kind: "postgres"; url: string };

export type OpenDatabase = {
  db: Db;
  kind: DatabaseTarget["kind"];
  /** Run raw SQL outside Prisma, for health checks and migrations. */
  sql: SqlRunner;
  close(): Promise<void>;
};

/** Opens the database, applies pending migrations, and returns a ready Prisma client. */
export async function openDatabase(target: DatabaseTarget): Promise<OpenDatabase> {
  return target.kind === "pglite" ? openPglite(target.dataDir) : openPostgres(target.url);
}

async function openPglite(dataDir: string): Promise<OpenDatabase> {
  mkdirSync(dataDir, { recursive: true });
  const lock = DataDirLock.acquire(path.join(dataDir, "switchboard.lock"));
  try {
    const pglite = new PGlite(path.join(dataDir, "pglite"));
    await pglite.waitReady;
    const sql: SqlRunner = {
      exec: async (text) => {
        await pglite.exec(text);
      },
      query: async <T>(text: string, params?: unknown[]) => (await pglite.query<T>(text, params)).rows,
    };
    await applyMigrations(sql);
    const db = new PrismaClient({ adapter: pgliteAdapter(pglite) });
    return {
      db,
      kind: "pglite",
      sql,
      async close() {
        await db.$disconnect();
        await pglite.close();
        lock.release();
      },
    };
  } catch (error) {
    lock.release();
    throw error;
  }
}

async function openPostgres(url: string): Promise<OpenDatabase> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // Several instances may start at once: one migrates, the others wait for it.
    await client.query("SELECT pg_advisory_lock(727274)");
    const sql: SqlRunner = {
      exec: async (text) => {
        await client.query(text);
      },
      query: async <T>(text: string, params?: unknown[]) => (await client.query(text, params as unknown[] | undefined)).rows as T[],
    };
    await applyMigrations(sql);
    await client.query("SELECT pg_advisory_unlock(727274)");
  } finally {
    await client.end();
  }
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // An idle connection the server closes (restart, failover, admin) emits 'error' on the pool;
  // without a listener that would crash the process. The pool replaces the connection itself.
  pool.on("error", (error) => logger().warn({ error: error.message }, "PostgreSQL connection lost; reconnecting on next use"));
  const db = new PrismaClient({ adapter: new PrismaPg(pool) });
  const sql: SqlRunner = {
    exec: async (text) => {
      await pool.query(text);
    },
    query: async <T>(text: string, params?: unknown[]) => (await pool.query(text, params as unknown[] | undefined)).rows as T[],
  };
  return {
    db,
    kind: "postgres",
    sql,
    async close() {
      await db.$disconnect();
      await pool.end();
    },
  };
}
