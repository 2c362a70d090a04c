import { requireUser } from "@/lib/auth";
import { modelPreferencesPatchSchema } from "@/lib/chat/types";
import { getModelPreferences, saveModelPreferences } from "@/lib/db/preferences";
import { getEnv } from "@/lib/env";
import { assertSameOrigin, json, readJson, route } from "@/lib/http";
import { requireModel } from "@/lib/openrouter/catalog";

export const dynamic = "force-dynamic";

export const GET = route(async () => {
  const user = await requireUser();
  return json(await getModelPreferences(user.id, getEnv().SWITCHBOARD_DEFAULT_MODEL));
});

export const PATCH = route(async (request) => {
  const user = await requireUser();
  assertSameOrigin(request);
  const patch = await readJson(request, modelPreferencesPatchSchema, { maxBytes: 20_000, surface: "preferences" });
  if (patch.defaultModel) await requireModel(patch.defaultModel);
  return json(await saveModelPreferences(user.id, getEnv().SWITCHBOARD_DEFAULT_MODEL, patch));
});
