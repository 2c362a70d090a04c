import { authenticateApiKey, recordKeyUse } from "@/lib/api-keys/authenticate";
import { runEmbeddings } from "@/lib/gateway/embeddings";
import { apiRoute } from "@/lib/gateway/http";
import { admitApiCall } from "@/lib/gateway/limits";
import { embeddingPromptTokens, reserveEmbeddings } from "@/lib/gateway/reserve";
import { resolveEmbeddingModel } from "@/lib/gateway/resolve";
import { embeddingsRequestSchema } from "@/lib/gateway/schemas";
import { readJson } from "@/lib/http";

export const dynamic = "force-dynamic";

const MAX_BODY_BYTES = 8 * 1024 * 1024;

/** OpenAI's embeddings with a personal key: checked, reserved, relayed from OpenRouter, metered. */
export const POST = apiRoute(async (request) => {
  const caller = await authenticateApiKey(request.headers);
  await admitApiCall(caller);
  const body = await readJson(request, embeddingsRequestSchema, { maxBytes: MAX_BODY_BYTES, surface: "api" });
  const model = await resolveEmbeddingModel(caller, body.model);
  const promptTokens = embeddingPromptTokens(body);
  const reservationId = await reserveEmbeddings(caller, model, promptTokens);
  recordKeyUse(caller);
  return runEmbeddings({ caller, body, model, promptTokens, reservationId, clientSignal: request.signal });
});
