import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/lib/auth";
import { createLogger } from "@/lib/log";
import { APP, jsonRequest, sessionMock, signInAs } from "@/tests/helpers/routes";
import { makeUser } from "@/tests/helpers/users";
import { startEverythingServer, type RunningServer } from "./servers";

vi.mock("@/lib/auth", () => sessionMock());

// The MCP server routes: who may call each (signed out 401, a user on the admin's 403, someone
// else's server 404), bad input refused with 400 and nothing written, credentials never in a
// response or readable in the database, users' URLs held to public addresses, and a user's own
// server invisible and unusable to everyone else.

let everything: RunningServer;
let admin: SessionUser;
const TOKEN = "very-secret-bearer-token-0123456789";
const HEADER_SECRET = "header-secret-value-9876543210";

// Everything the app logs while these tests run, and what it prints.
const logged: string[] = [];

beforeAll(async () => {
  const holder = globalThis as unknown as { __sbLog?: ReturnType<typeof createLogger> };
  holder.__sbLog = createLogger(
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        logged.push(chunk.toString("utf8"));
        done();
      },
    }),
  );
  for (const method of ["log", "info", "warn", "error", "debug"] as const)
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(" ")));
  process.env.SWITCHBOARD_MCP_USER_SERVERS = "on";
  everything = await startEverythingServer();
  admin = { ...(await makeUser("admin")), role: "admin" };
}, 60_000);

afterAll(async () => {
  const { closeAllConnections } = await import("@/lib/mcp/client");
  await closeAllConnections();
  await everything?.stop();
});

type Params = { params: Promise<{ id: string }> };
const params = (id: string): Params => ({ params: Promise.resolve({ id }) });
const get = (path: string) => new Request(`${APP}${path}`, { headers: { host: "app.test" } });
const send = (method: string, path: string, body?: unknown) =>
  body === undefined ? new Request(`${APP}${path}`, { method, headers: { host: "app.test" } }) : jsonRequest(path, body, { method });

async function admins() {
  return {
    list: await import("@/app/api/admin/mcp/servers/route"),
    one: await import("@/app/api/admin/mcp/servers/[id]/route"),
    refresh: await import("@/app/api/admin/mcp/servers/[id]/refresh/route"),
  };
}
async function owns() {
  return {
    list: await import("@/app/api/mcp/servers/route"),
    one: await import("@/app/api/mcp/servers/[id]/route"),
    refresh: await import("@/app/api/mcp/servers/[id]/refresh/route"),
  };
}
async function rowCount() {
  const { getDb } = await import("@/lib/db");
  return (await getDb()).mcpServer.count();
}

