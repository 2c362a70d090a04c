import "server-only";
import { z } from "zod";
import { getDb } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/log";
import { getApiAccessEnabled } from "./access";
import { hashApiKey, sameHash } from "./secret";

// The one way into /api/v1: `Authorization: Bearer <personal key>`. No other header, no query
// string, no cookie. The presented text is hashed whole and looked up by that hash, so a wrong
// key costs the same work however much of it matches a real one, and every refusal of a key
// (unknown, malformed, revoked, expired, its owner disabled) is the same 401 sentence.

export type ApiCaller = {
  userId: string;
  /** When the key was last recorded as used (see {@link recordKeyUse}). */
  lastUsedAt: Date | null;
  key: {
    id: string;
    name: string;
    /** Catalog ids or alias names; empty = every model. */
    allowedModels: string[];
    monthlyCapNano: bigint | null;
    requestsPerMinute: number | null;
    tokensPerMinute: number | null;
    keepLog: boolean;
  };
};

/** lastUsedAt is written at most this often per key: a key in a loop must not write a row per call. */
const LAST_USED_EVERY_MS = 60_000;
/** Longest Authorization value looked at; anything longer is not a key (and is not hashed). */
const MAX_AUTHORIZATION_CHARS = 512;
const storedModels = z.array(z.string()).catch([]);

export function invalidApiKey(): AppError {
  return new AppError("unauthorized:api_key", "Invalid API key. Send a personal key as 'Authorization: Bearer <key>'.");
}

/** The bearer token, or null when the header is absent or not exactly `Bearer <token>`. */
export function bearerToken(headers: Headers): string | null {
  const value = headers.get("authorization");
  if (!value || value.length > MAX_AUTHORIZATION_CHARS) return null;
  const match = /^Bearer ([\x21-\x7e]+)$/i.exec(value.trim());
  return match?.[1] ?? null;
}

/**
 * The key's owner and settings, or an AppError: 401 for anything that is not a live key of an
 * enabled account, 403 when an administrator has turned API access off.
 */
export async function authenticateApiKey(headers: Headers, now = new Date()): Promise<ApiCaller> {
  const token = bearerToken(headers);
  // Hashed even when absent, so a missing header and a wrong key cost alike.
  const hash = hashApiKey(token ?? "");
  const db = await getDb();
  const row = await db.apiKey.findUnique({
    where: { hash },
    select: {
      id: true,
      userId: true,
      name: true,
      hash: true,
      allowedModels: true,
      monthlyCapNano: true,
      requestsPerMinute: true,
      tokensPerMinute: true,
      keepLog: true,
      expiresAt: true,
      revokedAt: true,
      lastUsedAt: true,
      user: { select: { disabled: true } },
    },
  });
  if (!token || !row || !sameHash(row.hash, hash)) throw invalidApiKey();
  if (row.revokedAt !== null || (row.expiresAt !== null && row.expiresAt <= now) || row.user.disabled) throw invalidApiKey();
  if (!(await getApiAccessEnabled())) {
    throw new AppError("forbidden:api_access", "API access is turned off for this Switchboard. Ask an administrator.");
  }
  return {
    userId: row.userId,
    lastUsedAt: row.lastUsedAt,
    key: {
      id: row.id,
      name: row.name,
      allowedModels: storedModels.parse(row.allowedModels),
      monthlyCapNano: row.monthlyCapNano,
      requestsPerMinute: row.requestsPerMinute,
      tokensPerMinute: row.tokensPerMinute,
      keepLog: row.keepLog,
    },
  };
}

const lastWritten = globalThis as unknown as { __sbKeyUse?: Map<string, number> };

/**
 * Records the key's use once a call is accepted (a refused one changes nothing), at most once a
 * minute per key, without holding up the request.
 */
export function recordKeyUse(caller: ApiCaller, now = new Date()): void {
  const keyId = caller.key.id;
  const lastUsedAt = caller.lastUsedAt;
  const written = (lastWritten.__sbKeyUse ??= new Map());
  const last = Math.max(written.get(keyId) ?? 0, lastUsedAt?.getTime() ?? 0);
  if (now.getTime() - last < LAST_USED_EVERY_MS) return;
  written.set(keyId, now.getTime());
  if (written.size > 10_000) written.clear();
  void (async () => {
    const db = await getDb();
    // Conditional, so instances racing on one key write it once a minute between them.
    await db.apiKey.updateMany({
      where: { id: keyId, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(now.getTime() - LAST_USED_EVERY_MS) } }] },
      data: { lastUsedAt: now },
    });
  })().catch((error: unknown) =>
    logger().warn({ keyId, error: error instanceof Error ? error.message : String(error) }, "could not record a key's last use"),
  );
}
