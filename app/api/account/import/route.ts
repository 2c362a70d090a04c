import { requireUser } from "@/lib/auth";
import { assertSameOrigin, json, route } from "@/lib/http";
import { importForUser, readImportFile } from "@/lib/history/import";

// POST /api/account/import   a Switchboard export (JSON); all of it is created, or nothing
export const POST = route(async (request) => {
  const user = await requireUser();
  assertSameOrigin(request);
  const file = await readImportFile(request, user.id);
  return json(await importForUser(user.id, file), { status: 201 });
});
