import "server-only";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { countUsers, createUser, type PublicUser } from "@/lib/db/users";
import { auth } from "./index";
import { hashPassword } from "./password";

/**
 * Open registration lets anyone create an account; closed registration lets only an admin
 * (signed in) create one, except for the very first account, which becomes the admin.
 */
export async function registerAccount(input: { name: string; email: string; password: string }): Promise<PublicUser> {
  if (getEnv().SWITCHBOARD_REGISTRATION === "closed" && (await countUsers()) > 0) {
    const session = await auth();
    if (session?.user?.role !== "admin") {
      throw new AppError("forbidden:register", "Registration is closed. Ask an administrator for an account.");
    }
  }
  return createUser({ name: input.name, email: input.email, passwordHash: await hashPassword(input.password) });
}
