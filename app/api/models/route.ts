import { requireUser } from "@/lib/auth";
import { json, route } from "@/lib/http";
import { listAliases } from "@/lib/model-aliases/store";
import type { AliasSummary } from "@/lib/model-aliases/types";
import { getCatalog } from "@/lib/openrouter/catalog";

export const dynamic = "force-dynamic";

// The catalog, and the team's model aliases beside it (the picker lists them first).
export const GET = route(async () => {
  await requireUser();
  const [catalog, aliases] = await Promise.all([getCatalog(), listAliases()]);
  const summaries: AliasSummary[] = aliases.map(({ name, model, description }) => ({ name, model, description }));
  return json({ ...catalog, aliases: summaries }, { status: catalog.state === "unavailable" ? 503 : 200 });
});
