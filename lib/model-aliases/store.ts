import "server-only";
import { z } from "zod";
import { getDb } from "@/lib/db";

// Model aliases: team names ("team-default", "fast") an admin points at a catalog model, with
// optional fallbacks and provider preferences. The API resolves them; the chat's picker offers them.

export type ModelAlias = {
  name: string;
  model: string;
  fallbacks: string[];
  /** OpenRouter provider preferences sent with the alias, as the admin wrote them. */
  provider: Record<string, unknown> | null;
  description: string;
};

const storedFallbacks = z.array(z.string());
const storedProvider = z.record(z.string(), z.unknown()).nullable();

function fromRow(row: { name: string; model: string; fallbacks: unknown; provider: unknown; description: string }): ModelAlias {
  return {
    name: row.name,
    model: row.model,
    fallbacks: storedFallbacks.catch([]).parse(row.fallbacks),
    provider: storedProvider.catch(null).parse(row.provider ?? null),
    description: row.description,
  };
}

export async function findAlias(name: string): Promise<ModelAlias | null> {
  const db = await getDb();
  const row = await db.modelAlias.findUnique({ where: { name } });
  return row ? fromRow(row) : null;
}

export async function listAliases(): Promise<ModelAlias[]> {
  const db = await getDb();
  const rows = await db.modelAlias.findMany({ orderBy: { name: "asc" } });
  return rows.map(fromRow);
}
