import { requireUser } from "@/lib/auth";
import { route } from "@/lib/http";
import { jsonDownload } from "@/lib/http/download";
import { accountExportChunks } from "@/lib/history/export";

// GET /api/account/export   every live conversation of the caller, one JSON file, streamed
export const GET = route(async () => {
  const user = await requireUser();
  const day = new Date().toISOString().slice(0, 10);
  return jsonDownload(accountExportChunks(user.id, { name: user.name, email: user.email }), `switchboard-export-${day}.json`, "account export");
});
