import { requireAdmin } from "@/lib/auth";
import { assertSameOrigin, json, readJson, route } from "@/lib/http";
import { createAlias } from "@/lib/model-aliases/manage";
import { listAliases } from "@/lib/model-aliases/store";
import { aliasCreateSchema } from "@/lib/model-aliases/types";

// GET  /api/admin/aliases → { aliases }
// POST /api/admin/aliases { name, model, fallbacks?, provider?, description? } → 201 { alias }
// The target and fallbacks must be catalog models; a bad one is a 400 with nothing saved.
export const GET = route(async () => {
  await requireAdmin();
  return json({ aliases: await listAliases() });
});

export const POST = route(async (request) => {
  await requireAdmin();
  assertSameOrigin(request);
  const body = await readJson(request, aliasCreateSchema, { maxBytes: 10_000, surface: "alias" });
  const alias = await createAlias(body);
  return json({ alias }, { status: 201 });
});
