import { requireUser } from "@/lib/auth";
import { assertSameOrigin, json, readJson, route } from "@/lib/http";
import { readConversationId } from "@/lib/http/params";
import { showAlternative } from "@/lib/history/conversation";
import { alternativeChoiceSchema } from "@/lib/history/schemas";

type Context = { params: Promise<{ id: string }> };

// POST /api/conversations/:id/alternatives   { messageId, keep? }
// Shows that answer of its turn (the conversation continues from it); `keep` also makes its
// model the conversation's (a compared answer picked to continue with).
export const POST = route(async (request: Request, context: Context) => {
  const user = await requireUser();
  assertSameOrigin(request);
  const id = await readConversationId(context.params);
  const choice = await readJson(request, alternativeChoiceSchema, { maxBytes: 4_000, surface: "conversation" });
  return json(await showAlternative(user.id, id, choice));
});
