import "server-only";
import { clientAddress } from "@/lib/http/client-address";
import { configuredTrustedProxies } from "@/lib/http/trusted-proxies";
import { countUsers, createUser, type PublicUser } from "@/lib/db/users";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { hit } from "@/lib/rate-limit";
import { auth } from "./index";
import { hashPassword } from "./password";

const REGISTRATION_WINDOW_MS = 60 * 60 * 1000;

/**
 * Open registration lets anyone create an account; closed registration (the default) lets only
 * an admin (signed in) create one, except for the very first account, which becomes the admin.
 *
 * Every attempt but an admin's counts against SWITCHBOARD_REGISTRATIONS_PER_HOUR for the client
 * address, before anything else is looked at: a script cannot mint accounts (or, with open
 * registration, probe which emails have one) faster than that. When registration is closed a
 * refused visitor learns nothing about existing accounts: the refusal comes before the email
 * is looked up.
 */
export async function registerAccount(input: { name: string; email: string; password: string }, clientAddress: string): Promise<PublicUser> {
  const env = getEnv();
  const isAdmin = (await auth())?.user?.role === "admin";
  if (!isAdmin) {
    const limit = env.SWITCHBOARD_REGISTRATIONS_PER_HOUR;
    const result = await hit(`register:${clientAddress}`, limit, REGISTRATION_WINDOW_MS);
    if (!result.allowed) {
      throw new AppError(
        "rate_limited:register",
        `Too many accounts were requested from your network: ${limit} an hour. Try again in ${Math.ceil(result.retryAfterSeconds / 60)} min.`,
        { retryAfter: result.retryAfterSeconds },
      );
    }
  }
  if (env.SWITCHBOARD_REGISTRATION === "closed" && !isAdmin && (await countUsers()) > 0) {
    throw new AppError("forbidden:register", "Registration is closed. Ask an administrator for an account.");
  }
  return createUser({ name: input.name, email: input.email, passwordHash: await hashPassword(input.password) });
}

/** The address a registration is counted against: the client as the trusted proxies let us see it. */
export function registrationAddress(headers: Headers): string {
  return clientAddress(headers, configuredTrustedProxies());
}
