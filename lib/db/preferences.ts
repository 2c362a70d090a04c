import "server-only";
import type { Prisma } from "@/lib/generated/prisma/client";
import { conversationSettingsSchema, routingSettingsSchema, type ModelPreferences, type RoutingSettings } from "@/lib/chat/types";
import { getDb } from "./index";

const MAX_RECENT = 8;

function parse(stored: Prisma.JsonValue, fallbackModel: string): ModelPreferences {
  const obj = (stored && typeof stored === "object" && !Array.isArray(stored) ? stored : {}) as Record<string, unknown>;
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
  return {
    defaultModel: typeof obj.defaultModel === "string" ? obj.defaultModel : fallbackModel,
    favoriteModels: strings(obj.favoriteModels),
    recentModels: strings(obj.recentModels),
    defaultRouting: routingSettingsSchema.safeParse(obj.defaultRouting).data ?? null,
    defaultTools: conversationSettingsSchema.shape.tools.safeParse(obj.defaultTools).data ?? null,
  };
}

export async function getModelPreferences(userId: string, fallbackModel: string): Promise<ModelPreferences> {
  const db = await getDb();
  // Plain SQL: read on every chat request (routing defaults), where the query compiler's per-call work shows.
  const [user] = await db.$queryRaw<{ preferences: Prisma.JsonValue }[]>`SELECT "preferences" FROM "User" WHERE "id" = ${userId}`;
  return parse(user?.preferences ?? {}, fallbackModel);
}

/** Read-modify-write of one user's preferences in a transaction holding their row. */
async function updatePreferences(
  userId: string,
  fallbackModel: string,
  change: (current: ModelPreferences) => ModelPreferences,
): Promise<ModelPreferences> {
  const db = await getDb();
  return db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM "User" WHERE id = ${userId} FOR UPDATE`;
    const user = await tx.user.findUnique({ where: { id: userId }, select: { preferences: true } });
    const next = change(parse(user?.preferences ?? {}, fallbackModel));
    await tx.user.update({ where: { id: userId }, data: { preferences: next as unknown as Prisma.InputJsonValue } });
    return next;
  });
}

export function saveModelPreferences(
  userId: string,
  fallbackModel: string,
  patch: { defaultModel?: string; favoriteModels?: string[]; defaultRouting?: RoutingSettings | null; defaultTools?: string[] | null },
): Promise<ModelPreferences> {
  return updatePreferences(userId, fallbackModel, (current) => ({
    ...current,
    ...(patch.defaultModel ? { defaultModel: patch.defaultModel } : {}),
    ...(patch.favoriteModels ? { favoriteModels: [...new Set(patch.favoriteModels)] } : {}),
    ...(patch.defaultRouting !== undefined ? { defaultRouting: patch.defaultRouting } : {}),
    ...(patch.defaultTools !== undefined ? { defaultTools: patch.defaultTools && [...new Set(patch.defaultTools)] } : {}),
  }));
}

export async function rememberRecentModel(userId: string, fallbackModel: string, model: string): Promise<ModelPreferences> {
  // Most messages use the model used last: a plain read then, no row lock and no write.
  const current = await getModelPreferences(userId, fallbackModel);
  if (current.recentModels[0] === model) return current;
  return updatePreferences(userId, fallbackModel, (current) => ({
    ...current,
    recentModels: [model, ...current.recentModels.filter((m) => m !== model)].slice(0, MAX_RECENT),
  }));
}
