import "server-only";
import { getDb } from "@/lib/db";
import { revokeAllSessionsOfUser } from "@/lib/db/users";
import { AppError } from "@/lib/errors";
import { formatUsd } from "@/lib/money";
import {
  lastDays,
  monthToDate,
  spendByDay,
  spendByKey,
  spendByModel,
  spendByProvider,
  spendPerUser,
  spendTotals,
  splitBySource,
  tokenTotals,
  topConversations,
  type SpendScope,
} from "./aggregates";
import { reservedNano } from "./budget";
import { limitsOf, nextMonthStartUtc } from "./period";
import { getDefaultMonthlyBudget, setDefaultMonthlyBudget } from "./settings";
import type { AdminUserRow, BudgetStatus, ByKeyRow, SpendPageData, SpendRange, SpendSummary } from "./types";

// What the spend routes and pages call: each function takes the caller's id (or is admin-only
// and says so), reads through the aggregates, and returns bigint nano-USD.

export async function budgetStatus(userId: string, now = new Date()): Promise<BudgetStatus> {
  const db = await getDb();
  const user = await db.user.findUnique({
    where: { id: userId },
    select: { monthlyBudgetNano: true, personalLimitNano: true },
  });
  if (!user) throw new AppError("not_found:user", "This account no longer exists.");
  const limits = limitsOf(user, await getDefaultMonthlyBudget());
  return {
    limitNano: limits.limitNano,
    adminBudgetNano: limits.adminBudgetNano,
    adminBudgetIsDefault: limits.adminBudgetIsDefault,
    personalLimitNano: limits.personalLimitNano,
    reservedNano: limits.limitNano === null ? 0n : await reservedNano(db, userId, now),
    resetsAt: nextMonthStartUtc(now),
  };
}

/** Month-to-date spend and the limit: the sidebar's figure. */
export async function spendSummary(userId: string, now = new Date()): Promise<SpendSummary> {
  const db = await getDb();
  const [mtd, budget] = await Promise.all([monthToDate(db, userId, now), budgetStatus(userId, now)]);
  return { monthNano: mtd.monthNano, pendingCount: mtd.pendingCount, budget };
}

/** Everything the spend page shows besides the per-day series. */
export async function spendPageData(userId: string, range: SpendRange, now = new Date()): Promise<SpendPageData> {
  const scope: SpendScope = { userId };
  const [totals, budget, byModel, byProvider, conversations, tokens, byKey] = await Promise.all([
    spendTotals(scope, now),
    budgetStatus(userId, now),
    spendByModel(scope, range),
    spendByProvider(scope, range),
    topConversations(scope, range, 10),
    tokenTotals(scope, range),
    spendByKey(scope, range),
  ]);
  return { totals, budget, range, byModel, byProvider, topConversations: conversations, tokens, byKey, bySource: splitBySource(byKey) };
}

export type GroupBy = "day" | "model" | "provider" | "conversation" | "key";

/**
 * One grouping of a scope's spend over a range (the JSON APIs). With `titles: false` (admin
 * views of other people's spend) conversations are listed by id only: their titles are content.
 */
export async function spendGrouped(scope: SpendScope, range: SpendRange, groupBy: GroupBy, options: { titles?: boolean } = {}) {
  switch (groupBy) {
    case "day":
      return { groupBy, rows: await spendByDay(scope, range) };
    case "model":
      return { groupBy, rows: await spendByModel(scope, range) };
    case "provider":
      return { groupBy, rows: await spendByProvider(scope, range) };
    case "conversation": {
      const rows = await topConversations(scope, range, 100);
      return { groupBy, rows: options.titles === false ? rows.map(({ title: _title, ...rest }) => rest) : rows };
    }
    case "key": {
      // By personal key, with "chat" (no key) as a row, and the chat-vs-API split beside it.
      const rows = await spendByKey(scope, range);
      return { groupBy, rows, bySource: splitBySource(rows) };
    }
  }
}

export { lastDays };

/**
 * The user's own monthly limit. It can only lower what the admin allows: a value above the
 * admin's budget is refused. null removes it.
 */
export async function setPersonalLimit(userId: string, limitNano: bigint | null): Promise<BudgetStatus> {
  const db = await getDb();
  if (limitNano !== null) {
    const user = await db.user.findUnique({ where: { id: userId }, select: { monthlyBudgetNano: true, personalLimitNano: true } });
    if (!user) throw new AppError("not_found:user", "This account no longer exists.");
    const { adminBudgetNano } = limitsOf(user, await getDefaultMonthlyBudget());
    if (adminBudgetNano !== null && limitNano > adminBudgetNano) {
      throw new AppError(
        "bad_request:limit",
        `Your personal limit can only lower your budget: the administrator allows ${formatUsd(adminBudgetNano)} a month.`,
        { details: { adminBudgetNano: adminBudgetNano.toString() } },
      );
    }
  }
  await db.user.update({ where: { id: userId }, data: { personalLimitNano: limitNano } });
  return budgetStatus(userId);
}

// ---- admin ---------------------------------------------------------------------------------

export async function adminUsers(now = new Date()): Promise<{ users: AdminUserRow[]; defaultBudgetNano: bigint | null }> {
  const db = await getDb();
  const [users, spend, defaultBudgetNano] = await Promise.all([
    db.user.findMany({
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      select: {
        id: true,
        email: true,
        name: true,
        role: true,
        disabled: true,
        createdAt: true,
        monthlyBudgetNano: true,
        personalLimitNano: true,
      },
    }),
    spendPerUser(now),
    getDefaultMonthlyBudget(),
  ]);
  return {
    defaultBudgetNano,
    users: users.map((u) => {
      const s = spend.get(u.id);
      return { ...u, monthNano: s?.monthNano ?? 0n, allTimeNano: s?.allTimeNano ?? 0n, pendingCount: s?.pendingCount ?? 0 };
    }),
  };
}

/** Every personal key's spend over the last 30 days, with its owner, and everyone's chat as one row (admin). */
export async function adminKeySpend(now = new Date()): Promise<ByKeyRow[]> {
  return spendByKey({}, lastDays(30, now));
}

export type AdminUserPatch = {
  /** Own monthly budget; null follows the instance default. */
  monthlyBudgetNano?: bigint | null;
  disabled?: boolean;
};

export async function adminUpdateUser(adminId: string, userId: string, patch: AdminUserPatch): Promise<AdminUserRow> {
  const db = await getDb();
  const target = await db.user.findUnique({ where: { id: userId }, select: { id: true } });
  if (!target) throw new AppError("not_found:user", "No such user.");
  if (patch.disabled === true && userId === adminId) {
    throw new AppError("bad_request:admin", "You cannot disable your own account.");
  }
  await db.user.update({
    where: { id: userId },
    data: {
      ...(patch.monthlyBudgetNano !== undefined ? { monthlyBudgetNano: patch.monthlyBudgetNano } : {}),
      ...(patch.disabled !== undefined ? { disabled: patch.disabled } : {}),
    },
  });
  // A disabled account is signed out everywhere at once, not when its cookies expire.
  if (patch.disabled === true) await revokeAllSessionsOfUser(userId);
  const { users } = await adminUsers();
  const row = users.find((u) => u.id === userId);
  if (!row) throw new AppError("not_found:user", "No such user.");
  return row;
}

export async function adminSetDefaultBudget(value: bigint | null): Promise<{ defaultBudgetNano: bigint | null }> {
  await setDefaultMonthlyBudget(value);
  return { defaultBudgetNano: value };
}
