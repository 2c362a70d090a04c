import "server-only";
import type { NextAuthConfig } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import GitHub from "next-auth/providers/github";
import Google from "next-auth/providers/google";
import type { Provider } from "next-auth/providers";
import { getEnv } from "@/lib/env";
import { logger } from "@/lib/log";
import { createAuthSession, findLiveSessionUser, findUserForSignIn, revokeAuthSession, upsertOAuthUser, normalizeEmail } from "@/lib/db/users";
import { credentialsSchema } from "./schemas";
import { verifyPassword } from "./password";
import { safeRedirectPath } from "@/lib/http";
import { clientAddress } from "@/lib/http/client-address";
import { configuredTrustedProxies } from "@/lib/http/trusted-proxies";
import { beginSignInAttempt, recordSignInSuccess } from "./brute-force";

const SESSION_MAX_AGE = 30 * 24 * 60 * 60;

declare module "next-auth" {
  interface Session {
    user: { id: string; email: string; name: string; role: "user" | "admin" };
  }
  interface User {
    role?: "user" | "admin";
  }
}

declare module "@auth/core/jwt" {
  interface JWT {
    uid?: string;
    sid?: string;
    role?: "user" | "admin";
  }
}

/** The providers switched on by this environment: credentials always, OAuth when configured. */
export function configuredProviders(): Provider[] {
  const env = getEnv();
  const providers: Provider[] = [
    Credentials({
      credentials: { email: {}, password: {} },
      async authorize(raw, request) {
        const parsed = credentialsSchema.safeParse(raw);
        if (!parsed.success) return null;
        const email = normalizeEmail(parsed.data.email);
        // Counted before the (slow) password check, so parallel guesses cannot outrun the limit.
        const attempt = await beginSignInAttempt(email, clientAddress(request.headers, configuredTrustedProxies()));
        if (!attempt) return null;
        const user = await findUserForSignIn(email);
        const ok = await verifyPassword(parsed.data.password, user?.passwordHash);
        if (!user || !ok || user.disabled) return null;
        await recordSignInSuccess(attempt);
        return { id: user.id, email: user.email, name: user.name, role: user.role };
      },
    }),
  ];
  if (env.AUTH_GITHUB_ID && env.AUTH_GITHUB_SECRET) {
    providers.push(GitHub({ clientId: env.AUTH_GITHUB_ID, clientSecret: env.AUTH_GITHUB_SECRET }));
  }
  if (env.AUTH_GOOGLE_ID && env.AUTH_GOOGLE_SECRET) {
    providers.push(Google({ clientId: env.AUTH_GOOGLE_ID, clientSecret: env.AUTH_GOOGLE_SECRET }));
  }
  return providers;
}

export function buildAuthConfig(): NextAuthConfig {
  const env = getEnv();
  return {
    secret: env.authSecret,
    trustHost: true,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE },
    pages: { signIn: "/sign-in" },
    providers: configuredProviders(),
    logger: {
      // Auth.js logs CredentialsSignin as an error on every wrong password; that is expected.
      error(error) {
        if (error.name !== "CredentialsSignin") logger().error({ error: `${error.name}: ${error.message}` }, "sign-in error");
      },
      warn() {},
    },
    callbacks: {
      // Every callbackUrl Auth.js takes (the sign-in and callback routes' query, form field and
      // cookie, and signIn's redirectTo) ends here: a normalised path on this site, or the home page.
      redirect({ url, baseUrl }) {
        return `${baseUrl}${safeRedirectPath(url, "/", baseUrl)}`;
      },
      async signIn({ user, account }) {
        if (!account || account.provider === "credentials") return true;
        if (!user.email) return false;
        if (getEnv().SWITCHBOARD_REGISTRATION === "closed") {
          const existing = await findUserForSignIn(user.email);
          if (!existing) return false;
        }
        return true;
      },
      async jwt({ token, user, account }) {
        if (user && account) {
          // A fresh sign-in: resolve our user and open a server-side session row.
          let userId = user.id;
          let role = user.role ?? "user";
          if (account.provider !== "credentials") {
            const linked = await upsertOAuthUser({
              provider: account.provider,
              providerAccountId: account.providerAccountId,
              email: user.email ?? "",
              name: user.name ?? user.email ?? "User",
            });
            if (linked.disabled) return null;
            userId = linked.id;
            role = linked.role;
          }
          if (!userId) return null;
          token.uid = userId;
          token.role = role;
          token.sid = await createAuthSession(userId, SESSION_MAX_AGE);
          return token;
        }
        // Every later use: the session row must be live and the account enabled.
        if (!token.uid || !token.sid) return null;
        const live = await findLiveSessionUser(token.sid, token.uid);
        if (!live) return null;
        token.role = live.role;
        token.name = live.name;
        token.email = live.email;
        return token;
      },
      async session({ session, token }) {
        session.user = {
          ...session.user,
          id: token.uid ?? "",
          role: token.role ?? "user",
          name: token.name ?? "",
          email: token.email ?? "",
        };
        return session;
      },
    },
    events: {
      async signOut(message) {
        const token = "token" in message ? message.token : null;
        if (token?.sid) await revokeAuthSession(token.sid);
      },
    },
  };
}
