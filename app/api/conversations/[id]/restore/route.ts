import { requireUser } from "@/lib/auth";
import { assertSameOrigin, json, route } from "@/lib/http";
import { readConversationId } from "@/lib/http/params";
import { undeleteConversation } from "@/lib/history/conversation";

// POST /api/conversations/:id/restore   undoes a delete (until the 30-day purge)
export const POST = route(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const user = await requireUser();
  assertSameOrigin(request);
  const id = await readConversationId(context.params);
  return json({ conversation: await undeleteConversation(user.id, id) });
});
