import { requireAdmin } from "@/lib/auth";
import { assertSameOrigin, json, readJson, route } from "@/lib/http";
import { createServer, listServers } from "@/lib/mcp/servers";
import { mcpServerCreateSchema } from "@/lib/mcp/types";

// GET /api/admin/mcp/servers — the team's MCP servers and the operator's (status, tools, last
// error; credentials only as `hasCredentials`).
export const GET = route(async () => {
  await requireAdmin();
  return json({ servers: await listServers({ kind: "team" }) });
});

// POST /api/admin/mcp/servers { name, url, transport?, headers?, bearerToken?, enabledTools?, availability?, approvalTools? }
export const POST = route(async (request) => {
  await requireAdmin();
  assertSameOrigin(request);
  const body = await readJson(request, mcpServerCreateSchema, { maxBytes: 100_000, surface: "mcp" });
  return json({ server: await createServer({ kind: "team" }, body) }, { status: 201 });
});
