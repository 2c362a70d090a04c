import { NextResponse, type NextRequest } from "next/server";
import { hasSecureSessionCookie, readSessionCookie } from "@/lib/auth/session-cookie";
import { getEnv } from "@/lib/env";
import { isSameOriginRequest, MAX_REQUEST_BYTES } from "@/lib/http";
import { isPlainActionBody, isTextActionRequest } from "@/lib/http/action-body";
import { fromTrustedProxy, peerAddress, UNKNOWN_ADDRESS } from "@/lib/http/client-address";
import { configuredTrustedProxies } from "@/lib/http/trusted-proxies";
import { PREVIEW_FRAME_PATH } from "@/components/chat/preview/frame-protocol";

// The first gate: no valid session cookie → pages go to sign-in, /api/* answers 401 JSON.
// It only verifies the signed token (no database); route handlers and pages then call
// `requireUser()`, which also checks that the session was not revoked.
// Pages also get a per-request nonce and a strict Content-Security-Policy here. Forwarded headers
// reach the app only from a trusted proxy: otherwise X-Forwarded-Host and -For are replaced by the
// Host and the socket's peer, so Auth.js's server-side calls (which build their URL from
// X-Forwarded-Host) and every route read the real ones.

const PUBLIC_PAGES = ["/sign-in", "/register"];
/** Public API: Auth.js's routes (and registration) by prefix, the health check and the metrics (own token) exactly. */
const PUBLIC_API_PREFIX = "/api/auth/";
const PUBLIC_API_EXACT = ["/api/health", "/api/metrics"];
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
/** The OpenAI-compatible API: a personal key (Authorization: Bearer) authenticates it, never a session. */
const GATEWAY_API_PREFIX = "/api/v1/";

export async function proxy(request: NextRequest) {
  const { pathname } = request.nextUrl;
  const isApi = pathname.startsWith("/api/");
  // A path whose percent-encoding is not UTF-8 (`/c/%ED%A0%80`) makes Next's own parameter
  // decoding throw, which it answers with a bare 500: refuse it as the bad request it is.
  if (!decodesAsUtf8(pathname)) {
    return isApi
      ? apiError(pathname, 400, "bad_request:path", "The address is not valid.")
      : new NextResponse("Bad request: the address is not valid.", { status: 400, headers: { "content-type": "text/plain; charset=utf-8" } });
  }
  // CSRF, once for every state-changing API request (routes also check): a cross-site Origin is
  // refused before any handler runs. Auth.js's own routes use its double-submit token instead.
  // The gateway API is exempt: its credential is a header a client sets, never sent ambiently.
  const trusted = configuredTrustedProxies();
  const isGateway = pathname.startsWith(GATEWAY_API_PREFIX);
  if (isApi && !isGateway && !SAFE_METHODS.has(request.method) && !isAuthJsRoute(pathname) && !isSameOriginRequest(request.headers, trusted)) {
    return NextResponse.json(
      { error: { code: "forbidden:csrf", message: "Cross-site request refused." } },
      { status: 403, headers: { "cache-control": "no-store" } },
    );
  }
  // Next buffers a request's whole body before the route runs (so the proxy can read it too):
  // a body no route would accept is refused here, from its declared size, before it is read.
  if (isApi && Number(request.headers.get("content-length") ?? "0") > MAX_REQUEST_BYTES) {
    return apiError(pathname, 413, "payload_too_large:api", `The request body is larger than ${MAX_REQUEST_BYTES} bytes.`, { connection: "close" });
  }
  // Next decodes a server action's arguments before the action runs and answers a failure with 500.
  if (!isApi && isTextActionRequest(request.method, request.headers) && !isPlainActionBody(await request.clone().text())) {
    return new NextResponse("Bad request: the action's arguments are not valid.", {
      status: 400,
      headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
    });
  }
  const headers = new Headers(request.headers);
  if (!fromTrustedProxy(request.headers, trusted)) {
    const peer = peerAddress(request.headers);
    const host = request.headers.get("host");
    if (host) headers.set("x-forwarded-host", host);
    else headers.delete("x-forwarded-host");
    if (peer === UNKNOWN_ADDRESS) headers.delete("x-forwarded-for");
    else headers.set("x-forwarded-for", peer);
  }
  // The gateway's routes check the key themselves; a session cookie never reaches them, so it
  // can neither authenticate a call nor be read by one.
  if (isGateway) {
    headers.delete("cookie");
    return NextResponse.next({ request: { headers } });
  }
  if (isAuthJsRoute(pathname)) return authJsRequest(request, headers);
  if (pathname.startsWith(PUBLIC_API_PREFIX) || PUBLIC_API_EXACT.includes(pathname)) return NextResponse.next({ request: { headers } });
  // The preview frame holds no user data and carries its own sandboxing policy (not the page CSP).
  if (pathname === PREVIEW_FRAME_PATH) return NextResponse.next({ request: { headers } });

  const cookie = request.headers.get("cookie");
  const secureCookie = request.nextUrl.protocol === "https:" || hasSecureSessionCookie(cookie);
  const signedIn = (await readSessionCookie(cookie, getEnv().authSecret, secureCookie)) !== null;

  if (isApi) {
    if (signedIn) return NextResponse.next({ request: { headers } });
    return NextResponse.json(
      { error: { code: "unauthorized:auth", message: "Sign in to continue." } },
      { status: 401, headers: { "cache-control": "no-store" } },
    );
  }
  // Public pages decide themselves (with the full session check) whether to send a signed-in
  // visitor on: a revoked session still carries a valid token, and redirecting on the token
  // alone would bounce between "/" and "/sign-in".
  if (PUBLIC_PAGES.includes(pathname)) return withCsp(headers);
  if (signedIn) return withCsp(headers);
  const signIn = new URL("/sign-in", request.url);
  if (pathname !== "/") signIn.searchParams.set("callbackUrl", pathname + request.nextUrl.search);
  return NextResponse.redirect(signIn);
}

