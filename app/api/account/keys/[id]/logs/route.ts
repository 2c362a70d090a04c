import { requireUser } from "@/lib/auth";
import { apiKeyNotFound, apiLogQuerySchema, listApiLogs } from "@/lib/api-keys/logs";
import { json, route } from "@/lib/http";
import { readPathId, readQuery } from "@/lib/http/params";

// GET /api/account/keys/:id/logs?cursor= → { logs, nextCursor }: a "keep a log" key's requests
// and answers, newest first, for its owner only (someone else's key is a 404).
export const GET = route(async (request, context: { params: Promise<{ id: string }> }) => {
  const user = await requireUser();
  const id = await readPathId(context.params, apiKeyNotFound);
  const query = readQuery(request, apiLogQuerySchema, "api_key");
  return json(await listApiLogs(user.id, id, query));
});
