import { requireAdmin } from "@/lib/auth";
import { assertSameOrigin, json, parseWith, readJson, route } from "@/lib/http";
import { adminUserPatchSchema, userIdParamSchema } from "@/lib/spend/schemas";
import { adminUpdateUser } from "@/lib/spend/service";

// PATCH /api/admin/users/:id { monthlyBudgetNano?: "…" | null, disabled?: boolean }
// Disabling an account revokes all its sessions at once.
export const PATCH = route(async (request, context: { params: Promise<{ id: string }> }) => {
  const admin = await requireAdmin();
  assertSameOrigin(request);
  const id = parseWith(userIdParamSchema, (await context.params).id, "admin");
  const patch = await readJson(request, adminUserPatchSchema, { maxBytes: 1_000, surface: "admin" });
  return json({ user: await adminUpdateUser(admin.id, id, patch) });
});
