import { requireUser } from "@/lib/auth";
import { json, route } from "@/lib/http";
import { toolsMenu } from "@/lib/chat/tools";

// GET /api/mcp/tools — the tools the caller can turn on in a conversation: the built-in ones and
// the MCP tools of the servers available to them, grouped by server, with descriptions.
export const GET = route(async () => {
  const user = await requireUser();
  return json(await toolsMenu(user.id));
});
