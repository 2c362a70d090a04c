import { requireUser } from "@/lib/auth";
import { assertSameOrigin, json, route } from "@/lib/http";
import { readPathId } from "@/lib/http/params";
import { refreshServer, serverNotFound } from "@/lib/mcp/servers";

// POST /api/mcp/servers/:id/refresh — one of the caller's own servers: its tool list fetched now.
export const POST = route(async (request, context: { params: Promise<{ id: string }> }) => {
  const user = await requireUser();
  assertSameOrigin(request);
  const id = await readPathId(context.params, serverNotFound);
  return json({ server: await refreshServer({ kind: "own", userId: user.id }, id) });
});
