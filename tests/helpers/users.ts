import { randomBytes } from "node:crypto";
import type { SessionUser } from "@/lib/auth";
import { createUser } from "@/lib/db/users";

/** A real user row, and the session user the routes would see for it. */
export async function makeUser(prefix = "u"): Promise<SessionUser> {
  const id = randomBytes(4).toString("hex");
  const user = await createUser({ email: `${prefix}-${id}@example.com`, name: `${prefix} ${id}`, passwordHash: null });
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}
