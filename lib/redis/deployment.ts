import "server-only";
import { listenForRemoteStops } from "@/lib/chat/streams";
import { EnvError, parseEnv } from "@/lib/env/schema";
import { logger } from "@/lib/log";
import { redisUrl } from "./client";
import { ensureOrphanSweeper } from "./orphans";

/**
 * At server start (instrumentation): stops on an invalid environment — `npm start` checks it
 * before Next starts, the standalone server of the Docker image has only this — then says what
 * kind of deployment this is.
 */
export function startInstance(): void {
  try {
    parseEnv(process.env);
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  describeDeployment();
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
    listenForRemoteStops();
    ensureOrphanSweeper();
  }
}
