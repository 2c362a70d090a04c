import { createUIMessageStreamResponse } from "ai";
import { requireUser } from "@/lib/auth";
import { attachAnywhere, columnStreamKey } from "@/lib/chat/streams";
import { columnQuerySchema } from "@/lib/chat/types";
import { requireOwnedConversation } from "@/lib/chat/ownership";
import { route } from "@/lib/http";
import { readConversationId, readQuery } from "@/lib/http/params";

export const dynamic = "force-dynamic";

/**
 * Reattaches to the answer being written in the caller's conversation (with `?message=`, to that
 * column of a comparison); 204 when there is none.
 */
export const GET = route(async (request, { params }: { params: Promise<{ id: string }> }) => {
  const user = await requireUser();
  const id = await readConversationId(params);
  const { message } = readQuery(request, columnQuerySchema, "chat");
  await requireOwnedConversation(user.id, id);
  const stream = await attachAnywhere(message ? columnStreamKey(id, message) : id, user.id);
  if (!stream) return new Response(null, { status: 204 });
  return createUIMessageStreamResponse({ stream });
});
