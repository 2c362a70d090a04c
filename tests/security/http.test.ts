// The request edge (lib/http): CSRF origin check, body limits, and refusal of input the database
// cannot store faithfully — each as the rest of the app relies on it.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { metricsAuthorized } from "@/lib/metrics";
import {
  assertSameOrigin,
  assertStorable,
  errorResponse,
  isSameOriginRequest,
  MAX_INPUT_DEPTH,
  parseWith,
  readJson,
  safeRedirectPath,
} from "@/lib/http";
import { EnvError, parseEnv } from "@/lib/env/schema";
import { addressBucket, PEER_HEADER, trustedProxies } from "@/lib/http/client-address";
import { installPeerAddressStamp } from "@/lib/http/peer-stamp";

function request(body: BodyInit | null, headers: Record<string, string> = {}): Request {
  return new Request("http://app.test/api/x", { method: "POST", body, headers, duplex: "half" } as RequestInit);
}

async function codeOf(promise: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof promise === "function" ? promise() : promise);
  } catch (error) {
    if (error instanceof AppError) return `${error.status} ${error.code}`;
    throw error;
  }
  return "accepted";
}

describe("same-origin check (CSRF)", () => {
  const headers = (h: Record<string, string>) => new Headers({ host: "app.test", ...h });

  it("accepts no Origin (not a browser) and this host's Origin", () => {
    expect(isSameOriginRequest(headers({}))).toBe(true);
    expect(isSameOriginRequest(headers({ origin: "http://app.test" }))).toBe(true);
    expect(isSameOriginRequest(headers({ origin: "https://app.test" }))).toBe(true);
  });

  it("refuses other hosts, look-alikes, ports, `null` and garbage", () => {
    for (const origin of [
      "https://evil.example",
      "http://app.test.evil.example",
      "http://evil-app.test",
      "http://app.test:8080",
      "null",
      "",
      "app.test",
      "http://",
      "javascript:alert(1)",
    ]) {
      expect(isSameOriginRequest(headers({ origin })), origin).toBe(false);
    }
  });

  it("compares with X-Forwarded-Host only when a trusted proxy sent the request", () => {
    const proxied = { origin: "https://chat.example.com", "x-forwarded-host": "chat.example.com" };
    const proxies = trustedProxies(["10.0.0.0/8"]);
    // From the configured proxy: its X-Forwarded-Host names the host.
    expect(isSameOriginRequest(headers({ ...proxied, [PEER_HEADER]: "10.1.2.3" }), proxies)).toBe(true);
    expect(
      isSameOriginRequest(headers({ origin: "http://app.test", "x-forwarded-host": "chat.example.com", [PEER_HEADER]: "10.1.2.3" }), proxies),
    ).toBe(false);
    // From anyone else (or with no proxy configured), the header is the client's own word.
    expect(isSameOriginRequest(headers({ ...proxied, [PEER_HEADER]: "203.0.113.9" }), proxies)).toBe(false);
    expect(isSameOriginRequest(headers({ ...proxied, [PEER_HEADER]: "10.1.2.3" }), trustedProxies([]))).toBe(false);
    expect(isSameOriginRequest(headers({ origin: "http://evil.example", "x-forwarded-host": "evil.example" }), trustedProxies([]))).toBe(false);
  });

  it("lets Sec-Fetch-Site decide when the browser sends it, and falls back to Origin without it", () => {
    // cross-site and same-site are refused even when Origin (as a proxy rewrote Host) would pass.
    expect(isSameOriginRequest(headers({ "sec-fetch-site": "cross-site" }))).toBe(false);
    expect(isSameOriginRequest(headers({ "sec-fetch-site": "cross-site", origin: "http://app.test" }))).toBe(false);
    expect(isSameOriginRequest(headers({ "sec-fetch-site": "same-site", origin: "http://app.test" }))).toBe(false);
    // same-origin and none (typed by the user) pass, even behind a proxy that rewrote Host.
    expect(isSameOriginRequest(headers({ "sec-fetch-site": "same-origin", origin: "https://chat.example.com" }))).toBe(true);
    expect(isSameOriginRequest(headers({ "sec-fetch-site": "none" }))).toBe(true);
    // An unknown value is no verdict: Origin decides.
    expect(isSameOriginRequest(headers({ "sec-fetch-site": "weird", origin: "https://evil.example" }))).toBe(false);
    expect(isSameOriginRequest(headers({ "sec-fetch-site": "weird", origin: "http://app.test" }))).toBe(true);
  });

  it("assertSameOrigin throws 403 forbidden:csrf", async () => {
    const refused = new Request("http://app.test/api/x", { method: "POST", headers: { host: "app.test", origin: "https://evil.example" } });
    expect(await codeOf(() => assertSameOrigin(refused))).toBe("403 forbidden:csrf");
  });
});

