import { createUIMessageStreamResponse } from "ai";
import { requireUser } from "@/lib/auth";
import { attachAnywhere } from "@/lib/chat/streams";
import { idSchema } from "@/lib/chat/types";
import { requireOwnedConversation } from "@/lib/chat/ownership";
import { parseWith, route } from "@/lib/http";

export const dynamic = "force-dynamic";

/** Reattaches to the answer being written in the caller's conversation; 204 when there is none. */
export const GET = route(async (_request, { params }: { params: Promise<{ id: string }> }) => {
  const user = await requireUser();
  const id = parseWith(idSchema, (await params).id, "chat");
  await requireOwnedConversation(user.id, id);
  const stream = await attachAnywhere(id, user.id);
  if (!stream) return new Response(null, { status: 204 });
  return createUIMessageStreamResponse({ stream });
});
