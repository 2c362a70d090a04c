import { requireAdmin } from "@/lib/auth";
import { assertSameOrigin, json, readJson, route } from "@/lib/http";
import { aliasNotFound, deleteAlias, updateAlias } from "@/lib/model-aliases/manage";
import { aliasFieldsSchema, aliasNameSchema } from "@/lib/model-aliases/types";

// PUT    /api/admin/aliases/:name { model, fallbacks?, provider?, description? } → { alias }
// DELETE /api/admin/aliases/:name → { alias }
// A name that could not be an alias is answered like one that does not exist (404).
type Context = { params: Promise<{ name: string }> };

async function readName(context: Context): Promise<string> {
  const parsed = aliasNameSchema.safeParse((await context.params).name);
  if (!parsed.success) throw aliasNotFound();
  return parsed.data;
}

export const PUT = route(async (request, context: Context) => {
  await requireAdmin();
  assertSameOrigin(request);
  const name = await readName(context);
  const body = await readJson(request, aliasFieldsSchema, { maxBytes: 10_000, surface: "alias" });
  return json({ alias: await updateAlias(name, body) });
});

export const DELETE = route(async (request, context: Context) => {
  await requireAdmin();
  assertSameOrigin(request);
  const name = await readName(context);
  return json({ alias: await deleteAlias(name) });
});