describe("SWITCHBOARD_TRUSTED_PROXIES", () => {
  it("takes comma-separated addresses and CIDRs, and names itself when an entry is neither", () => {
    expect(parseEnv({}).SWITCHBOARD_TRUSTED_PROXIES).toEqual([]);
    expect(parseEnv({ SWITCHBOARD_TRUSTED_PROXIES: " 10.0.0.0/8, ::1 ,192.168.1.4," }).SWITCHBOARD_TRUSTED_PROXIES).toEqual([
      "10.0.0.0/8",
      "::1",
      "192.168.1.4",
    ]);
    for (const value of ["10.0.0.0/33", "proxy.internal", "10.0.0.1/8/8", "::1/129", "*"]) {
      expect(() => parseEnv({ SWITCHBOARD_TRUSTED_PROXIES: value }), value).toThrow(EnvError);
      expect(() => parseEnv({ SWITCHBOARD_TRUSTED_PROXIES: value }), value).toThrow(/SWITCHBOARD_TRUSTED_PROXIES/);
    }
  });

  it("the socket's peer is stamped on every request, over whatever the client put in its place", async () => {
    installPeerAddressStamp();
    installPeerAddressStamp(); // idempotent: one stamp, not a stamp of a stamp
    const seen: (string | string[] | undefined)[] = [];
    const server = http.createServer((req, res) => {
      seen.push(req.headers[PEER_HEADER]);
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      await fetch(`http://127.0.0.1:${port}/`, { headers: { [PEER_HEADER]: "198.51.100.1", "x-forwarded-for": "198.51.100.1" } });
      await fetch(`http://127.0.0.1:${port}/`);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(seen).toEqual(["127.0.0.1", "127.0.0.1"]);
  });

  it("limits IPv6 clients by their /64", () => {
    expect(addressBucket("203.0.113.5")).toBe("203.0.113.5");
    expect(addressBucket("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(addressBucket("2001:db8:1:2::ffff")).toBe(addressBucket("2001:0db8:0001:0002:ffff:ffff:ffff:ffff"));
    expect(addressBucket("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(addressBucket("::1")).toBe("0:0:0:0::/64");
  });
});

describe("readJson", () => {
  const schema = z.object({ text: z.string() });

  it("refuses a declared Content-Length over the limit before reading", async () => {
    const body = new ReadableStream<Uint8Array>({
      pull() {
        throw new Error("the body must not be read");
      },
    });
    expect(await codeOf(readJson(request(body, { "content-length": "2000" }), schema, { maxBytes: 1000, surface: "t" }))).toBe(
      "413 payload_too_large:t",
    );
  });

  it("stops reading a body without Content-Length at the limit", async () => {
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        controller.enqueue(new Uint8Array(512).fill(0x61));
        if (pulled > 1000) controller.close();
      },
    });
    expect(await codeOf(readJson(request(body), schema, { maxBytes: 1000, surface: "t" }))).toBe("413 payload_too_large:t");
    expect(pulled).toBeLessThan(10);
  });

  it("refuses malformed JSON, invalid UTF-8 and wrong shapes with 400", async () => {
    expect(await codeOf(readJson(request("{"), schema, { surface: "t" }))).toBe("400 bad_request:t");
    expect(await codeOf(readJson(request(new Uint8Array([0x7b, 0xff, 0x7d])), schema, { surface: "t" }))).toBe("400 bad_request:t");
    expect(await codeOf(readJson(request('{"text":5}'), schema, { surface: "t" }))).toBe("400 bad_request:t");
    expect(await codeOf(readJson(request(""), schema, { surface: "t" }))).toBe("400 bad_request:t");
  });

  it("refuses NUL and unpaired surrogates anywhere (values and keys), which PostgreSQL cannot store", async () => {
    for (const body of [
      '{"text":"a\\u0000b"}',
      '{"text":"\\ud800"}',
      '{"text":"x\\udc00"}',
      '{"text":"ok","extra":{"deep":["\\u0000"]}}',
      '{"text":"ok","a\\u0000b":1}',
    ]) {
      expect(await codeOf(readJson(request(body), schema, { surface: "t" })), body).toBe("400 bad_request:t");
    }
  });

  it("accepts everything else Unicode has: pairs, RTL overrides, joiners, BOM-less text", async () => {
    const text = "😀 \u202Egnp.exe \u200Djoin e\u0301 ﷽ \uFEFF";
    await expect(readJson(request(JSON.stringify({ text })), schema)).resolves.toEqual({ text });
  });

  it("refuses nesting deeper than the limit without overflowing the stack", async () => {
    const deep = (n: number) => `{"text":"x","d":${"[".repeat(n)}${"]".repeat(n)}}`;
    await expect(readJson(request(deep(MAX_INPUT_DEPTH - 2)), schema)).resolves.toEqual({ text: "x" });
    expect(await codeOf(readJson(request(deep(MAX_INPUT_DEPTH + 1)), schema, { surface: "t" }))).toBe("400 bad_request:t");
    // Built by hand: far deeper than any recursive walk could go.
    let value: unknown = "leaf";
    for (let i = 0; i < 200_000; i++) value = [value];
    expect(await codeOf(() => assertStorable({ value }, "t"))).toBe("400 bad_request:t");
  });

  it("parseWith applies the same refusal to query strings and params", async () => {
    expect(await codeOf(() => parseWith(z.object({ q: z.string() }), { q: "a\u0000" }, "search"))).toBe("400 bad_request:search");
    expect(parseWith(z.object({ q: z.string() }), { q: "ok" }, "search")).toEqual({ q: "ok" });
  });
});

describe("errorResponse", () => {
  it("never shows an unexpected error's details", async () => {
    const original = console.error;
    console.error = () => undefined;
    try {
      const response = errorResponse(new Error("connection to postgres://user:secret@db failed"));
      expect(response.status).toBe(500);
      const text = await response.text();
      expect(text).not.toContain("secret");
      expect(JSON.parse(text).error.code).toBe("internal:server");
    } finally {
      console.error = original;
    }
  });
});

describe("safeRedirectPath (after sign-in)", () => {
  const base = "http://app.test";

  it("keeps paths on this site, with their query and fragment, normalised", () => {
    expect(safeRedirectPath("/c/abc?x=1#m")).toBe("/c/abc?x=1#m");
    expect(safeRedirectPath("/")).toBe("/");
    expect(safeRedirectPath("/%5Cevil.example/")).toBe("/%5Cevil.example/");
    expect(safeRedirectPath("/c/../settings")).toBe("/settings");
    expect(safeRedirectPath("/a b")).toBe("/a%20b");
    // An absolute URL counts only when it is on the given origin.
    expect(safeRedirectPath(`${base}/c/abc?x=1`, "/", base)).toBe("/c/abc?x=1");
  });

  // Every way we know of to write "another site" as a path, raw and as the browser would get it.
  const HOSTILE = [
    "https://evil.example/",
    "http:evil.example",
    "//evil.example/",
    "///evil.example/",
    "/.//evil.example",
    "/./\\evil.example",
    "/%2e//evil.example",
    "/%2E//evil.example",
    "/%2e%2e//evil.example",
    "/c/..//evil.example",
    "/c/%2e%2e//evil.example",
    "/c/.%2e//evil.example",
    "/a/b/../..//evil.example",
    "%2F%2Fevil.example",
    "/%2F%2Fevil.example",
    "/%5C%5Cevil.example",
    "/%09/evil.example/",
    "/%0a/evil.example/",
    "/\\evil.example/",
    "\\/evil.example/",
    "/\\/evil.example/",
    "/.\\\\evil.example",
    "/c/..\\\\evil.example",
    "/\t/evil.example/",
    "/\n/evil.example/",
    "/\r\n/evil.example/",
    "/\t\t//evil.example/",
    " //evil.example/",
    "\t//evil.example/",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "evil.example",
    "https://app.test.evil.example/",
    "https://evil.example/@app.test",
    `${base}@evil.example/`,
  ];

  it("never returns anything that leaves the origin, however the value is written", () => {
    const escaped: string[] = [];
    for (const raw of HOSTILE) {
      for (const value of [raw, decodeURIComponentSafe(raw)]) {
        for (const origin of [undefined, base]) {
          const out = safeRedirectPath(value, "/", origin);
          // The output as the browser and Next's redirect() will read it: relative to this page.
          if (!out.startsWith("/") || new URL(out, `${base}/sign-in`).origin !== base) escaped.push(`${JSON.stringify(value)} → ${out}`);
        }
      }
    }
    expect(escaped).toEqual([]);
  });

  it("sends the scheme-relative results of normalisation to the fallback instead of a different path", () => {
    for (const value of ["/.//evil.example", "/%2e//evil.example", "/c/..//evil.example", "/\\evil.example/", "/\t/evil.example/"]) {
      expect(safeRedirectPath(value), JSON.stringify(value)).toBe("/");
    }
    expect(safeRedirectPath("//evil.example/", "/c/abc")).toBe("/c/abc");
    expect(safeRedirectPath(undefined)).toBe("/");
    expect(safeRedirectPath("")).toBe("/");
    expect(safeRedirectPath("https://evil.example/", "/", base)).toBe("/");
  });
});

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

describe("the metrics endpoint's token (lib/metrics)", () => {
  const withAuth = (value?: string) => new Headers(value === undefined ? {} : { authorization: value });

  it("opens only to the exact bearer token, and never when no token is configured", () => {
    expect(metricsAuthorized(withAuth("Bearer s3cret-token"), "s3cret-token")).toBe(true);
    for (const value of [
      undefined,
      "",
      "Bearer",
      "Bearer ",
      "bearer s3cret-token",
      "Bearer s3cret-tokenX",
      "Bearer s3cret-toke",
      "Basic s3cret-token",
      "s3cret-token",
    ]) {
      expect(metricsAuthorized(withAuth(value), "s3cret-token"), String(value)).toBe(false);
    }
    expect(metricsAuthorized(withAuth("Bearer "), "")).toBe(false);
    expect(metricsAuthorized(withAuth("Bearer undefined"), undefined)).toBe(false);
  });
});
