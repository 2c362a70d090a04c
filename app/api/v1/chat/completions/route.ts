import { authenticateApiKey, recordKeyUse } from "@/lib/api-keys/authenticate";
import { runChatCompletion } from "@/lib/gateway/chat";
import { apiRoute } from "@/lib/gateway/http";
import { admitApiCall } from "@/lib/gateway/limits";
import { chatShape, reserveChatCompletion } from "@/lib/gateway/reserve";
import { resolveChatModels } from "@/lib/gateway/resolve";
import { chatCompletionRequestSchema } from "@/lib/gateway/schemas";
import { readJson } from "@/lib/http";

export const dynamic = "force-dynamic";

/** Images as data URLs make large bodies; the proxy's overall limit still applies above this. */
const MAX_BODY_BYTES = 20 * 1024 * 1024;

/** OpenAI's chat completions with a personal key: checked, reserved, relayed from OpenRouter, metered. */
export const POST = apiRoute(async (request) => {
  const caller = await authenticateApiKey(request.headers);
  await admitApiCall(caller);
  const body = await readJson(request, chatCompletionRequestSchema, { maxBytes: MAX_BODY_BYTES, surface: "api" });
  const models = await resolveChatModels(caller, body);
  const shape = chatShape(body, models);
  const reservationId = await reserveChatCompletion(caller, models, shape);
  recordKeyUse(caller);
  return runChatCompletion({ caller, body, models, shape, reservationId, clientSignal: request.signal });
});
