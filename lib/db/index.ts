import "server-only";
import path from "node:path";
import { getEnv } from "@/lib/env";
import { logger } from "@/lib/log";
import { openDatabase, type Db, type OpenDatabase } from "./client";
import { recoverInterruptedAnswers } from "./interrupted";

export type { Db } from "./client";

// One database per process, opened on first use (never at import: `next build` imports
// route modules). Kept on globalThis because Next may load this module in several bundles.
const holder = globalThis as unknown as { __switchboardDb?: Promise<OpenDatabase> };

export function getDatabase(): Promise<OpenDatabase> {
  if (!holder.__switchboardDb) {
    const env = getEnv();
    const startedAt = new Date();
    const opening = openDatabase(
      env.DATABASE_URL
        ? { kind: "postgres", url: env.DATABASE_URL }
        : { kind: "pglite", dataDir: path.join(env.dataDir) },
    );
    // In the server (not in scripts or tests), answers a killed process left "streaming" are
    // finished as interrupted before any request reads them (lib/db/interrupted.ts); with Redis
    // on PostgreSQL, lib/redis/orphans.ts does it instead.
    const recover = process.env.NEXT_RUNTIME === "nodejs" && !(env.DATABASE_URL && env.REDIS_URL);
    holder.__switchboardDb = recover
      ? opening.then(async (open) => {
          try {
            const count = await recoverInterruptedAnswers(open.db, startedAt);
            if (count > 0) logger().warn({ count }, "answers interrupted by a previous server stop were marked partial");
          } catch (error) {
            logger().warn({ error: error instanceof Error ? error.message : String(error) }, "could not mark interrupted answers");
          }
          return open;
        })
      : opening;
    holder.__switchboardDb.catch(() => {
      holder.__switchboardDb = undefined;
    });
  }
  return holder.__switchboardDb;
}

export async function getDb(): Promise<Db> {
  return (await getDatabase()).db;
}

/** For tests and graceful shutdown. */
export async function closeDatabase(): Promise<void> {
  const open = holder.__switchboardDb;
  holder.__switchboardDb = undefined;
  if (open) await (await open).close();
}
