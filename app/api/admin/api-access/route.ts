import { z } from "zod";
import { getApiAccessEnabled, setApiAccessEnabled } from "@/lib/api-keys/access";
import { requireAdmin } from "@/lib/auth";
import { assertSameOrigin, json, readJson, route } from "@/lib/http";

// GET /api/admin/api-access → { enabled }
// PUT /api/admin/api-access { enabled } → { enabled }
// Off refuses every personal key at /api/v1 without revoking any: on again, they all work.
const bodySchema = z.object({ enabled: z.boolean() }).strict();

export const GET = route(async () => {
  await requireAdmin();
  return json({ enabled: await getApiAccessEnabled() });
});

export const PUT = route(async (request) => {
  await requireAdmin();
  assertSameOrigin(request);
  const { enabled } = await readJson(request, bodySchema, { maxBytes: 1_000, surface: "admin" });
  await setApiAccessEnabled(enabled);
  return json({ enabled: await getApiAccessEnabled() });
});
