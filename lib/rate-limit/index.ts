import "server-only";
import type { Redis } from "ioredis";
import { getRedis } from "@/lib/redis/client";

// Fixed-window counters behind one interface. With REDIS_URL the counters live in Redis (one
// atomic script per hit, expiring with its window), so "N per minute" holds across every
// instance; without Redis, or while it is down, this instance counts on its own.

export type Hit = { allowed: boolean; count: number; retryAfterSeconds: number };

export type Window = { count: number; resetAt: number };

export interface CounterStore {
  /** Adds `by` to the counter for `key` in the current window and returns the new count. */
  increment(key: string, windowMs: number, by?: number): Promise<Window>;
  peek(key: string): Promise<Window | undefined>;
  reset(key: string): Promise<void>;
}

export class MemoryCounterStore implements CounterStore {
  private readonly windows = new Map<string, Window>();
  private lastSweep = 0;

  async increment(key: string, windowMs: number, by = 1) {
    const now = Date.now();
    this.sweep(now);
    const current = this.windows.get(key);
    if (!current || current.resetAt <= now) {
      const fresh = { count: by, resetAt: now + windowMs };
      this.windows.set(key, fresh);
      return { ...fresh };
    }
    current.count += by;
    return { ...current };
  }

  async peek(key: string) {
    const current = this.windows.get(key);
    if (!current || current.resetAt <= Date.now()) return undefined;
    return { ...current };
  }

  async reset(key: string) {
    this.windows.delete(key);
  }

  private sweep(now: number) {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const [key, value] of this.windows) if (value.resetAt <= now) this.windows.delete(key);
  }
}

// INCRBY and the window's expiry in one step: the first hit of a window sets its expiry, so a
// key can never be left without one, and concurrent hits from any instance see one count.
const INCREMENT = `
local count = redis.call('INCRBY', KEYS[1], ARGV[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  ttl = tonumber(ARGV[2])
end
return {count, ttl}`;

export class RedisCounterStore implements CounterStore {
  constructor(
    private readonly redis: () => Redis | null,
    private readonly prefix = "sb:rl:",
  ) {}

  private client(): Redis {
    const redis = this.redis();
    if (!redis) throw new Error("Redis is not configured");
    return redis;
  }

  async increment(key: string, windowMs: number, by = 1) {
    const reply = (await this.client().eval(INCREMENT, 1, this.prefix + key, String(by), String(windowMs))) as [number, number];
    return { count: Number(reply[0]), resetAt: Date.now() + Number(reply[1]) };
  }

  async peek(key: string) {
    const [[, count], [, ttl]] = (await this.client()
      .multi()
      .get(this.prefix + key)
      .pttl(this.prefix + key)
      .exec()) as [[Error | null, string | null], [Error | null, number]];
    if (count === null || ttl < 0) return undefined;
    return { count: Number(count), resetAt: Date.now() + ttl };
  }

  async reset(key: string) {
    await this.client().del(this.prefix + key);
  }
}

/**
 * Redis when it answers, this instance's own counters when it does not (logged once by the
 * Redis client). Shared limits degrade to per-instance limits instead of refusing every chat.
 */
export class FallbackCounterStore implements CounterStore {
  constructor(
    private readonly primary: CounterStore,
    private readonly fallback: CounterStore,
  ) {}

  private async either<T>(run: (store: CounterStore) => Promise<T>): Promise<T> {
    try {
      return await run(this.primary);
    } catch {
      return run(this.fallback);
    }
  }

  increment(key: string, windowMs: number, by?: number) {
    return this.either((s) => s.increment(key, windowMs, by));
  }
  peek(key: string) {
    return this.either((s) => s.peek(key));
  }
  reset(key: string) {
    return this.either((s) => s.reset(key));
  }
}

const holder = globalThis as unknown as { __sbCounters?: CounterStore };

export function counters(): CounterStore {
  holder.__sbCounters ??= getRedis() ? new FallbackCounterStore(new RedisCounterStore(getRedis), new MemoryCounterStore()) : new MemoryCounterStore();
  return holder.__sbCounters;
}

/** Counts one hit against `limit` per `windowMs`. */
export async function hit(key: string, limit: number, windowMs: number): Promise<Hit> {
  const { count, resetAt } = await counters().increment(key, windowMs);
  return {
    allowed: count <= limit,
    count,
    retryAfterSeconds: Math.max(1, Math.ceil((resetAt - Date.now()) / 1000)),
  };
}
