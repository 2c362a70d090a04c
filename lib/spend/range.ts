import { AppError } from "@/lib/errors";
import { dayStartUtc } from "./period";
import type { SpendRange } from "./types";

// Query ranges: whole UTC days, `from` and `to` inclusive; the last 30 days when absent.

const DAY_MS = 86_400_000;

export function rangeFromQuery(
  query: { from?: string; to?: string },
  options: { defaultDays?: number; maxDays?: number; now?: Date; surface?: string } = {},
): SpendRange {
  const now = options.now ?? new Date();
  const surface = options.surface ?? "spend";
  const toDay = query.to ? new Date(`${query.to}T00:00:00Z`) : dayStartUtc(now);
  const fromDay = query.from ? new Date(`${query.from}T00:00:00Z`) : new Date(toDay.getTime() - ((options.defaultDays ?? 30) - 1) * DAY_MS);
  if (fromDay.getTime() > toDay.getTime()) throw new AppError(`bad_request:${surface}`, "from: must not be after to.");
  const days = (toDay.getTime() - fromDay.getTime()) / DAY_MS + 1;
  const maxDays = options.maxDays ?? 3660;
  if (days > maxDays) throw new AppError(`bad_request:${surface}`, `The range may span at most ${maxDays} days.`);
  return { from: fromDay, to: new Date(toDay.getTime() + DAY_MS) };
}

/** The inclusive last day of a range, as YYYY-MM-DD. */
export function lastDayOf(range: SpendRange): string {
  return new Date(range.to.getTime() - DAY_MS).toISOString().slice(0, 10);
}
