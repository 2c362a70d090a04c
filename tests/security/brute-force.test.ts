// Sign-in limits (lib/auth/brute-force.ts) and the address they are keyed on
// (lib/http/client-address.ts): attempts are counted when they start, so a burst of parallel
// guesses cannot get past the limit while the first ones are still being hashed; a lock is per
// account and address, so an attacker cannot keep the owner out; and the address is the socket's
// peer unless a configured proxy vouches for X-Forwarded-For.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  beginSignInAttempt,
  MAX_FAILURES_PER_ACCOUNT,
  MAX_FAILURES_PER_ACCOUNT_ADDRESS,
  MAX_FAILURES_PER_IP,
  recordSignInSuccess,
  type SignInAttempt,
} from "@/lib/auth/brute-force";
import { clientAddress, PEER_HEADER, trustedProxies, UNKNOWN_ADDRESS } from "@/lib/http/client-address";

const fresh = (prefix: string) => `${prefix}-${randomBytes(5).toString("hex")}`;
const freshIp = () => `10.${randomBytes(1)[0]}.${randomBytes(1)[0]}.${randomBytes(1)[0]}`;
const letThrough = (results: (SignInAttempt | null)[]) => results.filter((r) => r !== null).length;

/** The headers a request arrives with: the socket's peer as stamped, and what the client wrote. */
const arriving = (peer: string, forwardedFor?: string) =>
  new Headers({ [PEER_HEADER]: peer, ...(forwardedFor === undefined ? {} : { "x-forwarded-for": forwardedFor }) });

describe("the client address sign-in limits are keyed on", () => {
  it("is the socket's peer when no proxy is configured, whatever X-Forwarded-For says", () => {
    const none = trustedProxies([]);
    expect(clientAddress(arriving("203.0.113.5"), none)).toBe("203.0.113.5");
    expect(clientAddress(arriving("203.0.113.5", "198.51.100.1"), none)).toBe("203.0.113.5");
    expect(clientAddress(arriving("::ffff:203.0.113.5", "1.1.1.1, 2.2.2.2"), none)).toBe("203.0.113.5");
    // No stamp (the request never passed the server's socket hook): one shared bucket, never the header.
    expect(clientAddress(new Headers({ "x-forwarded-for": "198.51.100.1" }), none)).toBe(UNKNOWN_ADDRESS);
    expect(clientAddress(arriving("not-an-address", "198.51.100.1"), none)).toBe(UNKNOWN_ADDRESS);
  });

  it("is read from the right of X-Forwarded-For past the trusted proxies only", () => {
    const proxies = trustedProxies(["10.0.0.0/8", "fd00::/8"]);
    // The proxy appended the address it saw; what the client wrote before it is ignored.
    expect(clientAddress(arriving("10.0.0.2", "6.6.6.6, 203.0.113.5"), proxies)).toBe("203.0.113.5");
    // Two proxies in a row (both trusted), then the client.
    expect(clientAddress(arriving("10.0.0.2", "6.6.6.6, 203.0.113.5, 10.0.0.9"), proxies)).toBe("203.0.113.5");
    expect(clientAddress(arriving("fd00::2", "2001:db8::7"), proxies)).toBe("2001:db8::7");
    // A peer that is not a configured proxy: its X-Forwarded-For is its own word.
    expect(clientAddress(arriving("203.0.113.5", "10.0.0.3"), proxies)).toBe("203.0.113.5");
    // Garbage right after a trusted hop: the last hop that spoke for itself.
    expect(clientAddress(arriving("10.0.0.2", "evil, 10.0.0.4"), proxies)).toBe("10.0.0.4");
  });
});

