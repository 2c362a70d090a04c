// Spend shapes shared by the server (bigint nano-USD) and the browser (the same shapes over
// JSON, where every bigint is a decimal string and every Date an ISO string). Client-safe.

/** [from, to): UTC instants. */
export type SpendRange = { from: Date; to: Date };

export type SpendTotals = {
  todayNano: bigint;
  monthNano: bigint;
  allTimeNano: bigint;
  /** Generations whose cost is not known yet (awaiting settlement). */
  pendingCount: number;
  generations: number;
};

export type DayPoint = { day: string; costNano: bigint; generations: number; pendingCount: number };

export type ByModelRow = {
  model: string;
  costNano: bigint;
  generations: number;
  pendingCount: number;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
};

export type ByProviderRow = { provider: string | null; costNano: bigint; generations: number; pendingCount: number };

export type ByConversationRow = {
  conversationId: string;
  title: string;
  deleted: boolean;
  costNano: bigint;
  generations: number;
  pendingCount: number;
};

/** Where spend came from: answers in the chat (titles included), or calls to /api/v1 with a personal key. */
export type SpendSource = "chat" | "api";

/**
 * One row of spend by key. `id` is the key's id, "chat" for everything without a key (answers,
 * titles), or "deleted-key" for API calls whose key no longer exists.
 */
export type ByKeyRow = {
  id: string;
  source: SpendSource;
  /** The key's name; "Chat" or "Deleted key" for the other two rows. */
  name: string;
  /** The key's visible start (sbk_…); null for the other rows. */
  prefix: string | null;
  revoked: boolean;
  /** The key's owner: set in the admin view of all users, null otherwise. */
  ownerEmail: string | null;
  costNano: bigint;
  generations: number;
  pendingCount: number;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
};

export type SourceTotals = {
  costNano: bigint;
  generations: number;
  pendingCount: number;
  promptTokens: number;
  completionTokens: number;
};

/** Chat vs API over a range; the two add up to the range's totals. */
export type SourceSplit = Record<SpendSource, SourceTotals>;

export type TokenTotals = {
  /** Prompt tokens not read from cache. */
  inputTokens: number;
  cachedInputTokens: number;
  /** Completion tokens that are not reasoning. */
  outputTokens: number;
  reasoningTokens: number;
  promptTokens: number;
  completionTokens: number;
};

export type BudgetStatus = {
  /** The effective monthly limit: min(admin budget, personal limit); null = none. */
  limitNano: bigint | null;
  /** The admin's budget for this user (their own or the instance default); null = none. */
  adminBudgetNano: bigint | null;
  adminBudgetIsDefault: boolean;
  personalLimitNano: bigint | null;
  /** Held for answers in progress. */
  reservedNano: bigint;
  /** When the monthly limit resets: 00:00 UTC on the 1st of next month. */
  resetsAt: Date;
};

export type SpendSummary = {
  monthNano: bigint;
  pendingCount: number;
  budget: BudgetStatus;
};

export type SpendPageData = {
  totals: SpendTotals;
  budget: BudgetStatus;
  range: SpendRange;
  byModel: ByModelRow[];
  byProvider: ByProviderRow[];
  topConversations: ByConversationRow[];
  tokens: TokenTotals;
  byKey: ByKeyRow[];
  bySource: SourceSplit;
};

export type AdminUserRow = {
  id: string;
  email: string;
  name: string;
  role: "user" | "admin";
  disabled: boolean;
  createdAt: Date;
  monthlyBudgetNano: bigint | null;
  personalLimitNano: bigint | null;
  monthNano: bigint;
  allTimeNano: bigint;
  pendingCount: number;
};

/** The JSON form of a server shape: bigint → decimal string, Date → ISO string. */
export type Wire<T> = T extends bigint
  ? string
  : T extends Date
    ? string
    : T extends (infer U)[]
      ? Wire<U>[]
      : T extends object
        ? { [K in keyof T]: Wire<T[K]> }
        : T;

/** Converts a server shape to its JSON form (what `json()` sends). */
export function toWire<T>(value: T): Wire<T> {
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))) as Wire<T>;
}
