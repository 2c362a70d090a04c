import { requireUser } from "@/lib/auth";
import { route } from "@/lib/http";
import { log } from "@/lib/log";
import { accountExportChunks } from "@/lib/history/export";

// GET /api/account/export   every live conversation of the caller, one JSON file, streamed
export const GET = route(async () => {
  const user = await requireUser();
  const chunks = accountExportChunks(user.id, { name: user.name, email: user.email });
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      } catch (error) {
        log().error({ error: error instanceof Error ? error.stack : String(error) }, "account export failed");
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
      "content-disposition": `attachment; filename="switchboard-export-${day}.json"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
});
