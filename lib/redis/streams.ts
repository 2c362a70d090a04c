import "server-only";
import type { UIMessageChunk } from "ai";
import type { Redis } from "ioredis";
import { INSTANCE_ID, logger } from "@/lib/log";
import { getRedis, getSubscriber, newBlockingConnection } from "./client";

// Answers in flight, shared through Redis so any instance can resume or stop them. Our own
// small protocol on Redis Streams rather than the `resumable-stream` package: that package
// keeps the chunks in the producing process and hands them to other instances over pub/sub,
// so an answer whose instance dies is gone; here every chunk is in Redis (XADD), so another
// instance can replay it, follow it live (XREAD BLOCK), and — when the producer was killed —
// save the partial answer it got to. The whole protocol (keys, writer, readers, stop signals,
// heartbeats) stays in this one file so its invariants can be read together.
//
//   sb:stream:{conversation}:info    JSON StreamInfo (owner, user, run, message), kept 1 h, 60 s once done
//   sb:stream:{conversation}:chunks  a Redis stream; entry fields c=[chunks…] or end=1
//   sb:streams:live                  sorted set: conversation → last heartbeat (ms)
//   sb:streams:stop                  pub/sub channel: {conversationId, runId} to abort on its owner

export type StreamInfo = {
  conversationId: string;
  userId: string;
  runId: string;
  instance: string;
  messageId: string;
  model: string;
  startedAt: number;
  done: boolean;
};

export const HEARTBEAT_MS = 2_000;
/** A live stream whose owner has not beaten for this long is an orphan (its process died). */
export const ORPHAN_AFTER_MS = 8_000;
const INFO_TTL_MS = 60 * 60_000;
const DONE_TTL_MS = 60_000;
const FLUSH_MS = 15;

export const keys = {
  info: (conversationId: string) => `sb:stream:${conversationId}:info`,
  chunks: (conversationId: string) => `sb:stream:${conversationId}:chunks`,
  reap: (conversationId: string) => `sb:stream:${conversationId}:reap`,
  live: "sb:streams:live",
  stop: "sb:streams:stop",
};

/** The owner's side: mirrors one answer's chunks into Redis. Failures end the mirroring, never the answer. */
export class SharedStreamWriter {
  private buffer: UIMessageChunk[] = [];
  private chain: Promise<unknown> = Promise.resolve();
  private flushTimer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private broken = false;

  private constructor(
    private readonly redis: Redis,
    private readonly info: StreamInfo,
  ) {}

  /** Null without Redis or while it is down: the answer then lives on this instance only. */
  static async open(info: Omit<StreamInfo, "instance" | "done" | "startedAt">): Promise<SharedStreamWriter | null> {
    const redis = getRedis();
    if (!redis || redis.status !== "ready") return null;
    const full: StreamInfo = { ...info, instance: INSTANCE_ID, startedAt: Date.now(), done: false };
    try {
      await redis
        .multi()
        .del(keys.chunks(info.conversationId), keys.reap(info.conversationId))
        .set(keys.info(info.conversationId), JSON.stringify(full), "PX", INFO_TTL_MS)
        .zadd(keys.live, Date.now(), info.conversationId)
        .exec();
    } catch {
      return null;
    }
    const writer = new SharedStreamWriter(redis, full);
    writer.heartbeat = setInterval(() => writer.beat(), HEARTBEAT_MS);
    writer.heartbeat.unref();
    return writer;
  }

