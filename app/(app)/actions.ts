"use server";

import { signOut } from "@/lib/auth";

/** Ends the session: the server-side session row is revoked in the signOut event. */
export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: "/sign-in" });
}
