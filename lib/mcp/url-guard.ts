import "server-only";
import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { AppError } from "@/lib/errors";

// Users' own MCP servers must not reach the machine or its network (SSRF): a URL is refused when
// its host is, or resolves to, an address that is not public. The WHATWG parser already turns the
// odd IPv4 spellings (2130706433, 0x7f000001, 0177.0.0.1, 127.1) into dotted quads; IPv4-mapped and
// -translated IPv6 addresses are checked as the IPv4 address they carry. Every hop is checked: the
// guarded fetch below follows redirects itself. A DNS answer can change between this check and the
// connection (rebinding): the guarded fetch re-checks the name on every request, which narrows but
// does not close that window; operators who need it closed put the app behind an egress proxy.

const blocked = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8], // "this" network, unspecified
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // CGNAT
  ["127.0.0.0", 8],
  ["169.254.0.0", 16], // link-local (cloud metadata)
  ["172.16.0.0", 12],
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // documentation
  ["192.168.0.0", 16],
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
] as const)
  blocked.addSubnet(net, prefix, "ipv4");
for (const [net, prefix] of [
  ["::", 128], // unspecified
  ["::1", 128], // loopback
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
  ["fec0::", 10], // site-local (deprecated)
  ["ff00::", 8], // multicast
  ["2001:db8::", 32], // documentation
  ["100::", 64], // discard
] as const)
  blocked.addSubnet(net, prefix, "ipv6");

/** The IPv4 address an IPv6 address carries (mapped ::ffff:a.b.c.d, translated, compatible, NAT64, 6to4), if any. */
function embeddedIpv4(address: string): string | undefined {
  const groups = expandIpv6(address);
  if (!groups) return undefined;
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  const zeros = (from: number, to: number) => groups.slice(from, to).every((g) => g === 0);
  // ::ffff:a.b.c.d (mapped), ::ffff:0:a.b.c.d (translated), ::a.b.c.d (compatible, deprecated)
  if (zeros(0, 5) && groups[5] === 0xffff) return v4(groups[6]!, groups[7]!);
  if (zeros(0, 4) && groups[4] === 0xffff && groups[5] === 0) return v4(groups[6]!, groups[7]!);
  if (zeros(0, 6) && (groups[6] !== 0 || groups[7]! > 1)) return v4(groups[6]!, groups[7]!);
  // 64:ff9b::a.b.c.d (NAT64)
  if (groups[0] === 0x64 && groups[1] === 0xff9b && zeros(2, 6)) return v4(groups[6]!, groups[7]!);
  // 2002:aabb:ccdd:: (6to4)
  if (groups[0] === 0x2002) return v4(groups[1]!, groups[2]!);
  return undefined;
}

function expandIpv6(address: string): number[] | undefined {
  let text = address.toLowerCase().split("%")[0]!;
  // A trailing dotted quad becomes two groups.
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number];
    text = text.slice(0, quad.index) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail, ...rest] = text.split("::");
  if (rest.length > 0) return undefined;
  const part = (s: string | undefined) => (s ? s.split(":").map((g) => parseInt(g, 16)) : []);
  const front = part(head);
  const back = part(tail);
  const fill = tail === undefined ? 0 : 8 - front.length - back.length;
  const groups = [...front, ...Array<number>(Math.max(fill, 0)).fill(0), ...back];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}

/** True when the address is not a public unicast address. */
export function isNonPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, "ipv4");
  if (family === 6) {
    const v4 = embeddedIpv4(address);
    if (v4 !== undefined) return blocked.check(v4, "ipv4");
    return blocked.check(address, "ipv6");
  }
  return true;
}

export const refusedUrl = (message: string) => new AppError("bad_request:mcp_url", message);

/** The URL parsed, when it is an http(s) URL without credentials in it. */
export function parseServerUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refusedUrl("Not a valid URL.");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw refusedUrl("Only http and https URLs can be used.");
  if (url.username || url.password) throw refusedUrl("Put credentials in the headers or token, not in the URL.");
  return url;
}

/**
 * Refuses a URL whose host is, or resolves to, a non-public address. `resolve` is the DNS lookup
 * (every address it returns must be public).
 */
export async function assertPublicUrl(raw: string | URL, resolve: (host: string) => Promise<string[]> = resolveAll): Promise<URL> {
  const url = typeof raw === "string" ? parseServerUrl(raw) : raw;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (host === "" || /^localhost\.?$/i.test(host) || /\.localhost\.?$/i.test(host))
    throw refusedUrl("That address is on this machine or its network.");
  const addresses = isIP(host)
    ? [host]
    : await resolve(host).catch(() => {
        throw refusedUrl("That host name does not resolve.");
      });
  if (addresses.length === 0 || addresses.some(isNonPublicAddress)) throw refusedUrl("That address is on this machine or its network.");
  return url;
}

async function resolveAll(host: string): Promise<string[]> {
  return (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
}

const MAX_REDIRECTS = 5;

/** Headers of the MCP protocol itself, kept when a redirect leaves the server's origin (credentials are not). */
const PROTOCOL_HEADERS = new Set(["accept", "content-type", "mcp-session-id", "mcp-protocol-version", "last-event-id"]);

/**
 * A fetch for the MCP transports that checks the URL of every request and every redirect hop
 * before connecting (redirects are followed here, never by fetch itself). `check` refuses a URL
 * by throwing (default: {@link assertPublicUrl}).
 */
export function guardedFetch(check: (url: URL) => Promise<unknown> = (url) => assertPublicUrl(url)): typeof fetch {
  return async (input, init) => {
    let url = new URL(input instanceof Request ? input.url : String(input));
    let request: RequestInit = { ...init };
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      await check(parseServerUrl(url.href));
      const response = await fetch(url, { ...request, redirect: "manual" });
      const location = response.headers.get("location");
      if (response.status < 300 || response.status >= 400 || !location) return response;
      await response.body?.cancel();
      const next = new URL(location, url);
      if (next.origin !== url.origin) {
        const kept = [...new Headers(request.headers).entries()].filter(([name]) => PROTOCOL_HEADERS.has(name));
        request = { ...request, headers: kept };
      }
      // As fetch does: 303 (and 301/302 after a POST) continue as a GET without a body.
      if (response.status === 303 || ((response.status === 301 || response.status === 302) && request.method === "POST"))
        request = { ...request, method: "GET", body: undefined };
      url = next;
    }
    throw refusedUrl("Too many redirects.");
  };
}
