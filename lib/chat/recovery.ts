import "server-only";
import type { ChatMessageMetadata } from "@/lib/chat/types";
import { whenDatabaseOpens, type Db } from "@/lib/db";
import { listStreamingAnswersBefore } from "@/lib/db/messages";
import { getEnv } from "@/lib/env";
import { logger } from "@/lib/log";
import { finishAnswer } from "./finish";

// A server process killed in the middle of an answer (kill -9, OOM, power loss) saves nothing:
// its answer row stays "streaming" for ever, and the chat would show it as still being written.
// When a server opens the database, the answers still streaming from before are finished as
// interrupted (./finish.ts) before any request reads them.
//
// Who may do this: on PGlite the folder lock guarantees no other process is writing. On
// PostgreSQL with REDIS_URL, the orphan reaper (./orphans.ts) does it precisely (per stream, from
// heartbeats), so this sweep is skipped. On PostgreSQL without Redis a starting instance cannot
// tell a dead writer from a live one on another instance: it sweeps anyway (a single instance is
// the common case), and an answer that was in fact still being written elsewhere is overwritten
// with its final state when that instance saves it (the final save is unconditional).

/** Finishes the answers left streaming before `startedBefore`; returns how many. */
export async function recoverInterruptedAnswers(db: Db, startedBefore: Date): Promise<number> {
  let recovered = 0;
  for (const row of await listStreamingAnswersBefore(db, startedBefore)) {
    const metadata = (row.metadata && typeof row.metadata === "object" ? row.metadata : {}) as ChatMessageMetadata;
    if (await finishAnswer({ how: "interrupted", messageId: row.id, metadata }, db)) recovered += 1;
  }
  return recovered;
}

/** At server start: the sweep runs when the database is opened, before anything else reads it. */
export function recoverWhenDatabaseOpens(): void {
  const env = getEnv();
  if (env.DATABASE_URL && env.REDIS_URL) return;
  whenDatabaseOpens(async (db, openedAt) => {
    try {
      const count = await recoverInterruptedAnswers(db, openedAt);
      if (count > 0) logger().warn({ count }, "answers interrupted by a previous server stop were finished as partial");
    } catch (error) {
      logger().warn({ error: error instanceof Error ? error.message : String(error) }, "could not finish the interrupted answers");
    }
  });
}
