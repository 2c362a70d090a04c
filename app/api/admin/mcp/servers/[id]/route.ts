import { requireAdmin } from "@/lib/auth";
import { assertSameOrigin, json, readJson, route } from "@/lib/http";
import { readPathId } from "@/lib/http/params";
import { deleteServer, serverNotFound, updateServer } from "@/lib/mcp/servers";
import { mcpServerPatchSchema } from "@/lib/mcp/types";

type Context = { params: Promise<{ id: string }> };

// PATCH /api/admin/mcp/servers/:id — absent fields are kept; `headers: null` / `bearerToken: null` remove them.
export const PATCH = route(async (request, context: Context) => {
  await requireAdmin();
  assertSameOrigin(request);
  const id = await readPathId(context.params, serverNotFound);
  const patch = await readJson(request, mcpServerPatchSchema, { maxBytes: 100_000, surface: "mcp" });
  return json({ server: await updateServer({ kind: "team" }, id, patch) });
});

// DELETE /api/admin/mcp/servers/:id
export const DELETE = route(async (request, context: Context) => {
  await requireAdmin();
  assertSameOrigin(request);
  const id = await readPathId(context.params, serverNotFound);
  await deleteServer({ kind: "team" }, id);
  return new Response(null, { status: 204 });
});
