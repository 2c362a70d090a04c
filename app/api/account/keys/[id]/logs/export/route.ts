import { requireUser } from "@/lib/auth";
import { apiKeyNotFound, apiLogExportChunks, requireOwnApiKey } from "@/lib/api-keys/logs";
import { route } from "@/lib/http";
import { jsonDownload } from "@/lib/http/download";
import { readPathId } from "@/lib/http/params";

// GET /api/account/keys/:id/logs/export → the key's whole log as one JSON file, streamed.
export const GET = route(async (_request, context: { params: Promise<{ id: string }> }) => {
  const user = await requireUser();
  const id = await readPathId(context.params, apiKeyNotFound);
  // Ownership first, so someone else's key is a plain 404 and not a broken download.
  const key = await requireOwnApiKey(user.id, id);
  const day = new Date().toISOString().slice(0, 10);
  return jsonDownload(apiLogExportChunks(user.id, key), `switchboard-api-log-${key.prefix}-${day}.json`, "API log export");
});
