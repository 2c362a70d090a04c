import { requireUser } from "@/lib/auth";
import { assertSameOrigin, json, readJson, route } from "@/lib/http";
import { readPathId } from "@/lib/http/params";
import { assertUserServersAllowed, deleteServer, serverNotFound, updateServer } from "@/lib/mcp/servers";
import { mcpServerPatchSchema } from "@/lib/mcp/types";

type Context = { params: Promise<{ id: string }> };

// PATCH /api/mcp/servers/:id — one of the caller's own servers; anyone else's is 404.
export const PATCH = route(async (request, context: Context) => {
  const user = await requireUser();
  assertSameOrigin(request);
  assertUserServersAllowed();
  const id = await readPathId(context.params, serverNotFound);
  const patch = await readJson(request, mcpServerPatchSchema, { maxBytes: 100_000, surface: "mcp" });
  return json({ server: await updateServer({ kind: "own", userId: user.id }, id, patch) });
});

// DELETE /api/mcp/servers/:id — allowed even when adding servers was turned off since.
export const DELETE = route(async (request, context: Context) => {
  const user = await requireUser();
  assertSameOrigin(request);
  const id = await readPathId(context.params, serverNotFound);
  await deleteServer({ kind: "own", userId: user.id }, id);
  return new Response(null, { status: 204 });
});
