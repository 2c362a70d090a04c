import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findRedisServer, startTestRedis, type TestRedis } from "@/tests/instances/redis-server";
import { FallbackCounterStore, MemoryCounterStore, RedisCounterStore } from "./index";

// Two clients stand for two instances: the counters they share must behave as one.
const found = findRedisServer();
if (!("bin" in found)) console.warn(`[rate-limit] Redis tests skipped: ${found.reason}`);

describe.skipIf(!("bin" in found))("Redis counters", () => {
  let server: TestRedis;
  let a: Redis;
  let b: Redis;
  beforeAll(async () => {
    server = await startTestRedis();
    const options = { enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => 100 };
    a = new Redis(server.url, options);
    b = new Redis(server.url, options);
    a.on("error", () => undefined);
    b.on("error", () => undefined);
    await Promise.all([a.ping(), b.ping()].map((p) => p.catch(() => undefined)));
    await waitReady(a);
    await waitReady(b);
  });
  afterAll(async () => {
    a?.disconnect();
    b?.disconnect();
    await server?.stop();
  });

  it("admits exactly N of many concurrent hits spread over two instances", async () => {
    const storeA = new RedisCounterStore(() => a);
    const storeB = new RedisCounterStore(() => b);
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => (i % 2 ? storeA : storeB).increment("chat:user-1", 60_000)));
    const counts = results.map((r) => r.count).sort((x, y) => x - y);
    expect(counts).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(counts.filter((c) => c <= 30)).toHaveLength(30);
    const peek = await storeB.peek("chat:user-1");
    expect(peek?.count).toBe(100);
    expect(peek!.resetAt).toBeGreaterThan(Date.now());
    expect(Number((await server.command("PTTL", "sb:rl:chat:user-1")).slice(1))).toBeGreaterThan(0);
  });

  it("expires with its window, gives back, and resets", async () => {
    const store = new RedisCounterStore(() => a);
    await store.increment("w", 150);
    await store.increment("w", 150);
    expect((await store.increment("w", 150, -1)).count).toBe(1);
    while ((await store.peek("w")) !== undefined) await new Promise((r) => setTimeout(r, 20));
    expect((await store.increment("w", 150)).count).toBe(1);
    await store.reset("w");
    expect(await store.peek("w")).toBeUndefined();
  });

  it("falls back to this instance's counters while Redis is down, and returns to Redis after", async () => {
    const memory = new MemoryCounterStore();
    const store = new FallbackCounterStore(new RedisCounterStore(() => a), memory);
    expect((await store.increment("f", 60_000)).count).toBe(1);
    await server.stop();
    expect((await store.increment("f", 60_000)).count).toBe(1); // the local window starts afresh
    expect((await store.increment("f", 60_000)).count).toBe(2);
    await server.start();
    await waitReady(a);
    expect((await store.increment("f", 60_000)).count).toBe(1); // a new server: an empty Redis
    expect((await memory.peek("f"))?.count).toBe(2);
  });
});

async function waitReady(client: Redis): Promise<void> {
  while (client.status !== "ready") await new Promise((r) => setTimeout(r, 20));
}
