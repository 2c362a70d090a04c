// Calendar arithmetic and limit rules for budgets. Pure, client-safe.

/** 00:00 UTC on the first day of `now`'s month. */
export function monthStartUtc(now: Date = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

/** 00:00 UTC on the first day of the next month: when a monthly limit resets. */
export function nextMonthStartUtc(now: Date = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
}

/** 00:00 UTC today. */
export function dayStartUtc(now: Date = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

export type Limits = {
  /** The admin's budget for this user: their own, else the instance default; null = none. */
  adminBudgetNano: bigint | null;
  /** True when adminBudgetNano comes from the instance default. */
  adminBudgetIsDefault: boolean;
  personalLimitNano: bigint | null;
  /** min(admin budget, personal limit); null = no limit. */
  limitNano: bigint | null;
};

export function limitsOf(user: { monthlyBudgetNano: bigint | null; personalLimitNano: bigint | null }, defaultBudgetNano: bigint | null): Limits {
  const adminBudgetNano = user.monthlyBudgetNano ?? defaultBudgetNano;
  const personal = user.personalLimitNano;
  const limitNano =
    adminBudgetNano === null ? personal : personal === null ? adminBudgetNano : personal < adminBudgetNano ? personal : adminBudgetNano;
  return {
    adminBudgetNano,
    adminBudgetIsDefault: user.monthlyBudgetNano === null && defaultBudgetNano !== null,
    personalLimitNano: personal,
    limitNano,
  };
}
