import { requireUser } from "@/lib/auth";
import { assertSameOrigin, json, readJson, route } from "@/lib/http";
import { assertUserServersAllowed, createServer, listServers } from "@/lib/mcp/servers";
import { mcpServerCreateSchema } from "@/lib/mcp/types";

// The caller's own MCP servers (HTTP only, and only when the operator allows them:
// SWITCHBOARD_MCP_USER_SERVERS=on). Nobody else sees or uses them.

// GET /api/mcp/servers
export const GET = route(async () => {
  const user = await requireUser();
  return json({ servers: await listServers({ kind: "own", userId: user.id }) });
});

// POST /api/mcp/servers { name, url, transport?, headers?, bearerToken?, enabledTools?, availability?, approvalTools? }
export const POST = route(async (request) => {
  const user = await requireUser();
  assertSameOrigin(request);
  assertUserServersAllowed();
  const body = await readJson(request, mcpServerCreateSchema, { maxBytes: 100_000, surface: "mcp" });
  return json({ server: await createServer({ kind: "own", userId: user.id }, body) }, { status: 201 });
});
