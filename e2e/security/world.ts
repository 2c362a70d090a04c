// A Switchboard of the security specs' own, shared by them within a worker: a fresh instance
// (on a fresh PostgreSQL database in the PostgreSQL run, else PGlite) whose first account,
// made here, is the administrator — the suite's shared instance already has its admin.
import { test as recorded, expect } from "../fixtures/response-recorder";
import { pngWith, type Role, type World } from "./route-matrix";
import { answerIdOf, Client, newId, startIsolatedApp, uniqueMarker, type IsolatedApp } from "./support";

export type SecurityApp = IsolatedApp & {
  admin: Client;
  /** A fresh signed-out client of this app. */
  client(label: string): Promise<Client>;
  /** A fresh signed-in client of a new ordinary user. */
  user(label: string): Promise<Client>;
};

export const test = recorded.extend<object, { securityApp: SecurityApp }>({
  securityApp: [
    async ({ playwright: _playwright }, provide) => {
      // The tests play the reverse proxy: from loopback, X-Forwarded-For names the client (the
      // brute-force tests sign in "from" many addresses).
      // The bad-input corpus sends hundreds of requests with one personal key within a minute.
      const app = await startIsolatedApp({
        env: {
          SWITCHBOARD_TRUSTED_PROXIES: "127.0.0.1,::1",
          SWITCHBOARD_API_REQUESTS_PER_MINUTE: "100000",
          SWITCHBOARD_API_TOKENS_PER_MINUTE: "100000000",
          // Users' own MCP servers, on loopback (an unused port): their routes' ownership is tested.
          SWITCHBOARD_MCP_USER_SERVERS: "on",
          SWITCHBOARD_MCP_USER_PRIVATE_URLS: "on",
        },
      });
      const clients: Client[] = [];
      const client = async (label: string) => {
        const c = await Client.create(app.url, label);
        clients.push(c);
        return c;
      };
      const admin = await client("admin");
      await admin.registerAndSignIn();
      const user = async (label: string) => {
        const c = await client(label);
        await c.registerAndSignIn();
        return c;
      };
      await provide(Object.assign(app, { admin, client, user }));
      for (const c of clients) await c.dispose().catch(() => undefined);
      await app.stop();
    },
    { scope: "worker", timeout: 120_000 },
  ],
});

export { expect };

/**
 * The four roles of the matrix on the security app, and an owner whose data carries a unique
 * marker: a conversation (title, message, answer, system prompt), a deleted one, a disposable one,
 * favourite models; plus an ordinary account for the admin entries to change.
 */
export async function plantOwnerWorld(app: SecurityApp): Promise<{ world: World; clients: Record<Role, Client> }> {
  const clients = {
    owner: await app.user("owner"),
    other: await app.user("other"),
    admin: app.admin,
    anonymous: await app.client("anonymous"),
  } satisfies Record<Role, Client>;
  const victim = await app.user("victim");
  const world: World = {
    marker: uniqueMarker("LEAK"),
    searchTerm: uniqueMarker("FIND"),
    ids: { owner: clients.owner.user!.id, other: clients.other.user!.id, admin: clients.admin.user!.id, anonymous: "" },
    conversationId: newId(),
    answerId: "",
    deletedConversationId: newId(),
    disposableConversationId: newId(),
    victimUserId: victim.user!.id,
    attachmentId: "",
    apiKeyId: "",
    disposableApiKeyId: "",
    adminRevocableApiKeyId: "",
    aliasName: uniqueMarker("alias").toLowerCase(),
    disposableAliasName: uniqueMarker("alias").toLowerCase(),
    ownMcpServerId: "",
    disposableOwnMcpServerId: "",
    teamMcpServerId: "",
    disposableTeamMcpServerId: "",
  };
  const { owner } = clients;
  const m = `${world.searchTerm} ${world.marker}`;
  const first = await owner.chat(world.conversationId, `private words ${m} [[sb:say text="the answer mentions ${m} too"]]`, {
    settings: { systemPrompt: `system prompt ${m}` },
  });
  expect(first.status, first.text).toBe(200);
  world.answerId = answerIdOf(first);
  expect((await owner.patch(`/api/conversations/${world.conversationId}`, { title: `Title ${m}` })).status).toBe(200);
  expect((await owner.patch("/api/me/preferences", { favoriteModels: ["openai/gpt-4o-mini", `x/${m}`] })).status).toBe(200);
  expect((await owner.chat(world.deletedConversationId, `to be deleted ${m} [[sb:say text=gone]]`)).status).toBe(200);
  expect((await owner.send("DELETE", `/api/conversations/${world.deletedConversationId}`)).status).toBe(200);
  expect((await owner.chat(world.disposableConversationId, `disposable ${m} [[sb:say text=bye]]`)).status).toBe(200);
  const upload = await owner.send("POST", "/api/attachments", {
    body: pngWith(`owner's file ${m}`),
    headers: { "content-type": "application/octet-stream", "x-filename": "private.png" },
  });
  expect(upload.status, upload.text).toBe(201);
  world.attachmentId = (upload.json as { attachments: { id: string }[] }).attachments[0].id;
  const keyOf = async (name: string) => {
    const created = await owner.post("/api/account/keys", { name });
    expect(created.status, created.text).toBe(201);
    return (created.json as { apiKey: { id: string } }).apiKey.id;
  };
  // Key names are not content: the admin's key list shows them, so none carries the marker.
  world.apiKeyId = await keyOf("owner's key");
  world.disposableApiKeyId = await keyOf("disposable");
  world.adminRevocableApiKeyId = await keyOf("revoked by the admin");
  for (const name of [world.aliasName, world.disposableAliasName]) {
    const alias = await app.admin.post("/api/admin/aliases", { name, model: "openai/gpt-4o-mini" });
    expect(alias.status, alias.text).toBe(201);
  }
  // Opt-in: no chat of this world's tries to reach them unless it turns them on.
  const serverOf = async (client: Client, path: string) => {
    const created = await client.post(path, {
      name: uniqueMarker("mcp").toLowerCase().slice(0, 20),
      url: "http://127.0.0.1:9/mcp",
      availability: "opt-in",
    });
    expect(created.status, created.text).toBe(201);
    return (created.json as { server: { id: string } }).server.id;
  };
  world.ownMcpServerId = await serverOf(owner, "/api/mcp/servers");
  world.disposableOwnMcpServerId = await serverOf(owner, "/api/mcp/servers");
  world.teamMcpServerId = await serverOf(app.admin, "/api/admin/mcp/servers");
  world.disposableTeamMcpServerId = await serverOf(app.admin, "/api/admin/mcp/servers");
  return { world, clients };
}
