import "server-only";
import { Prisma } from "@/lib/generated/prisma/client";
import { getDb } from "@/lib/db";
import { isUniqueViolation } from "@/lib/db/errors";
import { AppError } from "@/lib/errors";
import { requireModel } from "@/lib/openrouter/catalog";
import { findAlias } from "./store";
import type { AliasCreate, AliasFields, AliasView } from "./types";

// An admin's changes to the aliases. Input has passed the zod schemas in ./types; what only the
// server can know is checked here before anything is written: the target and every fallback must
// be models of the catalog, so an alias never points at nothing.

export function aliasNotFound(): AppError {
  return new AppError("not_found:alias", "No such alias.");
}

/** The target and the fallbacks, each checked against the catalog (an unknown one is a 400 naming it). */
async function requireCatalogModels(fields: AliasFields): Promise<void> {
  for (const [id, role] of [[fields.model, "model"], ...fields.fallbacks.map((f) => [f, "fallback model"] as const)] as const) {
    try {
      await requireModel(id);
    } catch (error) {
      if (error instanceof AppError && error.code === "bad_request:model") {
        throw new AppError("bad_request:alias", `Unknown ${role} "${id.slice(0, 100)}": pick one from the model list.`, {
          details: { field: role === "model" ? "model" : "fallbacks" },
        });
      }
      throw error;
    }
  }
}

function columns(fields: AliasFields) {
  return {
    model: fields.model,
    fallbacks: fields.fallbacks,
    provider: fields.provider === null ? Prisma.DbNull : fields.provider,
    description: fields.description,
  };
}

export async function createAlias(input: AliasCreate): Promise<AliasView> {
  await requireCatalogModels(input);
  const db = await getDb();
  try {
    await db.modelAlias.create({ data: { name: input.name, ...columns(input) } });
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError("conflict:alias", `An alias named "${input.name}" already exists.`);
    throw error;
  }
  return (await findAlias(input.name))!;
}

export async function updateAlias(name: string, fields: AliasFields): Promise<AliasView> {
  await requireCatalogModels(fields);
  const db = await getDb();
  const { count } = await db.modelAlias.updateMany({ where: { name }, data: columns(fields) });
  if (count === 0) throw aliasNotFound();
  return (await findAlias(name))!;
}

export async function deleteAlias(name: string): Promise<AliasView> {
  const alias = await findAlias(name);
  if (!alias) throw aliasNotFound();
  const db = await getDb();
  const { count } = await db.modelAlias.deleteMany({ where: { name } });
  if (count === 0) throw aliasNotFound();
  return alias;
}
