import { requireUser } from "@/lib/auth";
import { json, route } from "@/lib/http";
import { getCatalog } from "@/lib/openrouter/catalog";

export const dynamic = "force-dynamic";

export const GET = route(async () => {
  await requireUser();
  const catalog = await getCatalog();
  return json(catalog, { status: catalog.state === "unavailable" ? 503 : 200 });
});
