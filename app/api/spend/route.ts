import { requireUser } from "@/lib/auth";
import { json, route } from "@/lib/http";
import { readQuery } from "@/lib/http/params";
import { lastDayOf, rangeFromQuery } from "@/lib/spend/range";
import { spendQuerySchema } from "@/lib/spend/schemas";
import { spendTotals } from "@/lib/spend/aggregates";
import { spendGrouped } from "@/lib/spend/service";

// GET /api/spend?from=YYYY-MM-DD&to=YYYY-MM-DD&groupBy=day|model|provider|conversation|key
// The caller's totals (today, month, all time) and spend over whole UTC days grouped as asked
// (both ends inclusive; default the last 30 days). Money is nano-USD as decimal strings.
// groupBy=key: one row per personal key plus "chat" (no key), and `bySource` (chat vs API).
export const GET = route(async (request) => {
  const user = await requireUser();
  const query = readQuery(request, spendQuerySchema, "spend");
  const range = rangeFromQuery(query);
  const scope = { userId: user.id };
  const [totals, grouped] = await Promise.all([spendTotals(scope), spendGrouped(scope, range, query.groupBy)]);
  return json({ from: range.from.toISOString().slice(0, 10), to: lastDayOf(range), totals, ...grouped });
});
