import { requireAdmin } from "@/lib/auth";
import { assertSameOrigin, json, readJson, route } from "@/lib/http";
import { adminSettingsBodySchema } from "@/lib/spend/schemas";
import { adminSetDefaultBudget } from "@/lib/spend/service";
import { getDefaultMonthlyBudget } from "@/lib/spend/settings";

// GET /api/admin/settings            → { defaultMonthlyBudgetNano }
// PUT /api/admin/settings { defaultMonthlyBudgetNano: "…" | null } — the budget of users
// without one of their own.
export const GET = route(async () => {
  await requireAdmin();
  return json({ defaultMonthlyBudgetNano: await getDefaultMonthlyBudget() });
});

export const PUT = route(async (request) => {
  await requireAdmin();
  assertSameOrigin(request);
  const body = await readJson(request, adminSettingsBodySchema, { maxBytes: 1_000, surface: "admin" });
  const { defaultBudgetNano } = await adminSetDefaultBudget(body.defaultMonthlyBudgetNano);
  return json({ defaultMonthlyBudgetNano: defaultBudgetNano });
});
