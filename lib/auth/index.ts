import "server-only";
import { headers } from "next/headers";
import NextAuth from "next-auth";
import { findLiveSessionUser } from "@/lib/db/users";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { buildAuthConfig } from "./config";
import { hasSecureSessionCookie, readSessionCookie } from "./session-cookie";

// Lazily configured: the secret and providers come from the validated env at request time,
// never at build time.
export const { handlers, auth, signIn, signOut } = NextAuth(() => buildAuthConfig());

export type SessionUser = { id: string; email: string; name: string; role: "user" | "admin" };

/** The signed-in user, or an `unauthorized:auth` error. Call first in every route and action. */
export async function requireUser(): Promise<SessionUser> {
  const user = await sessionUser();
  if (!user) throw new AppError("unauthorized:auth", "Sign in to continue.");
  return user;
}

/**
 * The session cookie's user when its server-side session row is live and the account enabled —
 * the check the `jwt` callback makes — without the rest of `auth()`: that also runs the
 * callbacks and encrypts and sets the cookie again on every request (about 3 ms of CPU a request, measured by `npm run bench -- --only=ttft`),
 * which changes nothing here, because a session ends when its row expires, 30 days after sign-in.
 */
async function sessionUser(): Promise<SessionUser | null> {
  const cookie = (await headers()).get("cookie");
  const claims = await readSessionCookie(cookie, getEnv().authSecret, hasSecureSessionCookie(cookie));
  if (!claims?.sid) return null;
  const live = await findLiveSessionUser(claims.sid, claims.uid);
  return live ? { id: live.id, email: live.email, name: live.name, role: live.role } : null;
}

export async function requireAdmin(): Promise<SessionUser> {
  const user = await requireUser();
  if (user.role !== "admin") throw new AppError("forbidden:admin", "Only an administrator can do this.");
  return user;
}