describe("the admin's MCP server routes", () => {
  it("an admin adds a server with credentials: the answer says only that it has some, the database holds them sealed", async () => {
    signInAs(admin);
    const { list, refresh } = await admins();
    const created = await list.POST(
      jsonRequest("/api/admin/mcp/servers", { name: "everything", url: everything.url, bearerToken: TOKEN, headers: { "X-Api-Key": HEADER_SECRET } }),
      undefined,
    );
    expect(created.status).toBe(201);
    const text = await created.text();
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(HEADER_SECRET);
    const { server } = JSON.parse(text) as { server: { id: string; hasCredentials: boolean; scope: string } };
    expect(server).toMatchObject({ hasCredentials: true, scope: "team" });

    const { getDb } = await import("@/lib/db");
    const row = await (await getDb()).mcpServer.findUniqueOrThrow({ where: { id: server.id } });
    expect(row.credentials).not.toContain(TOKEN);
    expect(row.credentials).not.toContain(HEADER_SECRET);
    expect(Buffer.from(row.credentials!.split(".")[3]!, "base64url").toString("latin1")).not.toContain("very-secret");

    const refreshed = await refresh.POST(send("POST", `/api/admin/mcp/servers/${server.id}/refresh`), params(server.id));
    expect(refreshed.status).toBe(200);
    const after = (await refreshed.json()) as { server: { status: string; tools: { name: string }[]; toolsFetchedAt: string } };
    expect(after.server.status).toBe("ok");
    expect(after.server.tools.map((t) => t.name)).toContain("echo");
    expect(after.server.toolsFetchedAt).toBeTruthy();

    const listed = await list.GET(get("/api/admin/mcp/servers"), undefined);
    const listedText = await listed.text();
    expect(listedText).not.toContain(TOKEN);
    expect(listedText).not.toContain(HEADER_SECRET);
    expect((JSON.parse(listedText) as { servers: { id: string }[] }).servers.map((s) => s.id)).toContain(server.id);
  });

  it("an edit keeps the credentials it does not replace, and a name already taken is a conflict", async () => {
    signInAs(admin);
    const { list, one } = await admins();
    const created = (await (
      await list.POST(jsonRequest("/api/admin/mcp/servers", { name: "edit-me", url: everything.url, bearerToken: TOKEN }), undefined)
    ).json()) as { server: { id: string } };
    const id = created.server.id;
    const renamed = await one.PATCH(
      jsonRequest(`/api/admin/mcp/servers/${id}`, { name: "edited", availability: "opt-in", enabledTools: ["echo"] }, { method: "PATCH" }),
      params(id),
    );
    expect(renamed.status).toBe(200);
    expect(await renamed.json()).toMatchObject({ server: { name: "edited", availability: "opt-in", enabledTools: ["echo"], hasCredentials: true } });
    const cleared = await one.PATCH(
      jsonRequest(`/api/admin/mcp/servers/${id}`, { bearerToken: null, enabledTools: null }, { method: "PATCH" }),
      params(id),
    );
    expect(await cleared.json()).toMatchObject({ server: { hasCredentials: false, enabledTools: null } });
    const nothing = await one.PATCH(jsonRequest(`/api/admin/mcp/servers/${id}`, {}, { method: "PATCH" }), params(id));
    expect(nothing.status).toBe(400);
    const clash = await one.PATCH(jsonRequest(`/api/admin/mcp/servers/${id}`, { name: "everything" }, { method: "PATCH" }), params(id));
    expect(clash.status).toBe(409);
    const deleted = await one.DELETE(send("DELETE", `/api/admin/mcp/servers/${id}`), params(id));
    expect(deleted.status).toBe(204);
    expect((await one.DELETE(send("DELETE", `/api/admin/mcp/servers/${id}`), params(id))).status).toBe(404);
  });

  it.each([
    ["a name with capitals and spaces", { name: "Bad Name", url: "http://127.0.0.1:1/mcp" }],
    ["a name too long", { name: "a".repeat(25), url: "http://127.0.0.1:1/mcp" }],
    ["a name with underscores (the namespace separator)", { name: "my__tools", url: "http://127.0.0.1:1/mcp" }],
    ["no URL", { name: "nourl" }],
    ["a URL that is not one", { name: "x1", url: "not a url" }],
    ["an ftp URL", { name: "x2", url: "ftp://127.0.0.1/" }],
    ["credentials in the URL", { name: "x3", url: "http://user:pass@127.0.0.1/mcp" }],
    ["a stdio server from the web", { name: "x4", url: "http://127.0.0.1/", transport: "stdio" }],
    ["a command", { name: "x5", url: "http://127.0.0.1/", command: "rm -rf /" }],
    ["a header value with a line break", { name: "x6", url: "http://127.0.0.1/", headers: { "X-A": "a\r\nX-Injected: 1" } }],
    ["a header name with a space", { name: "x7", url: "http://127.0.0.1/", headers: { "X A": "a" } }],
    ["a token with a space", { name: "x8", url: "http://127.0.0.1/", bearerToken: "two words" }],
    ["an unknown availability", { name: "x9", url: "http://127.0.0.1/", availability: "all" }],
    ["enabled tools not a list", { name: "x10", url: "http://127.0.0.1/", enabledTools: "echo" }],
    ["an unknown field", { name: "x11", url: "http://127.0.0.1/", ownerId: "someone" }],
    ["not an object", ["everything"]],
  ])("%s is refused with 400 and nothing written", async (_name, body) => {
    signInAs(admin);
    const { list } = await admins();
    const before = await rowCount();
    const response = await list.POST(jsonRequest("/api/admin/mcp/servers", body), undefined);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toMatch(/^bad_request:/);
    expect(await rowCount()).toBe(before);
  });

  it("a body that is not JSON is a 400; a cross-site write a 403; nothing written", async () => {
    signInAs(admin);
    const { list } = await admins();
    const before = await rowCount();
    const notJson = await list.POST(
      new Request(`${APP}/api/admin/mcp/servers`, {
        method: "POST",
        body: "{name:",
        headers: { host: "app.test", "content-type": "application/json" },
      }),
      undefined,
    );
    expect(notJson.status).toBe(400);
    const crossSite = await list.POST(
      jsonRequest("/api/admin/mcp/servers", { name: "csrf", url: everything.url }, { headers: { "sec-fetch-site": "cross-site" } }),
      undefined,
    );
    expect(crossSite.status).toBe(403);
    expect(await rowCount()).toBe(before);
  });

  it("signed out: 401 everywhere; a user on the admin's routes: 403", async () => {
    const { list, one, refresh } = await admins();
    const mine = await owns();
    const id = "cmxnotarealid0000000000";
    const calls = [
      () => list.GET(get("/api/admin/mcp/servers"), undefined),
      () => list.POST(jsonRequest("/api/admin/mcp/servers", { name: "x", url: everything.url }), undefined),
      () => one.PATCH(jsonRequest(`/api/admin/mcp/servers/${id}`, { name: "y" }, { method: "PATCH" }), params(id)),
      () => one.DELETE(send("DELETE", `/api/admin/mcp/servers/${id}`), params(id)),
      () => refresh.POST(send("POST", `/api/admin/mcp/servers/${id}/refresh`), params(id)),
    ];
    signInAs(null);
    for (const call of calls) expect((await call()).status).toBe(401);
    expect((await mine.list.GET(get("/api/mcp/servers"), undefined)).status).toBe(401);
    expect((await mine.list.POST(jsonRequest("/api/mcp/servers", { name: "x", url: "http://93.184.215.14/" }), undefined)).status).toBe(401);
    const { GET: tools } = await import("@/app/api/mcp/tools/route");
    expect((await tools(get("/api/mcp/tools"), undefined)).status).toBe(401);
    signInAs(await makeUser("plain"));
    for (const call of calls) expect((await call()).status).toBe(403);
  });
});

