import { requireUser } from "@/lib/auth";
import { assertSameOrigin, json, readJson, route } from "@/lib/http";
import { personalLimitBodySchema } from "@/lib/spend/schemas";
import { setPersonalLimit } from "@/lib/spend/service";

// PATCH /api/spend/limit { limitNano: "5000000000" | null } — the caller's own monthly limit,
// which can only lower the administrator's budget.
export const PATCH = route(async (request) => {
  const user = await requireUser();
  assertSameOrigin(request);
  const body = await readJson(request, personalLimitBodySchema, { maxBytes: 1_000, surface: "limit" });
  return json({ budget: await setPersonalLimit(user.id, body.limitNano) });
});
