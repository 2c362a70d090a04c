import "server-only";
import { log } from "@/lib/log";

/**
 * A JSON file streamed to the browser as a download, from text chunks produced one at a time (an
 * export of any size holds one batch in memory). A failure mid-file is logged and errors the
 * stream (the download is then incomplete, never silently short); a cancelled download stops the
 * producer.
 */
export function jsonDownload(chunks: AsyncGenerator<string>, filename: string, what: string): Response {
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      } catch (error) {
        log().error({ error: error instanceof Error ? error.stack : String(error) }, `${what} failed`);
        controller.error(error);
      }
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
  return new Response(stream, {
    headers: {
      "content-type": "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="${filename}"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}
