// Sign-in limits (lib/auth/brute-force.ts): attempts are counted when they start, so a burst of
// parallel guesses cannot get past the limit while the first ones are still being hashed.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { beginSignInAttempt, MAX_FAILURES_PER_ACCOUNT, MAX_FAILURES_PER_IP, recordSignInSuccess } from "@/lib/auth/brute-force";

const fresh = (prefix: string) => `${prefix}-${randomBytes(5).toString("hex")}`;

describe("sign-in brute-force limits", () => {
  it("lets exactly the allowed number of a parallel burst through, per account", async () => {
    const email = `${fresh("burst")}@example.com`;
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => beginSignInAttempt(email, `10.0.${i}.1`)));
    expect(results.filter(Boolean)).toHaveLength(MAX_FAILURES_PER_ACCOUNT);
    // Locked: the next one is refused before any password check, whatever the address.
    expect(await beginSignInAttempt(email, "10.9.9.9")).toBe(false);
  });

  it("a success starts the account afresh", async () => {
    const email = `${fresh("ok")}@example.com`;
    const ip = fresh("ip");
    for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT - 1; i++) expect(await beginSignInAttempt(email, ip)).toBe(true);
    expect(await beginSignInAttempt(email, ip)).toBe(true);
    await recordSignInSuccess(email, ip);
    for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT; i++) expect(await beginSignInAttempt(email, ip)).toBe(true);
  });

  it("limits an address across accounts, but successes do not use up an office's shared address", async () => {
    const ip = fresh("office");
    // Many colleagues signing in successfully from one address.
    for (let i = 0; i < MAX_FAILURES_PER_IP * 2; i++) {
      const email = `${fresh("colleague")}@example.com`;
      expect(await beginSignInAttempt(email, ip)).toBe(true);
      await recordSignInSuccess(email, ip);
    }
    // An attacker spraying many accounts from one address.
    const attacker = fresh("attacker");
    const results: boolean[] = [];
    for (let i = 0; i < MAX_FAILURES_PER_IP + 5; i++) results.push(await beginSignInAttempt(`${fresh("victim")}@example.com`, attacker));
    expect(results.filter(Boolean)).toHaveLength(MAX_FAILURES_PER_IP);
    // A genuine account from that address is refused too; from another address it is not.
    const genuine = `${fresh("genuine")}@example.com`;
    expect(await beginSignInAttempt(genuine, attacker)).toBe(false);
    expect(await beginSignInAttempt(genuine, fresh("elsewhere"))).toBe(true);
  });
});
