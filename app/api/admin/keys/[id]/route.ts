import { adminRevokeApiKey } from "@/lib/api-keys/keys";
import { requireAdmin } from "@/lib/auth";
import { AppError } from "@/lib/errors";
import { assertSameOrigin, json, route } from "@/lib/http";
import { readPathId } from "@/lib/http/params";

// DELETE /api/admin/keys/:id → { apiKey }: revokes any user's key (kept, marked revoked).
export const DELETE = route(async (request, context: { params: Promise<{ id: string }> }) => {
  await requireAdmin();
  assertSameOrigin(request);
  const id = await readPathId(context.params, () => new AppError("not_found:api_key", "API key not found."));
  return json({ apiKey: await adminRevokeApiKey(id) });
});
