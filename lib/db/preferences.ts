import "server-only";
import type { Prisma } from "@/lib/generated/prisma/client";
import { routingSettingsSchema, type ModelPreferences, type RoutingSettings } from "@/lib/chat/types";
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
  };
}

export async function getModelPreferences(userId: string, fallbackModel: string): Promise<ModelPreferences> {
  const db = await getDb();
  const user = await db.user.findUnique({ where: { id: userId }, select: { preferences: true } });
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
  patch: { defaultModel?: string; favoriteModels?: string[]; defaultRouting?: RoutingSettings | null },
): Promise<ModelPreferences> {
  return updatePreferences(userId, fallbackModel, (current) => ({
    ...current,
    ...(patch.defaultModel ? { defaultModel: patch.defaultModel } : {}),
    ...(patch.favoriteModels ? { favoriteModels: [...new Set(patch.favoriteModels)] } : {}),
    ...(patch.defaultRouting !== undefined ? { defaultRouting: patch.defaultRouting } : {}),
  }));
}

export function rememberRecentModel(userId: string, fallbackModel: string, model: string): Promise<ModelPreferences> {
  return updatePreferences(userId, fallbackModel, (current) => ({
    ...current,
    recentModels: [model, ...current.recentModels.filter((m) => m !== model)].slice(0, MAX_RECENT),
  }));
}
