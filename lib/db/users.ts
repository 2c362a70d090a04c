import "server-only";
import { AppError } from "@/lib/errors";
import { isUniqueViolation } from "./errors";
import { getDatabase, getDb } from "./index";

export type UserRole = "user" | "admin";

export type PublicUser = {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  disabled: boolean;
};

const publicSelect = { id: true, email: true, name: true, role: true, disabled: true } as const;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function findUserForSignIn(email: string) {
  const db = await getDb();
  return db.user.findUnique({
    where: { email: normalizeEmail(email) },
    select: { ...publicSelect, passwordHash: true },
  });
}

/**
 * Creates a user. The first account becomes admin: the count and the insert run under
 * one transaction-scoped advisory lock, so two simultaneous first sign-ups cannot both win.
 */
export async function createUser(input: { email: string; name: string; passwordHash: string | null; role?: UserRole }): Promise<PublicUser> {
  const db = await getDb();
  const { kind } = await getDatabase();
  try {
    return await db.$transaction(async (tx) => {
      if (kind === "postgres") await tx.$executeRaw`SELECT pg_advisory_xact_lock(727275)`;
      const role: UserRole = input.role ?? ((await tx.user.count()) === 0 ? "admin" : "user");
      return tx.user.create({
        data: { email: normalizeEmail(input.email), name: input.name, passwordHash: input.passwordHash, role },
        select: publicSelect,
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AppError("conflict:register", "An account with this email already exists.");
    }
    throw error;
  }
}

export async function countUsers(): Promise<number> {
  return (await getDb()).user.count();
}

/** Links an OAuth identity to a user, creating the user on first sign-in. */
export async function upsertOAuthUser(input: { provider: string; providerAccountId: string; email: string; name: string }): Promise<PublicUser> {
  const db = await getDb();
  const linked = await db.oAuthAccount.findUnique({
    where: { provider_providerAccountId: { provider: input.provider, providerAccountId: input.providerAccountId } },
    select: { user: { select: publicSelect } },
  });
  if (linked) return linked.user;
  const existing = await db.user.findUnique({ where: { email: normalizeEmail(input.email) }, select: publicSelect });
  const user = existing ?? (await createUser({ email: input.email, name: input.name, passwordHash: null }));
  await db.oAuthAccount.create({
    data: { provider: input.provider, providerAccountId: input.providerAccountId, userId: user.id },
  });
  return user;
}

export async function createAuthSession(userId: string, maxAgeSeconds: number): Promise<string> {
  const db = await getDb();
  const row = await db.authSession.create({
    data: { userId, expiresAt: new Date(Date.now() + maxAgeSeconds * 1000) },
    select: { id: true },
  });
  return row.id;
}

/** The session's user when the session is live and the account enabled, else null. */
export async function findLiveSessionUser(sessionId: string, userId: string): Promise<PublicUser | null> {
  const db = await getDb();
  // Runs on every authenticated request: plain SQL skips the query compiler's per-call work.
  const rows = await db.$queryRaw<PublicUser[]>`
    SELECT u."id", u."email", u."name", u."role"::text AS "role", u."disabled"
    FROM "AuthSession" s JOIN "User" u ON u."id" = s."userId"
    WHERE s."id" = ${sessionId} AND s."userId" = ${userId} AND s."revokedAt" IS NULL
      AND s."expiresAt" > ${new Date()} AND u."disabled" = false`;
  return rows[0] ?? null;
}

export async function revokeAuthSession(sessionId: string): Promise<void> {
  const db = await getDb();
  await db.authSession.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: new Date() } });
}

export async function revokeAllSessionsOfUser(userId: string): Promise<void> {
  const db = await getDb();
  await db.authSession.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: new Date() } });
}
