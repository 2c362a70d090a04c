import "server-only";
import { getDb } from "@/lib/db";

// Instance-wide spend settings (one row, id "global"). Read on every reservation, so it is
// cached for a few seconds per process; a change made here is visible at once in this process.

const SETTINGS_ID = "global";
const CACHE_MS = 5_000;

const holder = globalThis as unknown as { __sbSpendSettings?: { value: bigint | null; at: number } };

/** The monthly budget applied to users without one of their own; null = no limit. */
export async function getDefaultMonthlyBudget(): Promise<bigint | null> {
  const cached = holder.__sbSpendSettings;
  if (cached && Date.now() - cached.at < CACHE_MS) return cached.value;
  const db = await getDb();
  const row = await db.appSettings.findUnique({ where: { id: SETTINGS_ID }, select: { defaultMonthlyBudgetNano: true } });
  const value = row?.defaultMonthlyBudgetNano ?? null;
  holder.__sbSpendSettings = { value, at: Date.now() };
  return value;
}

export async function setDefaultMonthlyBudget(value: bigint | null): Promise<void> {
  const db = await getDb();
  await db.appSettings.upsert({
    where: { id: SETTINGS_ID },
    create: { id: SETTINGS_ID, defaultMonthlyBudgetNano: value },
    update: { defaultMonthlyBudgetNano: value },
  });
  holder.__sbSpendSettings = { value, at: Date.now() };
}

/** For tests. */
export function forgetSpendSettingsCache(): void {
  holder.__sbSpendSettings = undefined;
}
