import { requireUser } from "@/lib/auth";
import { route } from "@/lib/http";
import { readConversationId, readQuery } from "@/lib/http/params";
import { conversationExportFile, conversationToMarkdown, exportConversation, exportFileName } from "@/lib/history/export";
import { exportQuerySchema } from "@/lib/history/schemas";

// GET /api/conversations/:id/export?format=md|json   a download
export const GET = route(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const user = await requireUser();
  const id = await readConversationId(context.params);
  const { format } = readQuery(request, exportQuerySchema, "export");
  const conversation = await exportConversation(user.id, id);
  const body = format === "md" ? conversationToMarkdown(conversation) : JSON.stringify(conversationExportFile(conversation), null, 2);
  return new Response(body, {
    headers: {
      "content-type": format === "md" ? "text/markdown; charset=utf-8" : "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="${exportFileName(conversation.title, format)}"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
});
