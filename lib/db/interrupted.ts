import "server-only";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { ChatMessageMetadata } from "@/lib/chat/types";
import type { Db } from "./client";

// A server process killed in the middle of an answer (kill -9, OOM, power loss) saves nothing:
// its answer row stays "streaming" (status partial, metadata.status "streaming") for ever, and
// the chat would show it as still being written. When the database is opened by a server, the
// answers still marked that way are finished as interrupted, and their generations are made due
// for settlement at once (the cost comes from OpenRouter's /generation records).
//
// Who may do this: on PGlite the folder lock guarantees no other process is writing. On
// PostgreSQL with REDIS_URL, lib/redis/orphans.ts does it precisely (per stream, from heartbeats),
// so this sweep is skipped. On PostgreSQL without Redis a starting instance cannot tell a dead
// writer from a live one on another instance: it sweeps anyway (a single instance is the common
// case), and an answer that was in fact still being written elsewhere is overwritten with its
// final state when that instance saves it (the final save is unconditional).

export const INTERRUPTED_ANSWER = {
  code: "interrupted:instance",
  message: "The server stopped while writing this answer; it is kept as far as it was saved.",
} as const;

/** Finishes the answers left "streaming" before `startedBefore`; returns how many. */
export async function recoverInterruptedAnswers(db: Db, startedBefore: Date): Promise<number> {
  const streaming = { status: "partial" as const, metadata: { path: ["status"], equals: "streaming" } };
  const rows = await db.message.findMany({
    where: { role: "assistant", createdAt: { lt: startedBefore }, ...streaming },
    select: { id: true, metadata: true, createdAt: true },
    take: 10_000,
  });
  let recovered = 0;
  for (const row of rows) {
    const previous = (row.metadata ?? {}) as ChatMessageMetadata;
    const metadata: ChatMessageMetadata = {
      ...previous,
      status: "partial",
      costPending: true,
      error: { ...INTERRUPTED_ANSWER },
    };
    // Only while still marked as streaming: never overwrite an answer that was saved meanwhile.
    const { count } = await db.message.updateMany({
      where: { id: row.id, ...streaming },
      data: { metadata: metadata as Prisma.InputJsonValue },
    });
    recovered += count;
  }
  if (rows.length > 0) {
    await db.usage.updateMany({
      where: { messageId: { in: rows.map((r) => r.id) }, settledAt: null, costNano: null },
      data: { nextSettleAt: new Date() },
    });
  }
  return recovered;
}