describe("a user's own MCP servers", () => {
  it("a URL on this machine or its network is refused; a public one is kept", async () => {
    const user = await makeUser("own");
    signInAs(user);
    const { list } = await owns();
    const before = await rowCount();
    for (const url of [
      "http://127.0.0.1:1/mcp",
      "http://2130706433/",
      "http://[::ffff:127.0.0.1]/",
      "http://169.254.169.254/",
      "http://10.1.2.3/",
      everything.url,
    ]) {
      const response = await list.POST(jsonRequest("/api/mcp/servers", { name: "local", url }), undefined);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe("bad_request:mcp_url");
    }
    expect(await rowCount()).toBe(before);
    const ok = await list.POST(jsonRequest("/api/mcp/servers", { name: "public", url: "http://93.184.215.14/mcp", bearerToken: TOKEN }), undefined);
    expect(ok.status).toBe(201);
    expect(await ok.text()).not.toContain(TOKEN);
  });

  it("one user's server and credentials are invisible and unusable to everyone else (404), the admin included", async () => {
    const owner = await makeUser("owner");
    const other = await makeUser("other");
    signInAs(owner);
    const mine = await owns();
    const created = (await (
      await mine.list.POST(jsonRequest("/api/mcp/servers", { name: "private-tools", url: "http://93.184.215.14/mcp", bearerToken: TOKEN }), undefined)
    ).json()) as {
      server: { id: string };
    };
    const id = created.server.id;
    // Its tool list, as if fetched: what another user might try to call.
    const { getDb } = await import("@/lib/db");
    await (
      await getDb()
    ).mcpServer.update({
      where: { id },
      data: { tools: [{ name: "secret_tool", inputSchema: { type: "object" } }], toolsFetchedAt: new Date(), status: "ok" },
    });

    const { availableMcpTools, mcpToolsForAnswer } = await import("@/lib/mcp/tools");
    expect((await mcpToolsForAnswer(owner.id, undefined)).map((t) => t.name)).toContain("private-tools__secret_tool");

    for (const someone of [other, admin]) {
      signInAs(someone);
      const listed = await mine.list.GET(get("/api/mcp/servers"), undefined);
      const text = await listed.text();
      expect(text).not.toContain(id);
      expect(text).not.toContain(TOKEN);
      expect((await mine.one.PATCH(jsonRequest(`/api/mcp/servers/${id}`, { name: "stolen" }, { method: "PATCH" }), params(id))).status).toBe(404);
      expect((await mine.refresh.POST(send("POST", `/api/mcp/servers/${id}/refresh`), params(id))).status).toBe(404);
      expect((await mine.one.DELETE(send("DELETE", `/api/mcp/servers/${id}`), params(id))).status).toBe(404);
      // Asking for its tool by name in a conversation gives nothing.
      expect(await mcpToolsForAnswer(someone.id, ["private-tools__secret_tool"])).toEqual([]);
      expect((await availableMcpTools(someone.id)).some((t) => t.server.id === id)).toBe(false);
      const { GET: tools } = await import("@/app/api/mcp/tools/route");
      expect(await (await tools(get("/api/mcp/tools"), undefined)).text()).not.toContain("private-tools");
    }
    signInAs(admin);
    const { one, refresh, list } = await admins();
    expect(await (await list.GET(get("/api/admin/mcp/servers"), undefined)).text()).not.toContain(id);
    expect((await one.PATCH(jsonRequest(`/api/admin/mcp/servers/${id}`, { name: "stolen" }, { method: "PATCH" }), params(id))).status).toBe(404);
    expect((await refresh.POST(send("POST", `/api/admin/mcp/servers/${id}/refresh`), params(id))).status).toBe(404);
    expect((await one.DELETE(send("DELETE", `/api/admin/mcp/servers/${id}`), params(id))).status).toBe(404);
    expect(await rowCount()).toBeGreaterThan(0);
    // The owner still has it.
    signInAs(owner);
    expect(await (await mine.list.GET(get("/api/mcp/servers"), undefined)).text()).toContain(id);
  });

  it("the tools menu lists the built-in tools and the servers' tools, grouped by server", async () => {
    signInAs(await makeUser("menu"));
    const { GET } = await import("@/app/api/mcp/tools/route");
    const menu = (await (await GET(get("/api/mcp/tools"), undefined)).json()) as {
      builtIn: { name: string; description: string }[];
      mcp: { name: string; server: string; tool: string; description: string }[];
    };
    expect(menu.builtIn.map((t) => t.name)).toEqual(["calculator", "current_time", "search_conversations"]);
    expect(menu.mcp.find((t) => t.name === "everything__echo")).toMatchObject({
      server: "everything",
      tool: "echo",
      description: "Echoes back the input string",
    });
  });
});

describe("the logs", () => {
  it("a server that fails with credentials set leaves its reason in the log, never its credentials", async () => {
    signInAs(admin);
    const { list, refresh } = await admins();
    const created = (await (
      await list.POST(
        jsonRequest("/api/admin/mcp/servers", {
          name: "down",
          url: "http://127.0.0.1:1/mcp",
          bearerToken: TOKEN,
          headers: { "X-Api-Key": HEADER_SECRET },
        }),
        undefined,
      )
    ).json()) as {
      server: { id: string };
    };
    const refreshed = (await (
      await refresh.POST(send("POST", `/api/admin/mcp/servers/${created.server.id}/refresh`), params(created.server.id))
    ).json()) as {
      server: { status: string; lastError: string };
    };
    expect(refreshed.server.status).toBe("error");
    expect(refreshed.server.lastError).toBeTruthy();
    expect(JSON.stringify(refreshed)).not.toContain(TOKEN);
    const all = logged.join("\n");
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain(HEADER_SECRET);
  });
});
