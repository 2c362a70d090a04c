import "server-only";
import { getDb } from "@/lib/db";

// Whether personal API keys work at all: one switch an admin flips for the whole instance. Read on
// every API call, so it is cached for a few seconds per process (another instance sees a change
// within CACHE_MS); a change made here is visible at once in this process. Off refuses every key
// without revoking it.

const SETTINGS_ID = "global";
const CACHE_MS = 5_000;

const holder = globalThis as unknown as { __sbApiAccess?: { enabled: boolean; at: number } };

export async function getApiAccessEnabled(): Promise<boolean> {
  const cached = holder.__sbApiAccess;
  if (cached && Date.now() - cached.at < CACHE_MS) return cached.enabled;
  const db = await getDb();
  const row = await db.apiAccessSetting.findUnique({ where: { id: SETTINGS_ID }, select: { enabled: true } });
  const enabled = row?.enabled ?? true;
  holder.__sbApiAccess = { enabled, at: Date.now() };
  return enabled;
}

export async function setApiAccessEnabled(enabled: boolean): Promise<boolean> {
  const db = await getDb();
  await db.apiAccessSetting.upsert({ where: { id: SETTINGS_ID }, create: { id: SETTINGS_ID, enabled }, update: { enabled } });
  holder.__sbApiAccess = { enabled, at: Date.now() };
  return enabled;
}

/** For tests. */
export function forgetApiAccessCache(): void {
  holder.__sbApiAccess = undefined;
}