  push(chunk: UIMessageChunk): void {
    if (this.broken) return;
    this.buffer.push(chunk);
    this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  private flush(): Promise<unknown> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.buffer.length === 0 || this.broken) return this.chain;
    const batch = JSON.stringify(this.buffer);
    this.buffer = [];
    this.chain = this.chain.then(() => this.redis.xadd(keys.chunks(this.info.conversationId), "*", "c", batch)).catch(() => this.fail());
    return this.chain;
  }

  private beat(): void {
    if (this.broken) return;
    const id = this.info.conversationId;
    this.redis
      .multi()
      .zadd(keys.live, Date.now(), id)
      .pexpire(keys.chunks(id), INFO_TTL_MS)
      .exec()
      .catch(() => this.fail());
  }

  /** A gap in the mirrored chunks would corrupt a resumed answer: stop offering it instead. */
  private fail(): void {
    if (this.broken) return;
    this.broken = true;
    clearInterval(this.heartbeat);
    const id = this.info.conversationId;
    // Best effort: Redis may be back by now.
    this.redis
      .multi()
      .del(keys.info(id), keys.chunks(id))
      .zrem(keys.live, id)
      .exec()
      .catch(() => undefined);
  }

  async end(): Promise<void> {
    clearInterval(this.heartbeat);
    await this.flush();
    if (this.broken) return;
    const id = this.info.conversationId;
    try {
      await this.redis
        .multi()
        .xadd(keys.chunks(id), "*", "end", "1")
        .set(keys.info(id), JSON.stringify({ ...this.info, done: true }), "PX", DONE_TTL_MS)
        .pexpire(keys.chunks(id), DONE_TTL_MS)
        .zrem(keys.live, id)
        .exec();
    } catch {
      this.fail();
    }
  }
}

export async function readInfo(conversationId: string): Promise<StreamInfo | null> {
  const redis = getRedis();
  if (!redis || redis.status !== "ready") return null;
  try {
    const raw = await redis.get(keys.info(conversationId));
    return raw ? (JSON.parse(raw) as StreamInfo) : null;
  } catch {
    return null;
  }
}

type Entry = [id: string, fields: string[]];

function decode(entries: Entry[]): { chunks: UIMessageChunk[]; ended: boolean; lastId?: string } {
  const chunks: UIMessageChunk[] = [];
  let ended = false;
  let lastId: string | undefined;
  for (const [id, fields] of entries) {
    lastId = id;
    for (let i = 0; i + 1 < fields.length; i += 2) {
      if (fields[i] === "c") chunks.push(...(JSON.parse(fields[i + 1]!) as UIMessageChunk[]));
      if (fields[i] === "end") ended = true;
    }
  }
  return { chunks, ended, lastId };
}

// ---- silent streams (their owner stopped beating) --------------------------------------------

/** Up to 20 live streams whose owner has not beaten for ORPHAN_AFTER_MS by `now`; none without Redis. */
export async function listSilentStreams(now = Date.now()): Promise<string[]> {
  const redis = getRedis();
  if (!redis || redis.status !== "ready") return [];
  return redis.zrangebyscore(keys.live, "-inf", now - ORPHAN_AFTER_MS, "LIMIT", 0, 20);
}

export type SilentStream = { info: StreamInfo | null; chunks: UIMessageChunk[]; ended: boolean };

/**
 * Claims a silent stream for this instance (SET NX: one instance wins) and reads what was
 * mirrored of it: its info, every chunk, and whether the end marker is there. Null when another
 * instance has it, or without Redis.
 */
export async function claimSilentStream(key: string): Promise<SilentStream | null> {
  const redis = getRedis();
  if (!redis) return null;
  const claimed = await redis.set(keys.reap(key), "1", "PX", 60_000, "NX");
  if (claimed !== "OK") return null;
  const raw = await redis.get(keys.info(key));
  const info = raw ? (JSON.parse(raw) as StreamInfo) : null;
  const { chunks, ended } = decode((await redis.xrange(keys.chunks(key), "-", "+")) as Entry[]);
  return { info, chunks, ended };
}