describe("sign-in brute-force limits", () => {
  it("lets exactly the allowed number of a parallel burst through, per account and address", async () => {
    const email = `${fresh("burst")}@example.com`;
    const ip = freshIp();
    const results = await Promise.all(Array.from({ length: 40 }, () => beginSignInAttempt(email, ip)));
    expect(letThrough(results)).toBe(MAX_FAILURES_PER_ACCOUNT_ADDRESS);
    // Locked from there: the next one is refused before any password check.
    expect(await beginSignInAttempt(email, ip)).toBeNull();
  });

  it("caps guesses spread over many addresses at the account's ceiling, which a known address does not feel", async () => {
    const email = `${fresh("spread")}@example.com`;
    const home = freshIp();
    const signedIn = await beginSignInAttempt(email, home);
    await recordSignInSuccess(signedIn!);
    const results = await Promise.all(Array.from({ length: MAX_FAILURES_PER_ACCOUNT + 20 }, () => beginSignInAttempt(email, freshIp())));
    expect(letThrough(results)).toBe(MAX_FAILURES_PER_ACCOUNT);
    expect(await beginSignInAttempt(email, freshIp()), "a new address waits for a quiet window").toBeNull();
    expect(await beginSignInAttempt(email, home), "the owner's usual address still gets through").not.toBeNull();
  });

  it("one address hammering one account does not use up the account's ceiling", async () => {
    const email = `${fresh("hammer")}@example.com`;
    const attacker = freshIp();
    for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT * 2; i++) await beginSignInAttempt(email, attacker);
    expect(await beginSignInAttempt(email, freshIp()), "a first-time address of the owner").not.toBeNull();
  });

  it("a success starts the account afresh from that address", async () => {
    const email = `${fresh("ok")}@example.com`;
    const ip = freshIp();
    for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT_ADDRESS - 1; i++) expect(await beginSignInAttempt(email, ip)).not.toBeNull();
    const right = await beginSignInAttempt(email, ip);
    expect(right).not.toBeNull();
    await recordSignInSuccess(right!);
    for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT_ADDRESS; i++) expect(await beginSignInAttempt(email, ip)).not.toBeNull();
  });

  it("limits an address across accounts, but successes do not use up an office's shared address", async () => {
    const ip = freshIp();
    // Many colleagues signing in successfully from one address.
    for (let i = 0; i < MAX_FAILURES_PER_IP * 2; i++) {
      const attempt = await beginSignInAttempt(`${fresh("colleague")}@example.com`, ip);
      expect(attempt).not.toBeNull();
      await recordSignInSuccess(attempt!);
    }
    // An attacker spraying many accounts from one address.
    const attacker = freshIp();
    const results: (SignInAttempt | null)[] = [];
    for (let i = 0; i < MAX_FAILURES_PER_IP + 5; i++) results.push(await beginSignInAttempt(`${fresh("victim")}@example.com`, attacker));
    expect(letThrough(results)).toBe(MAX_FAILURES_PER_IP);
    // A genuine account from that address is refused too; from another address it is not.
    const genuine = `${fresh("genuine")}@example.com`;
    expect(await beginSignInAttempt(genuine, attacker)).toBeNull();
    expect(await beginSignInAttempt(genuine, freshIp())).not.toBeNull();
  });

  it("counts an IPv6 client by its /64, so rotating the low bits gains nothing", async () => {
    const email = `${fresh("v6")}@example.com`;
    const prefix = `2001:db8:${randomBytes(2).toString("hex")}:1`;
    const results: (SignInAttempt | null)[] = [];
    for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT_ADDRESS + 5; i++)
      results.push(await beginSignInAttempt(email, `${prefix}:${i.toString(16)}::${i + 1}`));
    expect(letThrough(results)).toBe(MAX_FAILURES_PER_ACCOUNT_ADDRESS);
    expect(await beginSignInAttempt(email, `2001:db8:ffff:2::1`), "another /64").not.toBeNull();
  });
});

describe("an attacker against the admin's account", () => {
  it("cannot reset the limit with X-Forwarded-For unless it comes from a configured proxy", async () => {
    const admin = `${fresh("admin")}@example.com`;
    const none = trustedProxies([]);
    const attackerSocket = freshIp();
    const results: (SignInAttempt | null)[] = [];
    for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT_ADDRESS + 10; i++) {
      // A fresh made-up X-Forwarded-For on every guess.
      results.push(await beginSignInAttempt(admin, clientAddress(arriving(attackerSocket, `198.51.100.${i}`), none)));
    }
    expect(letThrough(results)).toBe(MAX_FAILURES_PER_ACCOUNT_ADDRESS);

    // Behind a configured proxy the proxy's appended entry counts, and the client's own entries do not.
    const proxies = trustedProxies(["10.0.0.1"]);
    const behindProxy = freshIp();
    const proxied: (SignInAttempt | null)[] = [];
    for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT_ADDRESS + 10; i++) {
      proxied.push(await beginSignInAttempt(admin, clientAddress(arriving("10.0.0.1", `198.51.100.${i}, ${behindProxy}`), proxies)));
    }
    expect(letThrough(proxied)).toBe(MAX_FAILURES_PER_ACCOUNT_ADDRESS);
  });

  it("leaves the admin able to sign in from their own address while it hammers", async () => {
    const admin = `${fresh("admin")}@example.com`;
    const adminHome = freshIp();
    const attacker = freshIp();
    const hammering = Array.from({ length: 60 }, () => beginSignInAttempt(admin, attacker));
    const own = await beginSignInAttempt(admin, adminHome);
    expect(own, "the admin's attempt reaches the password check").not.toBeNull();
    await recordSignInSuccess(own!);
    expect(letThrough(await Promise.all(hammering))).toBe(MAX_FAILURES_PER_ACCOUNT_ADDRESS);
    // Still hammering: the admin's address is not locked by it.
    for (let i = 0; i < 30; i++) expect(await beginSignInAttempt(admin, attacker)).toBeNull();
    expect(await beginSignInAttempt(admin, adminHome)).not.toBeNull();
  });
});
