import { requireUser } from "@/lib/auth";
import { assertSameOrigin, json, readJson, route } from "@/lib/http";
import { IMPORT_MAX_BYTES, importFileSchema, importForUser } from "@/lib/history/import";

// POST /api/account/import   a Switchboard export (JSON); all of it is created, or nothing
export const POST = route(async (request) => {
  const user = await requireUser();
  assertSameOrigin(request);
  const file = await readJson(request, importFileSchema, { maxBytes: IMPORT_MAX_BYTES, surface: "import" });
  return json(await importForUser(user.id, file), { status: 201 });
});
