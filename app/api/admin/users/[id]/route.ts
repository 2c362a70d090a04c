import { requireAdmin } from "@/lib/auth";
import { stopAllAnswersOfUser } from "@/lib/chat/stop-user";
import { AppError } from "@/lib/errors";
import { assertSameOrigin, json, readJson, route } from "@/lib/http";
import { readPathId } from "@/lib/http/params";
import { adminUserPatchSchema } from "@/lib/spend/schemas";
import { adminUpdateUser } from "@/lib/spend/service";

// PATCH /api/admin/users/:id { monthlyBudgetNano?: "…" | null, disabled?: boolean }
// Disabling an account revokes all its sessions and stops its answers in flight at once.
export const PATCH = route(async (request, context: { params: Promise<{ id: string }> }) => {
  const admin = await requireAdmin();
  assertSameOrigin(request);
  const id = await readPathId(context.params, () => new AppError("not_found:user", "No such user."));
  const patch = await readJson(request, adminUserPatchSchema, { maxBytes: 1_000, surface: "admin" });
  const user = await adminUpdateUser(admin.id, id, patch);
  if (patch.disabled === true) await stopAllAnswersOfUser(id);
  return json({ user });
});
