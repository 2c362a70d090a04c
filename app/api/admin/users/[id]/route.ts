import { requireAdmin } from "@/lib/auth";
import { AppError } from "@/lib/errors";
import { assertSameOrigin, json, readJson, route } from "@/lib/http";
import { readPathId } from "@/lib/http/params";
import { adminUserPatchSchema } from "@/lib/spend/schemas";
import { adminUpdateUser } from "@/lib/spend/service";

// PATCH /api/admin/users/:id { monthlyBudgetNano?: "…" | null, disabled?: boolean }
// Disabling an account revokes all its sessions at once.
export const PATCH = route(async (request, context: { params: Promise<{ id: string }> }) => {
  const admin = await requireAdmin();
  assertSameOrigin(request);
  const id = await readPathId(context.params, () => new AppError("not_found:user", "No such user."));
  const patch = await readJson(request, adminUserPatchSchema, { maxBytes: 1_000, surface: "admin" });
  return json({ user: await adminUpdateUser(admin.id, id, patch) });
});
