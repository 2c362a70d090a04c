import "server-only";
import { getDatabase } from "@/lib/db";
import { pingRedis } from "@/lib/redis/client";

// `redis` is there only with REDIS_URL: "ok", or "degraded" while it cannot be reached (chats
// go on, with limits and resumable streams per instance), which does not make the instance
// unhealthy: a load balancer must keep sending it traffic.
export type Health = { status: "ok" | "error"; db: "ok" | "error"; redis?: "ok" | "degraded"; error?: string };

export async function checkHealth(): Promise<Health> {
  const redisState = await pingRedis();
  const redis = redisState === "off" ? {} : { redis: redisState };
  try {
    const { sql } = await getDatabase();
    await sql.query("SELECT 1");
    return { status: "ok", db: "ok", ...redis };
  } catch (error) {
    return { status: "error", db: "error", ...redis, error: (error as Error).message.split("\n")[0] };
  }
}
