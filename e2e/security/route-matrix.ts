// Who may call what. One entry per (method, route file) under app/api and per exported server
// action; the specs discover the routes from the source tree at test time and fail when one has no
// entry here (or an entry names a route that is gone), so a new route cannot ship unexamined.
//
// Roles: `anonymous` (no session), `owner` (owns the resources in the request), `other` (another
// ordinary user, sending the owner's ids), `admin` (the administrator, also sending the owner's ids:
// an admin manages accounts and budgets, never reads someone's conversations).
// Every entry says the request each role sends and the status each must get; the spec also checks
// that no response to a role other than the owner contains the owner's marker.

export type Role = "anonymous" | "other" | "owner" | "admin";
export const ROLES: readonly Role[] = ["anonymous", "other", "admin", "owner"];

/** What the spec set up before the matrix runs. */
export type World = {
  /** In the owner's conversation title, first message, answer, system prompt and favourite models; no one else ever sends it. */
  marker: string;
  /** A second word planted beside the marker: what the search entry searches for (a search echoes its query). */
  searchTerm: string;
  ids: Record<Role, string>;
  /** The owner's conversation carrying the marker (a finished exchange). */
  conversationId: string;
  /** The answer of that exchange. */
  answerId: string;
  /** An owner's conversation that is deleted (restore target). */
  deletedConversationId: string;
  /** An owner's conversation the DELETE entry may remove. */
  disposableConversationId: string;
  /** An ordinary account the admin entries change (not one of the four roles). */
  victimUserId: string;
  /** The owner's uploaded file (a PNG whose bytes carry the marker). */
  attachmentId: string;
  /** The owner's personal API key (its name carries the marker). */
  apiKeyId: string;
  /** An owner's key the revoke entry may revoke. */
  disposableApiKeyId: string;
  /** An owner's key the admin's revoke entry may revoke. */
  adminRevocableApiKeyId: string;
  /** A model alias the admin made; a second one the delete entry may remove. */
  aliasName: string;
  disposableAliasName: string;
  /** The owner's own MCP server, and one the owner's delete entry may remove. */
  ownMcpServerId: string;
  disposableOwnMcpServerId: string;
  /** A team MCP server the admin added, and one the admin's delete entry may remove. */
  teamMcpServerId: string;
  disposableTeamMcpServerId: string;
};

export type MatrixRequest = {
  path: string;
  /** JSON body. */
  data?: unknown;
  form?: Record<string, string>;
  /** Raw body (with `headers`), for uploads. */
  body?: Buffer;
  headers?: Record<string, string>;
};

export type Expected = number | readonly number[];

export type MatrixEntry = {
  about: string;
  request: (role: Role, w: World) => MatrixRequest;
  expect: Record<Role, Expected>;
  /** The owner's answer must contain the marker: proves the leak check would see a leak here. */
  ownerSeesMarker?: boolean;
  /**
   * CSRF defence of a state-changing route: `origin` (lib/http assertSameOrigin: a cross-site
   * Origin gets 403 forbidden:csrf), `authjs` (Auth.js's double-submit token), `bearer` (the API
   * gateway: only an `Authorization: Bearer` key, which a browser never sends on its own, authenticates;
   * cookies are ignored), `none` (reads only).
   */
  csrf: "origin" | "authjs" | "bearer" | "none";
  /** Sent by this role in the bad-input corpus (default owner). */
  inputRole?: Role;
  /**
   * A known, reported violation: the entry's test is expected to fail until it is fixed (then it
   * "unexpectedly passes" and this line must go).
   */
  knownBug?: string;
};

const SIGNED_OUT = 401;
const ownerOnly = (owner: Expected = 200): Record<Role, Expected> => ({ anonymous: SIGNED_OUT, other: 404, admin: 404, owner });
const anyUser = (status: Expected = 200): Record<Role, Expected> => ({ anonymous: SIGNED_OUT, other: status, admin: status, owner: status });
const adminOnly = (status: Expected = 200): Record<Role, Expected> => ({ anonymous: SIGNED_OUT, other: 403, admin: status, owner: 403 });
const everyone = (status: Expected): Record<Role, Expected> => ({ anonymous: status, other: status, admin: status, owner: status });

