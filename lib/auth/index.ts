import "server-only";
import NextAuth from "next-auth";
import { AppError } from "@/lib/errors";
import { buildAuthConfig } from "./config";

// Lazily configured: the secret and providers come from the validated env at request time,
// never at build time.
export const { handlers, auth, signIn, signOut } = NextAuth(() => buildAuthConfig());

export type SessionUser = { id: string; email: string; name: string; role: "user" | "admin" };

/** The signed-in user, or an `unauthorized:auth` error. Call first in every route and action. */
export async function requireUser(): Promise<SessionUser> {
  const session = await auth();
  const user = session?.user;
  if (!user?.id) throw new AppError("unauthorized:auth", "Sign in to continue.");
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}

export async function requireAdmin(): Promise<SessionUser> {
  const user = await requireUser();
  if (user.role !== "admin") throw new AppError("forbidden:admin", "Only an administrator can do this.");
  return user;
}
