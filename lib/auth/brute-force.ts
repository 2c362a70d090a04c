import "server-only";
import { counters } from "@/lib/rate-limit";

// Sign-in brute-force limits: failed attempts per account and per client address in a window.
//
// An attempt is counted when it starts, before the password is checked, and given back when it
// succeeds. Counting only finished failures would let a burst of parallel guesses all pass the
// check while the first of them are still hashing (bcrypt takes a while on purpose), so an
// attacker could try far more than the limit at once.
export const SIGN_IN_WINDOW_MS = 15 * 60 * 1000;
export const MAX_FAILURES_PER_ACCOUNT = 10;
export const MAX_FAILURES_PER_IP = 50;

const accountKey = (email: string) => `signin:acct:${email}`;
const addressKey = (ip: string) => `signin:ip:${ip}`;

/**
 * Counts a sign-in attempt for the account and the address; false when either is over its
 * limit (the attempt must then be refused without checking the password, even a right one).
 * A refused attempt stays counted, so hammering a locked account keeps it locked.
 */
export async function beginSignInAttempt(email: string, ip: string): Promise<boolean> {
  const [account, address] = await Promise.all([
    counters().increment(accountKey(email), SIGN_IN_WINDOW_MS),
    counters().increment(addressKey(ip), SIGN_IN_WINDOW_MS),
  ]);
  return account.count <= MAX_FAILURES_PER_ACCOUNT && address.count <= MAX_FAILURES_PER_IP;
}

/** A right password: the account starts afresh, and the address gets its attempt back. */
export async function recordSignInSuccess(email: string, ip: string): Promise<void> {
  await counters().reset(accountKey(email));
  const address = await counters().peek(addressKey(ip));
  if (address && address.count > 0) await counters().increment(addressKey(ip), SIGN_IN_WINDOW_MS, -1);
}
