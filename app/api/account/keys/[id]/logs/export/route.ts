import { requireUser } from "@/lib/auth";
import { apiKeyNotFound, apiLogExportChunks, requireOwnApiKey } from "@/lib/api-keys/logs";
import { route } from "@/lib/http";
import { readPathId } from "@/lib/http/params";
import { log } from "@/lib/log";

// GET /api/account/keys/:id/logs/export → the key's whole log as one JSON file, streamed.
export const GET = route(async (_request, context: { params: Promise<{ id: string }> }) => {
  const user = await requireUser();
  const id = await readPathId(context.params, apiKeyNotFound);
  // Ownership first, so someone else's key is a plain 404 and not a broken download.
  const key = await requireOwnApiKey(user.id, id);
  const chunks = apiLogExportChunks(user.id, key);
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      } catch (error) {
        log().error({ error: error instanceof Error ? error.stack : String(error) }, "API log export failed");
        controller.error(error);
      }
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
  const day = new Date().toISOString().slice(0, 10);
  return new Response(stream, {
    headers: {
      "content-type": "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="switchboard-api-log-${key.prefix}-${day}.json"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
});
