import "server-only";
import { addressBucket } from "@/lib/http/client-address";
import { counters } from "@/lib/rate-limit";

// Sign-in brute-force limits, in fixed 15-minute windows (a refused attempt never extends one).
//
// The lock an attacker can trigger must not keep the account's owner out, so it is keyed on the
// account *and* the client address: 10 failures lock that account from that address only, and
// hammering the admin's email from elsewhere leaves the admin's own address alone. Against
// guessing spread over many addresses, the account also has a ceiling of 100 failures per window
// across addresses; it does not apply from an address where the account signed in successfully
// in the last 30 days, so even a sustained distributed attack cannot lock the owner out of their
// usual place (a new device then has to wait for a quiet window). Each address has its own limit
// across accounts (password spraying). IPv6 addresses count by their /64.
//
// An attempt is counted when it starts, before the password is checked, and given back when it
// succeeds. Counting only finished failures would let a burst of parallel guesses all pass the
// check while the first of them are still hashing (bcrypt takes a while on purpose), so an
// attacker could try far more than the limit at once.
export const SIGN_IN_WINDOW_MS = 15 * 60 * 1000;
export const MAX_FAILURES_PER_ACCOUNT_ADDRESS = 10;
export const MAX_FAILURES_PER_ACCOUNT = 100;
export const MAX_FAILURES_PER_IP = 50;
export const KNOWN_ADDRESS_MS = 30 * 24 * 60 * 60 * 1000;

const pairKey = (email: string, bucket: string) => `signin:pair:${bucket}:${email}`;
const accountKey = (email: string) => `signin:acct:${email}`;
const addressKey = (bucket: string) => `signin:ip:${bucket}`;
const knownKey = (email: string, bucket: string) => `signin:known:${bucket}:${email}`;

/** A sign-in attempt that was let through to the password check. */
export type SignInAttempt = { email: string; bucket: string; countedForAccount: boolean };

/**
 * Counts a sign-in attempt; null when a limit is reached (the attempt must then be refused
 * without checking the password, even a right one). Checked in order — this account from this
 * address, this address, then the account's ceiling unless the address is known — and an attempt
 * refused at one step is not counted by the later ones, so one address hammering one account
 * cannot use up the account's ceiling.
 */
export async function beginSignInAttempt(email: string, ip: string): Promise<SignInAttempt | null> {
  const bucket = addressBucket(ip);
  const store = counters();
  if ((await store.increment(pairKey(email, bucket), SIGN_IN_WINDOW_MS)).count > MAX_FAILURES_PER_ACCOUNT_ADDRESS) return null;
  if ((await store.increment(addressKey(bucket), SIGN_IN_WINDOW_MS)).count > MAX_FAILURES_PER_IP) return null;
  const known = (await store.peek(knownKey(email, bucket))) !== undefined;
  if (!known && (await store.increment(accountKey(email), SIGN_IN_WINDOW_MS)).count > MAX_FAILURES_PER_ACCOUNT) return null;
  return { email, bucket, countedForAccount: !known };
}

/**
 * A right password: the account starts afresh from this address, the address and the account's
 * ceiling get their attempt back (the ceiling is not reset: guesses from elsewhere still count),
 * and the address is known for this account for the next 30 days.
 */
export async function recordSignInSuccess(attempt: SignInAttempt): Promise<void> {
  const store = counters();
  await store.reset(pairKey(attempt.email, attempt.bucket));
  await giveBack(addressKey(attempt.bucket));
  if (attempt.countedForAccount) await giveBack(accountKey(attempt.email));
  await store.reset(knownKey(attempt.email, attempt.bucket));
  await store.increment(knownKey(attempt.email, attempt.bucket), KNOWN_ADDRESS_MS);
}

async function giveBack(key: string): Promise<void> {
  const current = await counters().peek(key);
  if (current && current.count > 0) await counters().increment(key, SIGN_IN_WINDOW_MS, -1);
}
