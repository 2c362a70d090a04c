import { requireAdmin } from "@/lib/auth";
import { json, route } from "@/lib/http";
import { adminUsers } from "@/lib/spend/service";

// GET /api/admin/users — every user with month-to-date and all-time spend, budgets, status.
export const GET = route(async () => {
  await requireAdmin();
  return json(await adminUsers());
});
