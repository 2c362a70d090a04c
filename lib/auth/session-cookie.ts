// Which name the Auth.js session cookie has in a request. Auth.js names it `__Secure-…` when it
// sets it over https, and browsers keep such a cookie only from https, so its presence says the
// browser is on https — also behind a proxy that ends TLS, where the request's own URL may
// read http. Shared by the proxy and `requireUser`; free of server-only imports for the proxy.

const SESSION_COOKIE = "authjs.session-token";

/** True when the request carries the https-only session cookie (possibly split into chunks). */
export function hasSecureSessionCookie(cookieHeader: string | null): boolean {
  return cookieHeader?.includes(`__Secure-${SESSION_COOKIE}`) ?? false;
}
