import { requireUser } from "@/lib/auth";
import { columnStreamKey, stopAnywhere, stopConversation } from "@/lib/chat/streams";
import { columnQuerySchema } from "@/lib/chat/types";
import { requireOwnedConversation } from "@/lib/chat/ownership";
import { listStreamingAnswerIds } from "@/lib/db/messages";
import { assertSameOrigin, json, route } from "@/lib/http";
import { readConversationId, readQuery } from "@/lib/http/params";

export const dynamic = "force-dynamic";

/**
 * Stops the answer being written in the caller's conversation — every column of a comparison, or
 * with `?message=` that one column only (the partial answers are kept).
 */
export const POST = route(async (request, { params }: { params: Promise<{ id: string }> }) => {
  const user = await requireUser();
  assertSameOrigin(request);
  const id = await readConversationId(params);
  const { message } = readQuery(request, columnQuerySchema, "chat");
  await requireOwnedConversation(user.id, id);
  const stopped = message
    ? await stopAnywhere(columnStreamKey(id, message), user.id)
    : await stopConversation(id, user.id, await listStreamingAnswerIds(user.id, id));
  return json({ stopped });
});
