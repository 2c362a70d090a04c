import "server-only";
import { getDb } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { usdToNano } from "@/lib/money";
import { z } from "zod";
import type { AdminApiKeyView, ApiKeyView, CreateApiKeyBody } from "./schemas";
import { generateApiKeySecret } from "./secret";

// A user's personal API keys: created with their value shown once, listed by prefix, revoked.
// Every query names the owner, so someone else's key is "not found". A revoked key stays listed
// (its spend keeps its name) and never works again.

/** Keys a user may hold that are not revoked: enough for every script and editor, bounded. */
export const MAX_LIVE_KEYS_PER_USER = 50;

const apiKeySelect = {
  id: true,
  name: true,
  prefix: true,
  allowedModels: true,
  monthlyCapNano: true,
  keepLog: true,
  requestsPerMinute: true,
  tokensPerMinute: true,
  expiresAt: true,
  lastUsedAt: true,
  revokedAt: true,
  createdAt: true,
} as const;

type ApiKeyRow = {
  id: string;
  name: string;
  prefix: string;
  allowedModels: unknown;
  monthlyCapNano: bigint | null;
  keepLog: boolean;
  requestsPerMinute: number | null;
  tokensPerMinute: number | null;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
};

const storedModels = z.array(z.string()).catch([]);

/** A key's allow-list as stored (a JSON array); empty = every model. */
export function allowedModelsOf(value: unknown): string[] {
  return storedModels.parse(value);
}

function toView(row: ApiKeyRow): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    allowedModels: allowedModelsOf(row.allowedModels),
    monthlyCapNano: row.monthlyCapNano === null ? null : row.monthlyCapNano.toString(),
    keepLog: row.keepLog,
    requestsPerMinute: row.requestsPerMinute,
    tokensPerMinute: row.tokensPerMinute,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

const keyNotFound = () => new AppError("not_found:api_key", "No such API key.");

/** Creates a key and returns its whole value: the only time it exists outside the caller's hands. */
export async function createApiKey(userId: string, body: CreateApiKeyBody): Promise<{ key: string; apiKey: ApiKeyView }> {
  const db = await getDb();
  const live = await db.apiKey.count({ where: { userId, revokedAt: null } });
  if (live >= MAX_LIVE_KEYS_PER_USER) {
    throw new AppError("conflict:api_key", `You already have ${MAX_LIVE_KEYS_PER_USER} API keys; revoke one you no longer use first.`);
  }
  const secret = generateApiKeySecret();
  const row = await db.apiKey.create({
    data: {
      userId,
      name: body.name,
      prefix: secret.prefix,
      hash: secret.hash,
      allowedModels: [...new Set(body.allowedModels ?? [])],
      monthlyCapNano: body.monthlyCapUsd ? usdToNano(body.monthlyCapUsd) : null,
      keepLog: body.keepLog ?? false,
      requestsPerMinute: body.requestsPerMinute ?? null,
      tokensPerMinute: body.tokensPerMinute ?? null,
      expiresAt: body.expiresAt ? new Date(body.expiresAt) : null,
    },
    select: apiKeySelect,
  });
  return { key: secret.key, apiKey: toView(row) };
}

/** The user's keys, newest first, revoked ones included. */
export async function listApiKeys(userId: string): Promise<ApiKeyView[]> {
  const db = await getDb();
  const rows = await db.apiKey.findMany({ where: { userId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], select: apiKeySelect });
  return rows.map(toView);
}

/** One of the user's keys, or not_found. */
export async function getApiKey(userId: string, id: string): Promise<ApiKeyView> {
  const db = await getDb();
  const row = await db.apiKey.findFirst({ where: { id, userId }, select: apiKeySelect });
  if (!row) throw keyNotFound();
  return toView(row);
}

/** Revokes one of the user's keys. Revoking a revoked key keeps its first revocation time. */
export async function revokeApiKey(userId: string, id: string): Promise<ApiKeyView> {
  const db = await getDb();
  await db.apiKey.updateMany({ where: { id, userId, revokedAt: null }, data: { revokedAt: new Date() } });
  return getApiKey(userId, id);
}

// ---- admin -----------------------------------------------------------------------------------

/** Every key on the instance with its owner, newest first (admin only: the caller checks the role). */
export async function adminListApiKeys(): Promise<AdminApiKeyView[]> {
  const db = await getDb();
  const rows = await db.apiKey.findMany({
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: { ...apiKeySelect, userId: true, user: { select: { email: true } } },
  });
  return rows.map((row) => ({ ...toView(row), userId: row.userId, userEmail: row.user.email }));
}

/** Revokes any user's key (admin only: the caller checks the role). */
export async function adminRevokeApiKey(id: string): Promise<AdminApiKeyView> {
  const db = await getDb();
  await db.apiKey.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
  const row = await db.apiKey.findUnique({ where: { id }, select: { ...apiKeySelect, userId: true, user: { select: { email: true } } } });
  if (!row) throw keyNotFound();
  return { ...toView(row), userId: row.userId, userEmail: row.user.email };
}
