import { revokeApiKey } from "@/lib/api-keys/keys";
import { requireUser } from "@/lib/auth";
import { AppError } from "@/lib/errors";
import { assertSameOrigin, json, route } from "@/lib/http";
import { readPathId } from "@/lib/http/params";

export const dynamic = "force-dynamic";

// DELETE /api/account/keys/:id — revokes one of the caller's keys at once (someone else's: 404).
export const DELETE = route(async (request, context: { params: Promise<{ id: string }> }) => {
  const user = await requireUser();
  assertSameOrigin(request);
  const id = await readPathId(context.params, () => new AppError("not_found:api_key", "No such API key."));
  return json({ apiKey: await revokeApiKey(user.id, id) });
});
