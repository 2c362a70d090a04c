import { getToken } from "next-auth/jwt";

// Reading the Auth.js session cookie: which name it has, and what it says. Shared by the proxy
// and `requireUser`; free of server-only imports for the proxy.

const SESSION_COOKIE = "authjs.session-token";

/**
 * True when the request carries the https-only session cookie (possibly split into chunks).
 * Auth.js names it `__Secure-…` when it sets it over https, and browsers keep such a cookie only
 * from https, so its presence says the browser is on https — also behind a proxy that ends TLS,
 * where the request's own URL may read http.
 */
export function hasSecureSessionCookie(cookieHeader: string | null): boolean {
  return cookieHeader?.includes(`__Secure-${SESSION_COOKIE}`) ?? false;
}

export type SessionClaims = { uid: string; sid: string | null };

/**
 * Cookies decoded lately. Decrypting the token (key derivation and AES-GCM) costs about half a
 * millisecond, twice a request (the proxy, then the route) — a tenth of the app's time before a
 * first token. The same cookie header always decodes to the same claims, so a valid one is kept
 * until its token expires or for a few minutes. Only cookies that decoded are kept (a stranger
 * cannot fill this with junk), and the session row is still checked on every request.
 */
const decoded = new Map<string, { claims: SessionClaims; until: number }>();
const MAX_DECODED = 2_000;
const KEEP_DECODED_MS = 5 * 60_000;

/** The session cookie's claims when it decodes and has not expired; null otherwise. */
export async function readSessionCookie(cookieHeader: string | null, secret: string, secureCookie: boolean): Promise<SessionClaims | null> {
  if (!cookieHeader) return null;
  const key = `${secureCookie ? "s" : "p"} ${secret} ${cookieHeader}`;
  const now = Date.now();
  const known = decoded.get(key);
  if (known && known.until > now) return known.claims;
  if (known) decoded.delete(key);

  // The cookie header alone: a session is a cookie here, never an Authorization header.
  const token = await getToken({ req: { headers: { cookie: cookieHeader } }, secret, secureCookie });
  if (typeof token?.uid !== "string") return null;
  const claims: SessionClaims = { uid: token.uid, sid: typeof token.sid === "string" ? token.sid : null };
  const expires = typeof token.exp === "number" ? token.exp * 1000 : now;
  if (expires > now) {
    if (decoded.size >= MAX_DECODED) decoded.delete(decoded.keys().next().value!);
    decoded.set(key, { claims, until: Math.min(expires, now + KEEP_DECODED_MS) });
  }
  return claims;
}
