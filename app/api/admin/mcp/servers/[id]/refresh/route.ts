import { requireAdmin } from "@/lib/auth";
import { assertSameOrigin, json, route } from "@/lib/http";
import { readPathId } from "@/lib/http/params";
import { refreshServer, serverNotFound } from "@/lib/mcp/servers";

// POST /api/admin/mcp/servers/:id/refresh — fetch the server's tool list now; its status and last error recorded.
export const POST = route(async (request, context: { params: Promise<{ id: string }> }) => {
  await requireAdmin();
  assertSameOrigin(request);
  const id = await readPathId(context.params, serverNotFound);
  return json({ server: await refreshServer({ kind: "team" }, id) });
});
