// Two (or more) production instances of Switchboard on one PostgreSQL database and one Redis,
// on loopback, with a local OpenRouter they share: what the instance tests and the benchmark
// run against. Each instance is the production server started as `npm start` does, or as the
// Dockerfile does (standalone server.js) when the build has standalone output.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { startLocalOpenRouter, type LocalOpenRouter } from "@/local-openrouter";
import { OPEN_TEST_INSTANCE_ENV, startApp, type RunningApp } from "../helpers/app";
import { createTestPostgresDatabase } from "../helpers/postgres";
import { findRedisServer, startTestRedis, type TestRedis } from "./redis-server";
import { standaloneDir, startStandalone } from "./standalone";

export const POSTGRES_BASE = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
export const UPSTREAM_KEY = "sk-or-v1-instances-test-key-0123456789";
export const METRICS_TOKEN = "metrics-token-for-the-instance-tests";
export const MODEL = "openai/gpt-4o-mini";
const root = path.resolve(import.meta.dirname, "..", "..");

/** Why the instance tests cannot run here (no Redis, no PostgreSQL), or null when they can. */
export async function unavailableReason(): Promise<string | null> {
  const redis = findRedisServer();
  if (!("bin" in redis)) return redis.reason;
  const client = new pg.Client({ connectionString: POSTGRES_BASE, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
  } catch (error) {
    return `no PostgreSQL at ${POSTGRES_BASE.replace(/\/\/[^@]*@/, "//")} (${(error as Error).message})`;
  } finally {
    await client.end().catch(() => undefined);
  }
  return null;
}

export function requireBuild(): void {
  const dist = process.env.SB_DIST_DIR || ".next";
  if (!existsSync(path.join(root, dist, "BUILD_ID"))) {
    throw new Error(`No production build in ${dist}: the instance tests run after \`next build\` (SB_DIST_DIR=${dist}).`);
  }
}

export type Cluster = {
  db: pg.Pool;
  databaseUrl: string;
  redis: TestRedis;
  upstream: LocalOpenRouter;
  apps: RunningApp[];
  env: Record<string, string>;
  startInstance(extra?: Record<string, string>): Promise<RunningApp>;
  close(): Promise<void>;
};

export async function startCluster(options: { instances?: number; env?: Record<string, string>; tokensPerSecond?: number } = {}): Promise<Cluster> {
  requireBuild();
  const database = await createTestPostgresDatabase(POSTGRES_BASE);
  const redis = await startTestRedis();
  const upstream = await startLocalOpenRouter({ apiKey: UPSTREAM_KEY, tokensPerSecond: options.tokensPerSecond ?? 0 });
  const env: Record<string, string> = {
    // Also for the standalone server, which startApp does not start.
    ...OPEN_TEST_INSTANCE_ENV,
    DATABASE_URL: database.url,
    REDIS_URL: redis.url,
    AUTH_SECRET: `instances-${randomBytes(24).toString("hex")}`,
    OPENROUTER_API_KEY: UPSTREAM_KEY,
    OPENROUTER_BASE_URL: upstream.baseURL,
    METRICS_TOKEN,
    SWITCHBOARD_SETTLEMENT: "on",
    // Inherited from this Vitest process, it would turn the servers' background jobs off.
    VITEST: "",
    ...options.env,
  };
  const apps: RunningApp[] = [];
  // As the Dockerfile runs it (standalone server.js) when the build has it, else as `npm start`.
  const standalone = standaloneDir();
  console.info(`[instances] servers: ${standalone ? `standalone ${path.relative(root, standalone)}/server.js` : "npm start (scripts/start.ts)"}`);
  const startInstance = async (extra: Record<string, string> = {}) => {
    const app = standalone ? await startStandalone(standalone, { ...env, ...extra }) : await startApp({ env: { ...env, ...extra } });
    apps.push(app);
    return app;
  };
  const db = new pg.Pool({ connectionString: database.url, max: 4 });
  db.on("error", () => undefined);
  try {
    // Together, as a deployment starts them: migrations run once, under an advisory lock.
    await Promise.all(Array.from({ length: options.instances ?? 2 }, () => startInstance()));
  } catch (error) {
    await Promise.all(apps.map((a) => a.kill()));
    await db.end();
    await redis.stop();
    await upstream.close();
    await database.drop();
    throw error;
  }
  return {
    db,
    databaseUrl: database.url,
    redis,
    upstream,
    apps,
    env,
    startInstance,
    async close() {
      await Promise.all(apps.map((a) => a.stop().catch(() => a.kill())));
      await db.end();
      await redis.stop();
      await upstream.close();
      await database.drop();
    },
  };
}