let counter = 0;
const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}${Math.random().toString(36).slice(2, 8)}`;

/** A minimal valid Switchboard export with one conversation (neutral content). */
export function importFile(title = "Imported by the matrix") {
  return {
    format: "switchboard-export",
    version: 1,
    conversations: [
      {
        title,
        model: "openai/gpt-4o-mini",
        messages: [
          { role: "user", parts: [{ type: "text", text: "hello from an import" }] },
          { role: "assistant", parts: [{ type: "text", text: "hello back" }], status: "complete" },
        ],
      },
    ],
  };
}

/** A file the upload sniffs as a PNG (its signature), carrying `text` in its bytes. */
export function pngWith(text: string): Buffer {
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from(` ${text} `, "utf8")]);
}

export function chatRequest(conversationId: string, text: string) {
  return {
    id: conversationId,
    trigger: "submit-message",
    model: "openai/gpt-4o-mini",
    message: { id: unique("m"), role: "user", parts: [{ type: "text", text }] },
  };
}

export const routeMatrix: Record<string, MatrixEntry> = {
  // ---- public -------------------------------------------------------------------------------
  "GET /api/health": {
    about: "liveness and database check, public",
    request: () => ({ path: "/api/health" }),
    expect: everyone(200),
    csrf: "none",
  },
  "GET /api/metrics": {
    about: "Prometheus metrics, guarded by METRICS_TOKEN (its own bearer token, not a session); unset here: off for everyone",
    request: () => ({ path: "/api/metrics" }),
    expect: everyone(404),
    csrf: "none",
  },
  "GET /api/auth/[...nextauth]": {
    about: "Auth.js reads (session, csrf, providers): each caller sees only their own session",
    request: () => ({ path: "/api/auth/session" }),
    expect: everyone(200),
    csrf: "none",
  },
  "POST /api/auth/[...nextauth]": {
    about: "Auth.js actions: a credentials sign-in without the CSRF token is refused (redirect to the error page)",
    request: (_role, w) => ({ path: "/api/auth/callback/credentials", form: { email: `${w.ids.owner}@example.com`, password: "x" } }),
    expect: everyone(302),
    csrf: "authjs",
  },
  "POST /api/auth/register": {
    about: "create an account (registration open): anyone; never signs the caller in as someone else",
    request: () => ({
      path: "/api/auth/register",
      data: { name: "Matrix", email: `${unique("reg")}@example.com`, password: "long-enough-password" },
    }),
    expect: everyone(201),
    csrf: "origin",
    inputRole: "anonymous",
  },

  // ---- chat ---------------------------------------------------------------------------------
  "POST /api/chat": {
    about: "send a message into a conversation: only its owner; another's id is 404, not a new chat",
    request: (_role, w) => ({ path: "/api/chat", data: chatRequest(w.conversationId, 'matrix turn [[sb:say text="ok"]]') }),
    expect: ownerOnly(200),
    ownerSeesMarker: false,
    csrf: "origin",
  },
  "GET /api/chat/[id]/stream": {
    about: "reattach to the answer being written: only the owner",
    request: (_role, w) => ({ path: `/api/chat/${w.conversationId}/stream` }),
    expect: ownerOnly([200, 204]),
    csrf: "none",
  },
  "POST /api/chat/[id]/stop": {
    about: "stop the answer being written: only the owner",
    request: (_role, w) => ({ path: `/api/chat/${w.conversationId}/stop` }),
    expect: ownerOnly(200),
    csrf: "origin",
  },
  "GET /api/models": {
    about: "the model catalog: any signed-in user",
    request: () => ({ path: "/api/models" }),
    expect: anyUser(200),
    csrf: "none",
  },
  "GET /api/models/[author]/[slug]/endpoints": {
    about: "a model's endpoints (providers, prices): any signed-in user",
    request: () => ({ path: "/api/models/openai/gpt-4o-mini/endpoints" }),
    expect: anyUser(200),
    csrf: "none",
  },
  "GET /api/me/preferences": {
    about: "the caller's model preferences",
    request: () => ({ path: "/api/me/preferences" }),
    expect: anyUser(200),
    ownerSeesMarker: true,
    csrf: "none",
  },
  "PATCH /api/me/preferences": {
    about: "change the caller's own preferences only",
    request: (role, w) => ({
      path: "/api/me/preferences",
      data: { favoriteModels: role === "owner" ? ["openai/gpt-4o-mini", `x/${w.marker}`] : ["openai/gpt-4o-mini"] },
    }),
    expect: anyUser(200),
    ownerSeesMarker: true,
    csrf: "origin",
  },

  // ---- history ------------------------------------------------------------------------------
  "GET /api/conversations": {
    about: "the caller's conversation list and search (searching for the owner's marker finds nothing for others)",
    request: (_role, w) => ({ path: `/api/conversations?q=${encodeURIComponent(w.searchTerm)}` }),
    expect: anyUser(200),
    ownerSeesMarker: true,
    csrf: "none",
  },
  "GET /api/conversations/[id]": {
    about: "a conversation with its messages: only the owner",
    request: (_role, w) => ({ path: `/api/conversations/${w.conversationId}` }),
    expect: ownerOnly(200),
    ownerSeesMarker: true,
    csrf: "none",
  },
  "PATCH /api/conversations/[id]": {
    about: "rename, pin, change model or settings: only the owner",
    request: (_role, w) => ({ path: `/api/conversations/${w.conversationId}`, data: { pinned: true } }),
    expect: ownerOnly(200),
    ownerSeesMarker: true,
    csrf: "origin",
  },
  "DELETE /api/conversations/[id]": {
    about: "soft-delete: only the owner",
    request: (_role, w) => ({ path: `/api/conversations/${w.disposableConversationId}` }),
    expect: ownerOnly(200),
    csrf: "origin",
  },
  "POST /api/conversations/[id]/restore": {
    about: "undo a delete: only the owner",
    request: (_role, w) => ({ path: `/api/conversations/${w.deletedConversationId}/restore` }),
    expect: ownerOnly(200),
    csrf: "origin",
  },
  "POST /api/conversations/[id]/alternatives": {
    about: "show (or keep) one answer of a turn: only the owner",
    request: (_role, w) => ({ path: `/api/conversations/${w.conversationId}/alternatives`, data: { messageId: w.answerId } }),
    expect: ownerOnly(200),
    csrf: "origin",
  },
  "GET /api/conversations/[id]/export": {
    about: "download one conversation: only the owner",
    request: (_role, w) => ({ path: `/api/conversations/${w.conversationId}/export?format=json` }),
    expect: ownerOnly(200),
    ownerSeesMarker: true,
    csrf: "none",
  },
  "GET /api/account/export": {
    about: "download all of the caller's conversations, never anyone else's",
    request: () => ({ path: "/api/account/export" }),
    expect: anyUser(200),
    ownerSeesMarker: true,
    csrf: "none",
  },
  "POST /api/account/import": {
    about: "import an export into the caller's own account",
    request: () => ({ path: "/api/account/import", data: importFile() }),
    expect: anyUser(201),
    csrf: "origin",
  },

  "GET /api/account/keys": {
    about: "the caller's personal API keys (prefixes, never values)",
    request: () => ({ path: "/api/account/keys" }),
    expect: anyUser(200),
    csrf: "none",
  },
  "POST /api/account/keys": {
    about: "create a personal API key for the caller",
    request: () => ({ path: "/api/account/keys", data: { name: "matrix key" } }),
    expect: anyUser(201),
    csrf: "origin",
  },
  "DELETE /api/account/keys/[id]": {
    about: "revoke a personal API key: only its owner (the admin revokes from the admin routes)",
    request: (_role, w) => ({ path: `/api/account/keys/${w.disposableApiKeyId}` }),
    expect: ownerOnly(200),
    csrf: "origin",
  },

  "GET /api/account/keys/[id]/logs": {
    about: "a keep-a-log key's requests and answers: only its owner (the admin too gets 404)",
    request: (_role, w) => ({ path: `/api/account/keys/${w.apiKeyId}/logs` }),
    expect: ownerOnly(200),
    csrf: "none",
  },
  "GET /api/account/keys/[id]/logs/export": {
    about: "a key's whole log as a file: only its owner",
    request: (_role, w) => ({ path: `/api/account/keys/${w.apiKeyId}/logs/export` }),
    expect: ownerOnly(200),
    csrf: "none",
  },

  // ---- MCP servers (users' own servers are on in the security app) --------------------------
  "GET /api/mcp/tools": {
    about: "the tools the caller may turn on: built-ins, the team's servers and the caller's own",
    request: () => ({ path: "/api/mcp/tools" }),
    expect: anyUser(200),
    csrf: "none",
  },
  "GET /api/mcp/servers": {
    about: "the caller's own MCP servers (never their credentials)",
    request: () => ({ path: "/api/mcp/servers" }),
    expect: anyUser(200),
    csrf: "none",
  },
  "POST /api/mcp/servers": {
    about: "add an MCP server of the caller's own",
    request: () => ({ path: "/api/mcp/servers", data: { name: unique("mcp"), url: "http://127.0.0.1:9/mcp", availability: "opt-in" } }),
    expect: anyUser(201),
    csrf: "origin",
  },
  "PATCH /api/mcp/servers/[id]": {
    about: "change one's own MCP server: only its owner (the admin too gets 404)",
    request: (_role, w) => ({ path: `/api/mcp/servers/${w.ownMcpServerId}`, data: { enabledTools: null } }),
    expect: ownerOnly(200),
    csrf: "origin",
  },
  "DELETE /api/mcp/servers/[id]": {
    about: "remove one's own MCP server: only its owner",
    request: (_role, w) => ({ path: `/api/mcp/servers/${w.disposableOwnMcpServerId}` }),
    expect: ownerOnly(204),
    csrf: "origin",
  },
  "POST /api/mcp/servers/[id]/refresh": {
    about: "reconnect to one's own MCP server and list its tools: only its owner",
    request: (_role, w) => ({ path: `/api/mcp/servers/${w.ownMcpServerId}/refresh` }),
    expect: ownerOnly([200, 502]),
    csrf: "origin",
  },
  "GET /api/admin/mcp/servers": {
    about: "the team's MCP servers with status and tools (never credentials): admin only",
    request: () => ({ path: "/api/admin/mcp/servers" }),
    expect: adminOnly(200),
    csrf: "none",
    inputRole: "admin",
  },
  "POST /api/admin/mcp/servers": {
    about: "add a team MCP server: admin only",
    request: () => ({ path: "/api/admin/mcp/servers", data: { name: unique("mcp"), url: "http://127.0.0.1:9/mcp", availability: "opt-in" } }),
    expect: adminOnly(201),
    csrf: "origin",
    inputRole: "admin",
  },
  "PATCH /api/admin/mcp/servers/[id]": {
    about: "change a team MCP server: admin only",
    request: (_role, w) => ({ path: `/api/admin/mcp/servers/${w.teamMcpServerId}`, data: { availability: "opt-in" } }),
    expect: adminOnly(200),
    csrf: "origin",
    inputRole: "admin",
  },
  "DELETE /api/admin/mcp/servers/[id]": {
    about: "remove a team MCP server: admin only",
    request: (_role, w) => ({ path: `/api/admin/mcp/servers/${w.disposableTeamMcpServerId}` }),
    expect: adminOnly(204),
    csrf: "origin",
    inputRole: "admin",
  },
  "POST /api/admin/mcp/servers/[id]/refresh": {
    about: "reconnect to a team MCP server: admin only",
    request: (_role, w) => ({ path: `/api/admin/mcp/servers/${w.teamMcpServerId}/refresh` }),
    expect: adminOnly([200, 502]),
    csrf: "origin",
    inputRole: "admin",
  },

  // ---- the API gateway (personal keys only: a session is not a key) --------------------------
  "POST /api/v1/chat/completions": {
    about: "OpenAI-compatible chat completions: a Bearer key only; a session cookie is refused",
    request: () => ({ path: "/api/v1/chat/completions", data: { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }] } }),
    expect: everyone(401),
    csrf: "bearer",
  },
  "POST /api/v1/embeddings": {
    about: "OpenAI-compatible embeddings: a Bearer key only",
    request: () => ({ path: "/api/v1/embeddings", data: { model: "openai/text-embedding-3-small", input: "hi" } }),
    expect: everyone(401),
    csrf: "bearer",
  },
  "GET /api/v1/models": {
    about: "the models a key may use: a Bearer key only",
    request: () => ({ path: "/api/v1/models" }),
    expect: everyone(401),
    csrf: "none",
  },
  "GET /api/v1/generation": {
    about: "one of the key owner's generations: a Bearer key only",
    request: () => ({ path: "/api/v1/generation?id=gen-matrix" }),
    expect: everyone(401),
    csrf: "none",
  },

  // ---- attachments ---------------------------------------------------------------------------
  "POST /api/attachments": {
    about: "upload a file into the caller's own store",
    request: (role) => ({
      path: "/api/attachments",
      body: pngWith(`uploaded by ${role}`),
      headers: { "content-type": "application/octet-stream", "x-filename": `${role}.png` },
    }),
    expect: anyUser(201),
    csrf: "origin",
  },
  "GET /api/attachments/[id]": {
    about: "an uploaded file: only its owner (anyone else, the admin too, gets the same 404 as for no file)",
    request: (_role, w) => ({ path: `/api/attachments/${w.attachmentId}` }),
    expect: ownerOnly(200),
    ownerSeesMarker: true,
    csrf: "none",
  },

  // ---- spend --------------------------------------------------------------------------------
  "GET /api/spend": {
    about: "the caller's spend (by conversation: titles of the caller's conversations only)",
    request: () => ({ path: "/api/spend?groupBy=conversation" }),
    expect: anyUser(200),
    ownerSeesMarker: true,
    csrf: "none",
  },
  "GET /api/spend/summary": {
    about: "the caller's month-to-date spend and limit",
    request: () => ({ path: "/api/spend/summary" }),
    expect: anyUser(200),
    csrf: "none",
  },
  "GET /api/spend/export.csv": {
    about: "the caller's usage rows as CSV",
    request: () => ({ path: "/api/spend/export.csv" }),
    expect: anyUser(200),
    ownerSeesMarker: true,
    csrf: "none",
  },
  "PATCH /api/spend/limit": {
    about: "the caller's own spending limit",
    request: () => ({ path: "/api/spend/limit", data: { limitNano: null } }),
    expect: anyUser(200),
    csrf: "origin",
  },
  "POST /api/spend/estimate": {
    about: "input-cost preview; another's conversation id is treated as a new chat (its context stays secret)",
    request: (_role, w) => ({ path: "/api/spend/estimate", data: { conversationId: w.conversationId, model: "openai/gpt-4o-mini", text: "hi" } }),
    expect: anyUser(200),
    csrf: "origin",
  },

  // ---- admin --------------------------------------------------------------------------------
  "GET /api/admin/users": {
    about: "every account with its spend: admin only",
    request: () => ({ path: "/api/admin/users" }),
    expect: adminOnly(200),
    csrf: "none",
    inputRole: "admin",
  },
  "PATCH /api/admin/users/[id]": {
    about: "set an account's budget or disable it: admin only",
    request: (_role, w) => ({ path: `/api/admin/users/${w.victimUserId}`, data: { monthlyBudgetNano: null } }),
    expect: adminOnly(200),
    csrf: "origin",
    inputRole: "admin",
  },
  "GET /api/admin/settings": {
    about: "instance settings: admin only",
    request: () => ({ path: "/api/admin/settings" }),
    expect: adminOnly(200),
    csrf: "none",
    inputRole: "admin",
  },
  "PUT /api/admin/settings": {
    about: "change the default budget: admin only",
    request: () => ({ path: "/api/admin/settings", data: { defaultMonthlyBudgetNano: null } }),
    expect: adminOnly(200),
    csrf: "origin",
    inputRole: "admin",
  },
  "GET /api/admin/keys": {
    about: "every personal key with its owner (names and prefixes, never values): admin only",
    request: () => ({ path: "/api/admin/keys" }),
    expect: adminOnly(200),
    csrf: "none",
    inputRole: "admin",
  },
  "DELETE /api/admin/keys/[id]": {
    about: "revoke any user's key: admin only",
    request: (_role, w) => ({ path: `/api/admin/keys/${w.adminRevocableApiKeyId}` }),
    expect: adminOnly(200),
    csrf: "origin",
    inputRole: "admin",
  },
  "GET /api/admin/api-access": {
    about: "whether personal keys work at all: admin only",
    request: () => ({ path: "/api/admin/api-access" }),
    expect: adminOnly(200),
    csrf: "none",
    inputRole: "admin",
  },
  "PUT /api/admin/api-access": {
    about: "turn personal keys on or off for everyone: admin only",
    request: () => ({ path: "/api/admin/api-access", data: { enabled: true } }),
    expect: adminOnly(200),
    csrf: "origin",
    inputRole: "admin",
  },
  "GET /api/admin/aliases": {
    about: "the model aliases with their fallbacks and provider preferences: admin only",
    request: () => ({ path: "/api/admin/aliases" }),
    expect: adminOnly(200),
    csrf: "none",
    inputRole: "admin",
  },
  "POST /api/admin/aliases": {
    about: "add a model alias: admin only",
    request: () => ({ path: "/api/admin/aliases", data: { name: unique("alias"), model: "openai/gpt-4o-mini" } }),
    expect: adminOnly(201),
    csrf: "origin",
    inputRole: "admin",
  },
  "PUT /api/admin/aliases/[name]": {
    about: "change a model alias: admin only",
    request: (_role, w) => ({
      path: `/api/admin/aliases/${w.aliasName}`,
      data: { model: "openai/gpt-4o-mini", description: "changed by the matrix" },
    }),
    expect: adminOnly(200),
    csrf: "origin",
    inputRole: "admin",
  },
  "DELETE /api/admin/aliases/[name]": {
    about: "remove a model alias: admin only",
    request: (_role, w) => ({ path: `/api/admin/aliases/${w.disposableAliasName}` }),
    expect: adminOnly(200),
    csrf: "origin",
    inputRole: "admin",
  },
  "GET /api/admin/spend": {
    about: "spend of one user or all: admin only; amounts, never conversation content",
    request: (_role, w) => ({ path: `/api/admin/spend?userId=${w.ids.owner}&groupBy=conversation` }),
    expect: adminOnly(200),
    csrf: "none",
    inputRole: "admin",
  },
};

/** Whether a matrix request changes state (so CSRF applies). */
export function isStateChanging(key: string): boolean {
  return !/^(GET|HEAD|OPTIONS) /.test(key);
}

export type ActionEntry = {
  about: string;
  /** Who may run it; `session` = any signed-in user. */
  requires: "session" | "admin" | "public";
};

/**
 * Server actions (`"use server"` exports). Next serves each as a POST to a page with a
 * `Next-Action` header; the spec looks their ids up in the build's manifest and calls them directly:
 * signed out (the proxy sends the visitor to sign-in before the action runs), cross-site (Next's own
 * Origin check refuses), and signed in.
 */
export const serverActionMatrix: Record<string, ActionEntry> = {
  "app/(app)/actions.ts#signOutAction": { about: "sign out (revokes the session row)", requires: "session" },
  "app/(app)/c/[id]/actions.ts#loadEarlierMessagesAction": {
    about: "older messages of a conversation, scrolling up: only its owner's (another user's ids find nothing)",
    requires: "session",
  },
};