/** Ends a claimed silent stream: its readers finish, and it leaves the live set. */
export async function closeSilentStream(key: string, info: StreamInfo | null): Promise<void> {
  const redis = getRedis();
  if (!redis) return;
  await redis
    .multi()
    .xadd(keys.chunks(key), "*", "end", "1")
    .pexpire(keys.chunks(key), DONE_TTL_MS)
    .set(keys.info(key), JSON.stringify({ ...(info ?? {}), done: true }), "PX", DONE_TTL_MS)
    .zrem(keys.live, key)
    .exec();
}

/**
 * Replays an answer being written on another instance from its first chunk, then follows it
 * live until its end marker. Null when Redis has no such answer for this user.
 */
export async function attachRemote(conversationId: string, userId: string): Promise<ReadableStream<UIMessageChunk> | null> {
  const info = await readInfo(conversationId);
  if (!info || info.userId !== userId) return null;
  const connection = newBlockingConnection();
  if (!connection) return null;
  let lastId = "0";
  let closed = false;
  let quietSince = Date.now();
  const finish = () => {
    closed = true;
    connection.disconnect();
  };
  return new ReadableStream<UIMessageChunk>({
    async pull(controller) {
      for (;;) {
        if (closed) return;
        let reply: [string, Entry[]][] | null;
        try {
          reply = (await connection.xread("BLOCK", 1_000, "STREAMS", keys.chunks(conversationId), lastId)) as [string, Entry[]][] | null;
        } catch (error) {
          logger().warn({ conversationId, error: (error as Error).message }, "resumed stream lost Redis; closing it");
          finish();
          controller.close();
          return;
        }
        const entries = reply?.[0]?.[1] ?? [];
        if (entries.length === 0) {
          // Nothing new: if the stream vanished (expired, dropped after a Redis outage), stop.
          if (Date.now() - quietSince > 30_000 || !(await connection.exists(keys.info(conversationId)).catch(() => 0))) {
            finish();
            controller.close();
            return;
          }
          continue;
        }
        quietSince = Date.now();
        const { chunks, ended, lastId: last } = decode(entries);
        lastId = last ?? lastId;
        for (const chunk of chunks) controller.enqueue(chunk);
        if (ended) {
          finish();
          controller.close();
        }
        return;
      }
    },
    cancel() {
      finish();
    },
  });
}

/** True while another instance (still beating) writes this user's answer in the conversation. */
export async function runningElsewhere(conversationId: string, userId: string): Promise<boolean> {
  const redis = getRedis();
  const info = await readInfo(conversationId);
  if (!redis || !info || info.done || info.userId !== userId) return false;
  const beat = await redis.zscore(keys.live, conversationId).catch(() => null);
  return beat !== null && Date.now() - Number(beat) < ORPHAN_AFTER_MS;
}

/** Asks whichever instance runs the answer to abort it. True when one was running. */
export async function requestRemoteStop(conversationId: string, userId: string): Promise<boolean> {
  const redis = getRedis();
  const info = await readInfo(conversationId);
  if (!redis || !info || info.userId !== userId || info.done) return false;
  try {
    await redis.publish(keys.stop, JSON.stringify({ conversationId, runId: info.runId }));
    return true;
  } catch {
    return false;
  }
}

const holder = globalThis as unknown as { __sbStopListener?: boolean };

/** Subscribes this instance to stop requests once; `onStop` aborts the run if it is here. */
export function listenForStops(onStop: (conversationId: string, runId: string) => void): void {
  if (holder.__sbStopListener) return;
  const subscriber = getSubscriber();
  if (!subscriber) return;
  holder.__sbStopListener = true;
  // Queued until connected; ioredis renews the subscription after every reconnect.
  subscriber.subscribe(keys.stop).catch((error: Error) => logger().warn({ error: error.message }, "could not subscribe to stop requests"));
  subscriber.on("message", (channel: string, message: string) => {
    if (channel !== keys.stop) return;
    try {
      const { conversationId, runId } = JSON.parse(message) as { conversationId: string; runId: string };
      onStop(conversationId, runId);
    } catch {
      /* not ours */
    }
  });
}
