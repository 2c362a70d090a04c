import { requireAdmin } from "@/lib/auth";
import { json, route } from "@/lib/http";
import { readQuery } from "@/lib/http/params";
import { lastDayOf, rangeFromQuery } from "@/lib/spend/range";
import { adminSpendQuerySchema } from "@/lib/spend/schemas";
import { spendTotals } from "@/lib/spend/aggregates";
import { spendGrouped } from "@/lib/spend/service";

// GET /api/admin/spend?userId=&from=&to=&groupBy=day|model|provider|conversation|key
// Spend of one user, or of everyone when userId is absent: totals (today, month, all time) and
// the grouping over the range. Conversations are listed without their titles. By key, across
// everyone, each key row names its owner's email; "chat" is everyone's chat together.
export const GET = route(async (request) => {
  await requireAdmin();
  const query = readQuery(request, adminSpendQuerySchema, "admin");
  const range = rangeFromQuery(query, { surface: "admin" });
  const scope = query.userId ? { userId: query.userId } : {};
  const [totals, grouped] = await Promise.all([spendTotals(scope), spendGrouped(scope, range, query.groupBy, { titles: false })]);
  return json({ userId: query.userId ?? null, from: range.from.toISOString().slice(0, 10), to: lastDayOf(range), totals, ...grouped });
});
