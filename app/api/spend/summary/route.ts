import { requireUser } from "@/lib/auth";
import { json, route } from "@/lib/http";
import { spendSummary } from "@/lib/spend/service";

// GET /api/spend/summary — month-to-date spend, pending count and the monthly limit.
export const GET = route(async () => {
  const user = await requireUser();
  return json(await spendSummary(user.id));
});
