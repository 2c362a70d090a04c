import { requireUser } from "@/lib/auth";
import { stopAnywhere } from "@/lib/chat/streams";
import { idSchema } from "@/lib/chat/types";
import { requireOwnedConversation } from "@/lib/chat/ownership";
import { assertSameOrigin, json, parseWith, route } from "@/lib/http";

export const dynamic = "force-dynamic";

/** Stops the answer being written in the caller's conversation (the partial answer is kept). */
export const POST = route(async (request, { params }: { params: Promise<{ id: string }> }) => {
  const user = await requireUser();
  assertSameOrigin(request);
  const id = parseWith(idSchema, (await params).id, "chat");
  await requireOwnedConversation(user.id, id);
  return json({ stopped: await stopAnywhere(id, user.id) });
});
