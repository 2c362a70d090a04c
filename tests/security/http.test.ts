// The request edge (lib/http): CSRF origin check, body limits, and refusal of input the database
// cannot store faithfully — each as the rest of the app relies on it.
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

  it("compares with X-Forwarded-Host when a proxy sets it", () => {
    expect(isSameOriginRequest(headers({ origin: "https://chat.example.com", "x-forwarded-host": "chat.example.com" }))).toBe(true);
    expect(isSameOriginRequest(headers({ origin: "http://app.test", "x-forwarded-host": "chat.example.com" }))).toBe(false);
  });

  it("assertSameOrigin throws 403 forbidden:csrf", async () => {
    const refused = new Request("http://app.test/api/x", { method: "POST", headers: { host: "app.test", origin: "https://evil.example" } });
    expect(await codeOf(() => assertSameOrigin(refused))).toBe("403 forbidden:csrf");
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
  it("keeps paths on this site, with their query and fragment", () => {
    expect(safeRedirectPath("/c/abc?x=1#m")).toBe("/c/abc?x=1#m");
    expect(safeRedirectPath("/")).toBe("/");
    expect(safeRedirectPath("/%5Cevil.example/")).toBe("/%5Cevil.example/");
  });

  it("sends everything that a browser would read as another site to the fallback", () => {
    for (const value of [
      undefined,
      "",
      "https://evil.example/",
      "//evil.example/",
      "/\\evil.example/",
      "\\/evil.example/",
      "/\\/evil.example/",
      "/\t/evil.example/",
      "/\n/evil.example/",
      "javascript:alert(1)",
      "evil.example",
    ]) {
      expect(safeRedirectPath(value), JSON.stringify(value)).toBe("/");
    }
  });
});

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
