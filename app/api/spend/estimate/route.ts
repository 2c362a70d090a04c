import { requireUser } from "@/lib/auth";
import { assertSameOrigin, json, readJson, route } from "@/lib/http";
import { estimateInput } from "@/lib/spend/estimate";
import { estimateBodySchema } from "@/lib/spend/schemas";

// POST /api/spend/estimate { conversationId?, model, text } → { inputCostNano, promptTokens, model }
// The estimated input cost of sending `text` with the conversation's current context.
export const POST = route(async (request) => {
  const user = await requireUser();
  assertSameOrigin(request);
  const body = await readJson(request, estimateBodySchema, { maxBytes: 8_000_000, surface: "estimate" });
  return json(await estimateInput(user.id, body));
});
