import "server-only";
import { Redis } from "ioredis";
import { forget, logger, warnOnce } from "@/lib/log";

// The shared Redis of several instances (REDIS_URL), optional. Commands never wait for a
// connection: with Redis down they fail at once (no offline queue), callers fall back to
// what this instance has on its own, and the client keeps reconnecting in the background.
// The outage is logged once, and its end once.

export type RedisState = "off" | "ok" | "degraded";

type Holder = { __sbRedis?: { url: string; client: Redis; subscriber?: Redis } };
const holder = globalThis as unknown as Holder;

export function redisUrl(): string | undefined {
  const url = process.env.REDIS_URL?.trim();
  return url ? url : undefined;
}

function connect(url: string, name: string, queueWhileOffline = false): Redis {
  const client = new Redis(url, {
    connectionName: `switchboard-${name}`,
    // Subscriptions are queued until connected (and renewed by ioredis after a reconnect).
    enableOfflineQueue: queueWhileOffline,
    maxRetriesPerRequest: 0,
    connectTimeout: 2_000,
    commandTimeout: 5_000,
    // Reconnect for ever, at most every 2 s.
    retryStrategy: (times) => Math.min(100 * times, 2_000),
  });
  client.on("error", (error: Error) => {
    warnOnce(
      "redis-down",
      { redis: "degraded", error: error.message },
      "Redis unreachable: rate limits, the model catalog and resumable streams fall back to this instance alone until it returns",
    );
  });
  client.on("ready", () => {
    if (forget("redis-down")) logger().info({ redis: "ok" }, "Redis is back: limits, catalog and streams are shared again");
  });
  return client;
}

/** The shared command connection, or null without REDIS_URL. */
export function getRedis(): Redis | null {
  const url = redisUrl();
  if (!url) return null;
  if (holder.__sbRedis?.url !== url) holder.__sbRedis = { url, client: connect(url, "commands") };
  return holder.__sbRedis.client;
}

/** A second connection in subscriber mode (pub/sub needs its own). */
export function getSubscriber(): Redis | null {
  const redis = getRedis();
  if (!redis || !holder.__sbRedis) return null;
  holder.__sbRedis.subscriber ??= connect(holder.__sbRedis.url, "subscriber", true);
  return holder.__sbRedis.subscriber;
}

/** A fresh connection for one blocking reader (XREAD BLOCK holds its connection); the caller quits it. */
export function newBlockingConnection(): Redis | null {
  const url = redisUrl();
  if (!url || !isRedisReady()) return null;
  const client = new Redis(url, {
    connectionName: "switchboard-reader",
    enableOfflineQueue: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 2_000,
    retryStrategy: () => null,
  });
  client.on("error", () => undefined); // the reader sees its command fail and ends
  return client;
}

export function isRedisReady(): boolean {
  const redis = getRedis();
  return redis !== null && redis.status === "ready";
}

export function redisState(): RedisState {
  const redis = getRedis();
  if (!redis) return "off";
  return redis.status === "ready" ? "ok" : "degraded";
}

/** Health: a PING within a second. */
export async function pingRedis(): Promise<RedisState> {
  const redis = getRedis();
  if (!redis) return "off";
  if (redis.status !== "ready") return "degraded";
  try {
    const pong = await Promise.race([
      redis.ping(),
      new Promise<string>((_, reject) => setTimeout(() => reject(new Error("timeout")), 1_000).unref()),
    ]);
    return pong === "PONG" ? "ok" : "degraded";
  } catch {
    return "degraded";
  }
}

/** For tests: close the connections. */
export async function closeRedis(): Promise<void> {
  const current = holder.__sbRedis;
  holder.__sbRedis = undefined;
  if (!current) return;
  for (const c of [current.client, current.subscriber]) {
    if (!c) continue;
    try {
      await c.quit();
    } catch {
      c.disconnect();
    }
  }
}
