import "server-only";
import { purgeConversationsDeletedBefore } from "@/lib/db/conversations";
import { logger } from "@/lib/log";

// Soft-deleted conversations are removed for good after 30 days. A timer per process, started
// lazily by the list route (so nothing runs at build time or in processes that never serve the
// sidebar); with several instances each purges, which is harmless: the delete is idempotent.

export const PURGE_AFTER_DAYS = 30;
const EVERY_MS = 6 * 60 * 60 * 1000;

const holder = globalThis as unknown as { __sbHistoryPurge?: { timer: NodeJS.Timeout; running: boolean } };

export async function purgeDeletedConversations(now: Date = new Date()): Promise<number> {
  return purgeConversationsDeletedBefore(new Date(now.getTime() - PURGE_AFTER_DAYS * 86_400_000));
}

async function runOnce(): Promise<void> {
  const state = holder.__sbHistoryPurge;
  if (!state || state.running) return;
  state.running = true;
  try {
    const count = await purgeDeletedConversations();
    if (count > 0) logger().info({ count, afterDays: PURGE_AFTER_DAYS }, "purged conversations deleted long ago");
  } catch (error) {
    logger().warn({ error: error instanceof Error ? error.message : String(error) }, "purge of deleted conversations failed; will retry");
  } finally {
    state.running = false;
  }
}

/** Starts the purge timer once per process: a first run a minute from now, then every 6 hours. */
export function ensurePurgeScheduled(): void {
  if (holder.__sbHistoryPurge) return;
  const timer = setInterval(() => void runOnce(), EVERY_MS);
  timer.unref();
  holder.__sbHistoryPurge = { timer, running: false };
  setTimeout(() => void runOnce(), 60_000).unref();
}
