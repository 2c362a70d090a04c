import { authenticateApiKey, recordKeyUse } from "@/lib/api-keys/authenticate";
import { apiRoute } from "@/lib/gateway/http";
import { listModelsFor } from "@/lib/gateway/models";
import { json } from "@/lib/http";

export const dynamic = "force-dynamic";

/** The models (and aliases) this key may use, in OpenAI's list shape. */
export const GET = apiRoute(async (request) => {
  const caller = await authenticateApiKey(request.headers);
  recordKeyUse(caller);
  return json(await listModelsFor(caller));
});
