import { requireUser } from "@/lib/auth";
import { assertSameOrigin, json, readJson, route } from "@/lib/http";
import { readConversationId } from "@/lib/http/params";
import { deleteConversation, getConversationView, patchConversation } from "@/lib/history/conversation";
import { conversationPatchSchema } from "@/lib/history/schemas";

type Context = { params: Promise<{ id: string }> };

// GET /api/conversations/:id      the conversation with its messages
export const GET = route(async (_request: Request, context: Context) => {
  const user = await requireUser();
  const id = await readConversationId(context.params);
  return json({ conversation: await getConversationView(user.id, id) });
});

// PATCH /api/conversations/:id    { title?, pinned?, model?, settings? }
export const PATCH = route(async (request: Request, context: Context) => {
  const user = await requireUser();
  assertSameOrigin(request);
  const id = await readConversationId(context.params);
  const patch = await readJson(request, conversationPatchSchema, { maxBytes: 64_000, surface: "conversation" });
  return json({ conversation: await patchConversation(user.id, id, patch) });
});

// DELETE /api/conversations/:id   soft delete; POST …/restore undoes it
export const DELETE = route(async (request: Request, context: Context) => {
  const user = await requireUser();
  assertSameOrigin(request);
  const id = await readConversationId(context.params);
  await deleteConversation(user.id, id);
  return json({ deleted: true, id });
});
