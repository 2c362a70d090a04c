import "server-only";
import { BlockList, isIP } from "node:net";

// Who sent a request. The forwarded headers (X-Forwarded-For, -Host, -Proto) are whatever the
// client wrote unless a reverse proxy we trust replaced them, and Next 16 only fills
// X-Forwarded-For from the socket when the client sent none — so the one address nobody can
// forge is the socket's peer, which lib/http/peer-stamp.ts copies into PEER_HEADER before Next
// sees the request. Forwarded headers count only when that peer is one of
// SWITCHBOARD_TRUSTED_PROXIES.

/** Set from the socket on every request (any value the client sent is overwritten). */
export const PEER_HEADER = "x-switchboard-peer";

/** The address a request without the stamp is counted under (one shared bucket: never a free pass). */
export const UNKNOWN_ADDRESS = "unknown";

export type TrustedProxies = { readonly list: BlockList; readonly empty: boolean };

/** Parses `SWITCHBOARD_TRUSTED_PROXIES` entries (IPs and CIDRs, already validated by the env schema). */
export function trustedProxies(entries: readonly string[]): TrustedProxies {
  const list = new BlockList();
  for (const entry of entries) {
    const [address, prefix] = entry.split("/") as [string, string | undefined];
    const type = isIP(address) === 6 ? "ipv6" : "ipv4";
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return { list, empty: entries.length === 0 };
}

/** `::ffff:10.0.0.1` (an IPv4 client on a dual-stack socket) as the IPv4 address it is. */
export function normalizeAddress(value: string): string {
  const trimmed = value.trim().replace(/^\[(.*)\]$/, "$1");
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(trimmed);
  return (mapped ? mapped[1]! : trimmed).toLowerCase();
}

function isTrusted(address: string, trusted: TrustedProxies): boolean {
  const family = isIP(address);
  return family !== 0 && !trusted.empty && trusted.list.check(address, family === 6 ? "ipv6" : "ipv4");
}

/** The socket's peer as stamped, or UNKNOWN_ADDRESS when the stamp is missing. */
export function peerAddress(headers: Headers): string {
  const stamped = headers.get(PEER_HEADER);
  return stamped && isIP(normalizeAddress(stamped)) ? normalizeAddress(stamped) : UNKNOWN_ADDRESS;
}

/** True when the request came straight from a configured proxy, so its forwarded headers are its own. */
export function fromTrustedProxy(headers: Headers, trusted: TrustedProxies): boolean {
  return isTrusted(peerAddress(headers), trusted);
}

/**
 * The client's address: the peer, unless the peer is a trusted proxy; then X-Forwarded-For read
 * from the right (each proxy appends the address it saw), skipping trusted proxies, up to the
 * first address no trusted proxy vouches for. Entries left of it are the client's own words.
 */
export function clientAddress(headers: Headers, trusted: TrustedProxies): string {
  let address = peerAddress(headers);
  if (!isTrusted(address, trusted)) return address;
  const forwarded = (headers.get("x-forwarded-for") ?? "").split(",").map(normalizeAddress).filter(Boolean);
  for (let i = forwarded.length - 1; i >= 0; i--) {
    const hop = forwarded[i]!;
    // Not an address: the chain is garbled from here on; the last proxy that spoke is the client.
    if (isIP(hop) === 0) return address;
    address = hop;
    if (!isTrusted(hop, trusted)) return hop;
  }
  return address;
}

/** The host the client asked for: X-Forwarded-Host only from a trusted proxy, else Host. */
export function requestHost(headers: Headers, trusted: TrustedProxies): string | null {
  const forwarded = fromTrustedProxy(headers, trusted) ? headers.get("x-forwarded-host")?.split(",")[0]?.trim() : undefined;
  return forwarded || headers.get("host");
}

/**
 * The key an address is limited under: IPv4 as is, IPv6 by its /64 (one subscriber usually
 * holds a whole /64, so counting single IPv6 addresses would give an attacker billions of tries).
 */
export function addressBucket(address: string): string {
  if (isIP(address) !== 6) return address;
  return `${expandIpv6(address).slice(0, 4).join(":")}::/64`;
}

function expandIpv6(address: string): string[] {
  const withoutZone = address.split("%")[0]!;
  const [head, tail] = withoutZone.includes("::") ? withoutZone.split("::") : [withoutZone, undefined];
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  // An embedded IPv4 tail (`::1.2.3.4`) fills the last two groups.
  const last = right.length > 0 ? right : left;
  if (last.at(-1)?.includes(".")) {
    const [a, b, c, d] = last.pop()!.split(".").map(Number) as [number, number, number, number];
    last.push(((a << 8) | b).toString(16), ((c << 8) | d).toString(16));
  }
  const missing = tail === undefined ? 0 : 8 - left.length - right.length;
  return [...left, ...Array<string>(missing).fill("0"), ...right].map((g) => (g || "0").replace(/^0+(?=.)/, ""));
}
