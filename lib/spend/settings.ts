import "server-only";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";

// Instance-wide spend settings (one row, id "global"). Read on every reservation, so it is
// cached for a few seconds per process; a change made here is visible at once in this process.
//
// The default budget has three states: no row (the admin never chose) follows
// SWITCHBOARD_DEFAULT_USER_BUDGET_USD; a row with an amount is the admin's budget; a row with
// null is the admin's explicit "no limit", which the environment cannot override.

const SETTINGS_ID = "global";
const CACHE_MS = 5_000;

export type DefaultBudgetSetting = {
  /** The monthly budget of users without one of their own; null = no limit. */
  valueNano: bigint | null;
  /** Where it comes from: the admin's choice, or the environment until the admin makes one. */
  source: "admin" | "environment";
};

const holder = globalThis as unknown as { __sbSpendSettings?: DefaultBudgetSetting & { at: number } };

export async function getDefaultBudgetSetting(): Promise<DefaultBudgetSetting> {
  const cached = holder.__sbSpendSettings;
  if (cached && Date.now() - cached.at < CACHE_MS) return { valueNano: cached.valueNano, source: cached.source };
  const db = await getDb();
  const row = await db.appSettings.findUnique({ where: { id: SETTINGS_ID }, select: { defaultMonthlyBudgetNano: true } });
  const setting: DefaultBudgetSetting = row
    ? { valueNano: row.defaultMonthlyBudgetNano, source: "admin" }
    : { valueNano: getEnv().SWITCHBOARD_DEFAULT_USER_BUDGET_USD, source: "environment" };
  holder.__sbSpendSettings = { ...setting, at: Date.now() };
  return setting;
}

/** The monthly budget applied to users without one of their own; null = no limit. */
export async function getDefaultMonthlyBudget(): Promise<bigint | null> {
  return (await getDefaultBudgetSetting()).valueNano;
}

/** The admin's choice; null is "no limit" (kept as such, not as "follow the environment"). */
export async function setDefaultMonthlyBudget(value: bigint | null): Promise<void> {
  const db = await getDb();
  await db.appSettings.upsert({
    where: { id: SETTINGS_ID },
    create: { id: SETTINGS_ID, defaultMonthlyBudgetNano: value },
    update: { defaultMonthlyBudgetNano: value },
  });
  holder.__sbSpendSettings = { valueNano: value, source: "admin", at: Date.now() };
}

/** For tests. */
export function forgetSpendSettingsCache(): void {
  holder.__sbSpendSettings = undefined;
}
