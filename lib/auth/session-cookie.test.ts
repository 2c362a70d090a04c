import { encode } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import { hasSecureSessionCookie, readSessionCookie } from "./session-cookie";

const SECRET = "a-test-secret-that-is-long-enough-0123456789";
const NAME = "authjs.session-token";

async function cookieFor(claims: Record<string, unknown>, options: { secret?: string; name?: string; maxAge?: number } = {}) {
  const name = options.name ?? NAME;
  const token = await encode({ token: claims, secret: options.secret ?? SECRET, salt: name, maxAge: options.maxAge });
  return `theme=dark; ${name}=${token}`;
}

describe("readSessionCookie", () => {
  it("reads the user and session of a valid cookie, the same again from memory", async () => {
    const cookie = await cookieFor({ uid: "user-1", sid: "session-1" });
    expect(await readSessionCookie(cookie, SECRET, false)).toEqual({ uid: "user-1", sid: "session-1" });
    expect(await readSessionCookie(cookie, SECRET, false)).toEqual({ uid: "user-1", sid: "session-1" });
  });

  it("refuses a cookie sealed with another secret, also after the same cookie was read with the right one", async () => {
    const cookie = await cookieFor({ uid: "user-2", sid: "session-2" });
    expect(await readSessionCookie(cookie, SECRET, false)).not.toBeNull();
    expect(await readSessionCookie(cookie, `${SECRET}-rotated`, false)).toBeNull();
    const forged = await cookieFor({ uid: "admin", sid: "session-x" }, { secret: "someone-elses-secret-0123456789-abcdef" });
    expect(await readSessionCookie(forged, SECRET, false)).toBeNull();
  });

  it("refuses a tampered, expired, missing or wrongly named cookie", async () => {
    const cookie = await cookieFor({ uid: "user-3", sid: "session-3" });
    const tampered = cookie.slice(0, -4) + (cookie.endsWith("AAAA") ? "BBBB" : "AAAA");
    expect(await readSessionCookie(tampered, SECRET, false)).toBeNull();
    // Auth.js accepts a token up to 15 s past its expiry; a minute past is refused.
    expect(await readSessionCookie(await cookieFor({ uid: "user-3", sid: "s" }, { maxAge: -60 }), SECRET, false)).toBeNull();
    expect(await readSessionCookie(null, SECRET, false)).toBeNull();
    expect(await readSessionCookie("theme=dark", SECRET, false)).toBeNull();
    // A cookie without a user id is no session.
    expect(await readSessionCookie(await cookieFor({ sid: "session-4" }), SECRET, false)).toBeNull();
    // The https-only name is read only when the request says https, and the other way round.
    const secure = await cookieFor({ uid: "user-5", sid: "session-5" }, { name: `__Secure-${NAME}` });
    expect(hasSecureSessionCookie(secure)).toBe(true);
    expect(await readSessionCookie(secure, SECRET, true)).toEqual({ uid: "user-5", sid: "session-5" });
    expect(await readSessionCookie(secure, SECRET, false)).toBeNull();
    expect(await readSessionCookie(cookie, SECRET, true)).toBeNull();
  });

  it("reads a session without a session id as such (the caller refuses it)", async () => {
    expect(await readSessionCookie(await cookieFor({ uid: "user-6" }), SECRET, false)).toEqual({ uid: "user-6", sid: null });
  });
});