/**
 * A refusal before any route runs: the app's `{ error: { code, message } }`, or on the gateway API
 * OpenAI's `{ error: { message, type, code, param } }`, which its clients read (lib/gateway/errors.ts).
 */
function apiError(pathname: string, status: 400 | 413, code: string, message: string, extra: Record<string, string> = {}): NextResponse {
  const body = pathname.startsWith(GATEWAY_API_PREFIX)
    ? { error: { message, type: "invalid_request_error", code: status === 413 ? "request_too_large" : "invalid_request_error", param: null } }
    : { error: { code, message } };
  return NextResponse.json(body, { status, headers: { "cache-control": "no-store", ...extra } });
}

function decodesAsUtf8(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

/** Auth.js's routes (sign-in, callbacks, sign-out, session, csrf) — not our own registration route. */
function isAuthJsRoute(pathname: string): boolean {
  return pathname.startsWith(PUBLIC_API_PREFIX) && pathname !== "/api/auth/register";
}

const CALLBACK_URL_COOKIES = ["authjs.callback-url", "__Secure-authjs.callback-url"];

/**
 * Auth.js answers a callbackUrl it cannot resolve to an http(s) URL (`javascript:…`, `evil`) —
 * in the query or in its callback-url cookie — as a server misconfiguration, with a 500. Such a
 * query is refused here as the bad request it is; such a cookie (which only a tampering client
 * sends) is dropped and cleared. What does resolve, Auth.js's redirect callback keeps on this site.
 */
function authJsRequest(request: NextRequest, headers: Headers): NextResponse {
  if (!request.nextUrl.searchParams.getAll("callbackUrl").every((value) => authJsCanResolve(value, request.nextUrl.origin))) {
    return NextResponse.json(
      { error: { code: "bad_request:callback_url", message: "The callbackUrl is not an address on this site." } },
      { status: 400, headers: { "cache-control": "no-store" } },
    );
  }
  const unusable = CALLBACK_URL_COOKIES.filter((name) => {
    const value = request.cookies.get(name)?.value;
    return value !== undefined && !authJsCanResolve(value, request.nextUrl.origin);
  });
  if (unusable.length === 0) return NextResponse.next({ request: { headers } });
  const kept = request.cookies.getAll().filter((cookie) => !unusable.includes(cookie.name));
  headers.set("cookie", kept.map((cookie) => `${cookie.name}=${encodeURIComponent(cookie.value)}`).join("; "));
  const response = NextResponse.next({ request: { headers } });
  for (const name of unusable) response.cookies.delete(name);
  return response;
}

/** Auth.js's own test (`isValidHttpUrl` in @auth/core's assert.ts): a path, or an http(s) URL. */
function authJsCanResolve(value: string, origin: string): boolean {
  try {
    return /^https?:$/.test(new URL(value, value.startsWith("/") ? origin : undefined).protocol);
  } catch {
    return false;
  }
}

/** Scripts run only with this request's nonce (Next adds it to its own scripts). */
function withCsp(forwarded: Headers): NextResponse {
  const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
  const dev = process.env.NODE_ENV === "development";
  const policy = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    // Radix positions popovers with inline style attributes.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    // Only the app's own documents: the preview frame (which forbids any other framing itself).
    "frame-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
  const headers = new Headers(forwarded);
  headers.set("x-nonce", nonce);
  headers.set("content-security-policy", policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", policy);
  return response;
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico|icon.svg|icons/|manifest.webmanifest|robots.txt).*)"],
};
