// zod schemas of the spend and admin APIs. Client-safe (the browser builds the same bodies).
import { z } from "zod";

const MAX_BIGINT = 9_223_372_036_854_775_807n;

/** nano-USD over JSON: a non-negative integer as a decimal string. */
export const nanoString = z
  .string()
  .regex(/^\d{1,19}$/, "Expected nano-USD as a whole number in a string.")
  .transform((v) => BigInt(v))
  .refine((v) => v <= MAX_BIGINT, "Amount too large.");

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Expected a date as YYYY-MM-DD.")
  .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), "Not a real date.")
  // A range ends at the next day's midnight: 9999-12-31 would reach year 10000, which neither
  // PostgreSQL's date type nor an ISO string in the CSV can carry; year 0 is not storable either.
  .refine((v) => Number(v.slice(0, 4)) >= 1970 && Number(v.slice(0, 4)) <= 9998, "A date between 1970 and 9998.");

/** from / to: whole UTC days, both inclusive. Absent: the last 30 days. */
export const rangeQuerySchema = z.object({
  from: day.optional(),
  to: day.optional(),
});

export const spendQuerySchema = rangeQuerySchema.extend({
  groupBy: z.enum(["day", "model", "provider", "conversation", "key"]).default("day"),
});

export const adminSpendQuerySchema = spendQuerySchema.extend({
  userId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{8,64}$/, "Not a valid id.")
    .optional(),
});

export const personalLimitBodySchema = z.object({
  /** null removes the personal limit. */
  limitNano: nanoString.nullable(),
});

export const adminUserPatchSchema = z
  .object({
    /** null: follow the instance default. */
    monthlyBudgetNano: nanoString.nullable().optional(),
    disabled: z.boolean().optional(),
  })
  .refine((v) => v.monthlyBudgetNano !== undefined || v.disabled !== undefined, "Nothing to change.");

export const adminSettingsBodySchema = z.object({
  /** Budget for users without their own; null = no limit. */
  defaultMonthlyBudgetNano: nanoString.nullable(),
});

export const estimateBodySchema = z.object({
  conversationId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{8,64}$/, "Not a valid id.")
    .optional(),
  model: z.string().min(1).max(200),
  text: z.string().max(2_000_000),
});
