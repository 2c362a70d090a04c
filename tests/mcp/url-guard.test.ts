import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertPublicUrl, guardedFetch, isNonPublicAddress } from "@/lib/mcp/url-guard";

// The SSRF guard for users' own MCP servers: a corpus of URLs that point at this machine or its
// network in the spellings attackers use, each refused; public addresses accepted; and a redirect
// to a refused address caught at its hop.

// Names resolve through this table, so the corpus does not depend on the machine's DNS.
const dns: Record<string, string[]> = {
  "public.example": ["93.184.215.14"],
  "public6.example": ["2606:2800:21f:cb07:6820:80da:af6b:8b2c"],
  "rebind.example": ["127.0.0.1"],
  "mixed.example": ["93.184.215.14", "10.0.0.5"],
  "metadata.example": ["169.254.169.254"],
  "mapped.example": ["::ffff:127.0.0.1"],
};
const resolve = async (host: string) => {
  const found = dns[host];
  if (!found) throw new Error("ENOTFOUND");
  return found;
};

const refused = [
  "http://127.0.0.1/",
  "http://127.1/",
  "http://127.0.0.1:3000/mcp",
  "http://2130706433/", // decimal
  "http://0x7f000001/", // hex
  "http://0x7f.0x0.0x0.0x1/",
  "http://0177.0.0.1/", // octal
  "http://017700000001/",
  "http://0/",
  "http://0.0.0.0/",
  "http://localhost/",
  "http://LOCALHOST./",
  "http://api.localhost/",
  "http://[::1]/",
  "http://[::]/",
  "http://[0:0:0:0:0:0:0:1]/",
  "http://[::ffff:127.0.0.1]/", // IPv4-mapped
  "http://[::ffff:7f00:1]/",
  "http://[::ffff:a9fe:a9fe]/", // mapped 169.254.169.254
  "http://[::ffff:0:10.0.0.1]/", // IPv4-translated
  "http://[64:ff9b::a9fe:a9fe]/", // NAT64 of the metadata address
  "http://[2002:7f00:1::]/", // 6to4 of 127.0.0.1
  "http://[fe80::1]/", // link-local
  "http://[fc00::1]/", // unique local
  "http://[fd12:3456::1]/",
  "http://[ff02::1]/", // multicast
  "http://10.0.0.1/",
  "http://10.255.255.255/",
  "http://172.16.0.1/",
  "http://172.31.255.254/",
  "http://192.168.1.1/",
  "http://169.254.169.254/latest/meta-data/", // cloud metadata
  "http://100.64.0.1/", // CGNAT
  "http://100.127.255.254/",
  "http://224.0.0.1/", // multicast
  "http://239.255.255.250/",
  "http://255.255.255.255/",
  "http://198.18.0.1/",
  "http://rebind.example/", // a name that resolves to loopback
  "http://mixed.example/", // one private address among public ones
  "http://metadata.example/",
  "http://mapped.example/",
  "http://does-not-resolve.example/",
  "ftp://public.example/",
  "file:///etc/passwd",
  "javascript:alert(1)",
  "http://user:pass@public.example/",
  "not a url",
];

const accepted = [
  "https://public.example/mcp",
  "http://93.184.215.14:8080/mcp",
  "https://public6.example/",
  "http://[2606:4700:4700::1111]/",
  "http://8.8.8.8/",
  "http://172.32.0.1/",
  "http://100.128.0.1/",
];

describe("the URL guard", () => {
  it.each(refused)("refuses %s", async (url) => {
    await expect(assertPublicUrl(url, resolve)).rejects.toMatchObject({ code: "bad_request:mcp_url" });
  });

  it.each(accepted)("accepts %s", async (url) => {
    await expect(assertPublicUrl(url, resolve)).resolves.toBeInstanceOf(URL);
  });

  it("classifies addresses as the blocks say", () => {
    expect(isNonPublicAddress("127.0.0.1")).toBe(true);
    expect(isNonPublicAddress("::ffff:192.168.0.1")).toBe(true);
    expect(isNonPublicAddress("::ffff:8.8.8.8")).toBe(false);
    expect(isNonPublicAddress("1.1.1.1")).toBe(false);
    expect(isNonPublicAddress("not-an-address")).toBe(true);
  });
});

describe("redirects", () => {
  let server: Server;
  let origin: string;
  const seen: { path: string; authorization?: string }[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ path: req.url ?? "", authorization: req.headers.authorization });
      if (req.url === "/to-private") res.writeHead(307, { location: "http://10.0.0.1/mcp" }).end();
      else if (req.url === "/to-decimal") res.writeHead(302, { location: "http://2130706433/mcp" }).end();
      else if (req.url === "/same-origin") res.writeHead(307, { location: "/final" }).end();
      else if (req.url === "/loop") res.writeHead(302, { location: "/loop" }).end();
      else res.writeHead(200, { "content-type": "text/plain" }).end("final");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  // The first hop is the test's own server (on loopback, so allowed by this check); every other
  // address goes through the real guard.
  const check = async (url: URL) => (url.origin === origin ? url : assertPublicUrl(url, resolve));

  it("a redirect to a private address is refused at its hop, before any connection", async () => {
    await expect(guardedFetch(check)(`${origin}/to-private`, { method: "POST", headers: { authorization: "Bearer secret" } })).rejects.toMatchObject({
      code: "bad_request:mcp_url",
    });
    await expect(guardedFetch(check)(`${origin}/to-decimal`)).rejects.toMatchObject({ code: "bad_request:mcp_url" });
  });

  it("same-origin redirects are followed; endless ones stop", async () => {
    const response = await guardedFetch(check)(`${origin}/same-origin`, { headers: { authorization: "Bearer secret" } });
    expect(await response.text()).toBe("final");
    expect(seen.at(-1)).toEqual({ path: "/final", authorization: "Bearer secret" });
    await expect(guardedFetch(check)(`${origin}/loop`)).rejects.toMatchObject({ code: "bad_request:mcp_url" });
  });

  it("the default check refuses the loopback server itself", async () => {
    await expect(guardedFetch()(`${origin}/final`)).rejects.toMatchObject({ code: "bad_request:mcp_url" });
  });
});
