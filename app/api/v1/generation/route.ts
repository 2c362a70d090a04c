import { authenticateApiKey, recordKeyUse } from "@/lib/api-keys/authenticate";
import { generationOf } from "@/lib/gateway/generation";
import { apiRoute } from "@/lib/gateway/http";
import { generationQuerySchema } from "@/lib/gateway/schemas";
import { json, parseWith } from "@/lib/http";

export const dynamic = "force-dynamic";

/** One of the caller's own generations, in OpenRouter's /generation shape (404 for anyone else's). */
export const GET = apiRoute(async (request) => {
  const caller = await authenticateApiKey(request.headers);
  const { id } = parseWith(generationQuerySchema, Object.fromEntries(new URL(request.url).searchParams), "api");
  const generation = await generationOf(caller.userId, id);
  recordKeyUse(caller);
  return json(generation);
});
