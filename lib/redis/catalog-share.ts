import "server-only";
import type { CatalogShare } from "@/lib/openrouter/catalog";
import { getRedis } from "./client";

// The model catalog shared between instances (lib/openrouter/catalog.ts): one copy and one
// fetch lock in Redis. Every command fails soft: the catalog then fetches on its own.

const SHARED_KEY = "sb:catalog";
const LOCK_KEY = "sb:catalog:lock";
const UNLOCK_IF_HELD = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

export function redisCatalogShare(): CatalogShare | null {
  if (!getRedis()) return null;
  return {
    async ready() {
      const redis = getRedis();
      if (!redis) return false;
      // Just started: give the connection a moment rather than fetching on our own.
      if (redis.status === "connecting" || redis.status === "connect") {
        await Promise.race([new Promise((resolve) => redis.once("ready", resolve)), new Promise((resolve) => setTimeout(resolve, 2_000))]);
      }
      return redis.status === "ready";
    },
    async read() {
      return (
        (await getRedis()
          ?.get(SHARED_KEY)
          .catch(() => null)) ?? null
      );
    },
    async write(value, ttlMs) {
      await getRedis()
        ?.set(SHARED_KEY, value, "PX", ttlMs)
        .catch(() => undefined);
    },
    async lock(token, ttlMs) {
      const redis = getRedis();
      if (!redis) return "unavailable";
      const locked = await redis.set(LOCK_KEY, token, "PX", ttlMs, "NX").catch(() => "unavailable" as const);
      return locked === "OK" ? "OK" : locked === "unavailable" ? "unavailable" : "taken";
    },
    async unlock(token) {
      await getRedis()
        ?.eval(UNLOCK_IF_HELD, 1, LOCK_KEY, token)
        .catch(() => undefined);
    },
  };
}
