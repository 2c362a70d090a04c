import { getEnv } from "@/lib/env";
import { metrics, metricsAuthorized } from "@/lib/metrics";

export const dynamic = "force-dynamic";

/** Prometheus scrape endpoint: 404 unless METRICS_TOKEN is set, 401 without that bearer token. */
export async function GET(request: Request): Promise<Response> {
  const token = getEnv().METRICS_TOKEN;
  if (!token) return Response.json({ error: { code: "not_found:metrics", message: "Metrics are off (METRICS_TOKEN is not set)." } }, { status: 404 });
  if (!metricsAuthorized(request.headers, token)) {
    return Response.json(
      { error: { code: "unauthorized:metrics", message: "A valid metrics token is required." } },
      { status: 401, headers: { "www-authenticate": 'Bearer realm="metrics"' } },
    );
  }
  const registry = metrics().registry;
  return new Response(await registry.metrics(), { headers: { "content-type": registry.contentType, "cache-control": "no-store" } });
}
