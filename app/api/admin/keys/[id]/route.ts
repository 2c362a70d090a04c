import { adminRevokeApiKey } from "@/lib/api-keys/keys";
import { apiKeyNotFound } from "@/lib/api-keys/logs";
import { requireAdmin } from "@/lib/auth";
import { assertSameOrigin, json, route } from "@/lib/http";
import { readPathId } from "@/lib/http/params";

// DELETE /api/admin/keys/:id → { apiKey }: revokes any user's key (kept, marked revoked).
export const DELETE = route(async (request, context: { params: Promise<{ id: string }> }) => {
  await requireAdmin();
  assertSameOrigin(request);
  const id = await readPathId(context.params, apiKeyNotFound);
  return json({ apiKey: await adminRevokeApiKey(id) });
});
