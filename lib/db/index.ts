import "server-only";
import path from "node:path";
import { getEnv } from "@/lib/env";
import { openDatabase, type Db, type OpenDatabase } from "./client";

export type { Db } from "./client";

// One database per process, opened on first use (never at import: `next build` imports
// route modules). Kept on globalThis because Next may load this module in several bundles.
type OpenTask = (db: Db, openedAt: Date) => Promise<void>;
const holder = globalThis as unknown as { __switchboardDb?: Promise<OpenDatabase>; __switchboardDbOpenTask?: OpenTask };

/**
 * Work that must be done on a freshly opened database before anything else reads it (the
 * server's crash recovery, lib/chat/recovery.ts); registered at server start, before first use.
 */
export function whenDatabaseOpens(task: OpenTask): void {
  holder.__switchboardDbOpenTask = task;
}

export function getDatabase(): Promise<OpenDatabase> {
  if (!holder.__switchboardDb) {
    const env = getEnv();
    const startedAt = new Date();
    const opening = openDatabase(
      env.DATABASE_URL ? { kind: "postgres", url: env.DATABASE_URL } : { kind: "pglite", dataDir: path.join(env.dataDir) },
    );
    const task = holder.__switchboardDbOpenTask;
    holder.__switchboardDb = task
      ? opening.then(async (open) => {
          await task(open.db, startedAt);
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
