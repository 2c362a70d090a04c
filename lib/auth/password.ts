import "server-only";
import bcrypt from "bcryptjs";

// bcryptjs: maintained, pure JS (no native build or install script on these machines).
const COST = 11;

// Compared against when the email is unknown, so an unknown email costs the same time
// as a wrong password and sign-in does not reveal which emails have accounts.
const DUMMY_HASH = bcrypt.hashSync("switchboard-timing-equaliser", COST);

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, COST);
}

export async function verifyPassword(password: string, hash: string | null | undefined): Promise<boolean> {
  const ok = await bcrypt.compare(password, hash ?? DUMMY_HASH);
  return ok && Boolean(hash);
}
