import { requireUser } from "@/lib/auth";
import { json, parseWith, route } from "@/lib/http";
import { readQuery } from "@/lib/http/params";
import { listConversations } from "@/lib/history/list";
import { ensurePurgeScheduled } from "@/lib/history/purge";
import { listQuerySchema, searchQueryText } from "@/lib/history/schemas";
import { searchConversations } from "@/lib/history/search";

// GET /api/conversations?cursor=&limit=   a page of the sidebar (keyset cursor)
// GET /api/conversations?q=&limit=        full-text search over titles and messages
export const GET = route(async (request) => {
  const user = await requireUser();
  const query = readQuery(request, listQuerySchema, "conversations");
  ensurePurgeScheduled();
  if (query.q !== undefined && query.q.trim() !== "") {
    const text = parseWith(searchQueryText, query.q, "search");
    return json(await searchConversations(user.id, text, Math.min(query.limit ?? 20, 50)));
  }
  return json(await listConversations(user.id, { cursor: query.cursor || undefined, limit: query.limit }));
});
