import { createApiKey, listApiKeys } from "@/lib/api-keys/keys";
import { createApiKeyBodySchema } from "@/lib/api-keys/schemas";
import { requireUser } from "@/lib/auth";
import { assertSameOrigin, json, readJson, route } from "@/lib/http";

export const dynamic = "force-dynamic";

// GET /api/account/keys — the caller's personal API keys (prefixes only, never values).
export const GET = route(async () => {
  const user = await requireUser();
  return json({ keys: await listApiKeys(user.id) }, { headers: { "cache-control": "no-store" } });
});

// POST /api/account/keys { name, expiresAt?, allowedModels?, monthlyCapUsd?, keepLog?, … }
// → 201 { key, apiKey }: the key's whole value, this once.
export const POST = route(async (request) => {
  const user = await requireUser();
  assertSameOrigin(request);
  const body = await readJson(request, createApiKeyBodySchema, { maxBytes: 20_000, surface: "api_key" });
  return json(await createApiKey(user.id, body), { status: 201, headers: { "cache-control": "no-store" } });
});
