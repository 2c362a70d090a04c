import { adminListApiKeys } from "@/lib/api-keys/keys";
import { requireAdmin } from "@/lib/auth";
import { json, route } from "@/lib/http";

// GET /api/admin/keys → { keys }: every user's keys, with their owner's email (never the key itself).
export const GET = route(async () => {
  await requireAdmin();
  return json({ keys: await adminListApiKeys() });
});
