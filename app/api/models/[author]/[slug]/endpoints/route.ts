import { requireUser } from "@/lib/auth";
import { json, route } from "@/lib/http";
import { getModelEndpoints } from "@/lib/openrouter/endpoints";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ author: string; slug: string }> };

// GET /api/models/:author/:slug/endpoints   the providers serving a model (cached like the catalog)
export const GET = route(async (_request: Request, context: Context) => {
  await requireUser();
  const { author, slug } = await context.params;
  return json(await getModelEndpoints(`${author}/${slug}`));
});
