import "server-only";
import { listenForRemoteStops } from "@/lib/chat/streams";
import { ensureOrphanSweeper } from "@/lib/chat/orphans";
import { recoverWhenDatabaseOpens } from "@/lib/chat/recovery";
import { EnvError, parseEnv } from "@/lib/env/schema";
import { logger } from "@/lib/log";
import { shareCatalogThrough } from "@/lib/openrouter/catalog";
import { redisCatalogShare } from "@/lib/redis/catalog-share";
import { redisUrl } from "@/lib/redis/client";
import { ensureSettlementLoop } from "@/lib/spend/settlement";

// What a server process starts with (instrumentation.ts calls it once, in the Node.js runtime):
// the environment checked, crash recovery armed for when the database opens, the settlement
// loop, and with Redis the shared model catalog, stop requests from other instances and the
// reaper of answers whose instance died.

/**
 * Stops on an invalid environment — `npm start` checks it before Next starts, the standalone
 * server of the Docker image has only this — then starts what this deployment needs.
 */
export function startInstance(): void {
  try {
    parseEnv(process.env);
  } catch (error) {
    if (error instanceof EnvError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  recoverWhenDatabaseOpens();
  describeDeployment();
  ensureSettlementLoop();
}

/**
 * Says at start what kind of deployment this is, and starts what several instances need.
 * PGlite with REDIS_URL is not a multi-instance setup: the embedded database belongs to this
 * one process (its folder is locked), so a second instance cannot share it; Redis alone does
 * not make instances share conversations, users or budgets.
 */
export function describeDeployment(): void {
  const database = process.env.DATABASE_URL?.trim() ? "postgresql" : "pglite";
  const redis = redisUrl() ? "on" : "off";
  if (redis === "on" && database === "pglite") {
    logger().warn(
      { database, redis },
      "REDIS_URL is set but the database is the embedded PGlite: this is not a multi-instance setup. PGlite's folder " +
        "belongs to this one process (it is locked), so other instances cannot share its users, conversations and " +
        "budgets. Several instances need DATABASE_URL (one PostgreSQL) and REDIS_URL; Redis is used by this instance only.",
    );
  } else {
    logger().info(
      { database, redis },
      redis === "on" ? "several instances: PostgreSQL and Redis are shared" : "single instance: limits and live streams are in this process",
    );
  }
  if (redis === "on") {
    shareCatalogThrough(redisCatalogShare());
    listenForRemoteStops();
    ensureOrphanSweeper();
  }
}
