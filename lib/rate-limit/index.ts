import "server-only";

// Fixed-window counters. In-process for one instance; issue #12 swaps in Redis so that
// "N per minute" holds across instances. The interface stays the same.

export type Hit = { allowed: boolean; count: number; retryAfterSeconds: number };

export interface CounterStore {
  /** Adds `by` to the counter for `key` in the current window and returns the new count. */
  increment(key: string, windowMs: number, by?: number): Promise<{ count: number; resetAt: number }>;
  peek(key: string): Promise<{ count: number; resetAt: number } | undefined>;
  reset(key: string): Promise<void>;
}

class MemoryCounterStore implements CounterStore {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();
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

const holder = globalThis as unknown as { __sbCounters?: CounterStore };

export function counters(): CounterStore {
  holder.__sbCounters ??= new MemoryCounterStore();
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
