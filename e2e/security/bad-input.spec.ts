// Bad input, the way the real world sends it: malformed JSON, wrong types, missing fields, bodies over
// the limits, overlong strings, NUL and lone surrogates, hostile ids, unknown models, absurd numbers
// and dates. Every case answers a 4xx JSON error with a stable code — never a 500 — and the database
// is byte-for-byte unchanged: compared table by table with `pg` when the security app runs on
// PostgreSQL (the PostgreSQL run), else through the API (everything the users and the admin can read).
import pg from "pg";
import { statusForCode, type ErrorCode } from "@/lib/errors";
import {
  actionCasesFor,
  casesFor,
  encodeSegment,
  rawRequest,
  UNKNOWN_ID,
  BAD_IDS,
  type ActionCase,
  type ActionCorpusEntry,
  type Case,
  type CorpusEntry,
  type FieldSpec,
  type CorpusWorld,
} from "./bad-input";
import { chatRequest, importFile, pngWith, type Role } from "./route-matrix";
import { answerIdOf, builtServerActions, discoverApiRoutes, newId, poll, readsInput, type Client, type Reply } from "./support";
import { expect, test, type SecurityApp } from "./world";

const id = { kind: "id" } as const;
const model = { kind: "model" } as const;
const nullableNano = { kind: "nano", nullable: true } as const;
const date = { kind: "date" } as const;
const settings = {
  "settings.temperature": { kind: "number", min: 0, max: 2, nullable: true },
  "settings.maxTokens": { kind: "number", min: 1, max: 1_000_000, int: true, nullable: true },
  "settings.topP": { kind: "number", min: 0, max: 1, nullable: true },
  "settings.reasoningEffort": { kind: "enum", values: ["low", "medium", "high"], nullable: true },
  "settings.systemPrompt": { kind: "string", max: 20_000, nullable: true },
} as const;

const searchProbes = [
  "' OR 1=1 --",
  `x"); DROP TABLE "Message"; --`,
  ") | (",
  "-",
  "!",
  "&|!():*",
  '"unclosed',
  "\\",
  "a:*",
  "<script>alert(1)</script>",
  "\u202Egnp.exe",
  "%",
  "_",
  "*".repeat(200),
];

const mcpName = () => `corpus-${newId("").slice(0, 12)}`;

/** An MCP server's fields (lib/mcp/types.ts); `create` makes name and url required. */
function mcpServerBody(create: boolean): Record<string, FieldSpec> {
  return {
    name: { kind: "string", min: 1, max: 24, required: create },
    url: { kind: "string", min: 1, max: 2_000, required: create },
    transport: { kind: "enum", values: ["streamable-http", "sse"] },
    availability: { kind: "enum", values: ["everyone", "opt-in"] },
    bearerToken: { kind: "string", min: 1, max: 8_000, nullable: true },
    headers: { kind: "object", nullable: true },
    enabledTools: { kind: "array", max: 500, nullable: true },
    approvalTools: { kind: "array", max: 500 },
  };
}

/** A user's server may not be anything but an http(s) URL (private addresses are allowed in the security app). */
function mcpUrlCases(path: string): Case[] {
  return ["javascript:alert(1)", "file:///etc/passwd", "ftp://example.com/mcp", "not a url", "http://"].map((url): Case => ({
    name: `url: ${url}`,
    method: "POST",
    path,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: mcpName(), url }),
    expect: [400],
  }));
}

/** Every route that reads a body, a query string or a path id needs an entry. */
const corpus: Record<string, CorpusEntry> = {
  "POST /api/auth/register": {
    role: "anonymous",
    control: () => ({
      path: "/api/auth/register",
      json: { name: "Corpus", email: `corpus-${newId("")}@example.com`, password: "long-enough-password" },
      status: 201,
    }),
    body: {
      name: { kind: "string", min: 1, max: 100, required: true },
      email: { kind: "email", required: true },
      password: { kind: "string", min: 8, max: 200, required: true },
    },
    maxBytes: 10_000,
  },
  "POST /api/chat": {
    role: "owner",
    control: (w) => ({ path: "/api/chat", json: chatRequest(w.conversationId, 'control [[sb:say text="ok"]]'), status: 200 }),
    body: {
      id: { ...id, required: true },
      trigger: { kind: "enum", values: ["submit-message", "regenerate-message", "tool-approval"], required: true },
      model: { ...model, required: true },
      "message.id": { ...id, required: true },
      "message.role": { kind: "enum", values: ["user"], required: true },
      "message.parts": { kind: "array", max: 50, required: true },
      "message.parts.0.type": { kind: "enum", values: ["text"], required: true },
      "message.parts.0.text": { kind: "string", min: 1, max: 100_000, required: true },
      messageId: id,
      models: { kind: "array", max: 4 },
      ...settings,
    },
    maxBytes: 100_000 * 4 + 64_000,
    extra: (w) => [
      {
        name: "regenerate in a conversation that does not exist",
        method: "POST",
        path: "/api/chat",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ...chatRequest(UNKNOWN_ID, "x"), trigger: "regenerate-message", message: undefined }),
      },
      {
        name: "edit a message that does not exist",
        method: "POST",
        path: "/api/chat",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ...chatRequest(w.conversationId, "x"), messageId: UNKNOWN_ID }),
      },
      ...[
        ["approve the tool calls of an answer that does not exist", UNKNOWN_ID, [{ id: "approval-1", approved: true }]],
        ["approve with no answers", UNKNOWN_ID, []],
        ["approve with 21 answers", UNKNOWN_ID, Array.from({ length: 21 }, (_, i) => ({ id: `approval-${i}`, approved: true }))],
        ["an approval id with markup", UNKNOWN_ID, [{ id: "<script>", approved: true }]],
        ["an approval without its answer", UNKNOWN_ID, [{ id: "approval-1" }]],
        ["an approval with a field of its own", UNKNOWN_ID, [{ id: "approval-1", approved: true, execute: true }]],
      ].map(([name, messageId, approvals]) => ({
        name: String(name),
        method: "POST",
        path: "/api/chat",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ id: w.conversationId, trigger: "tool-approval", messageId, model: "openai/gpt-4o-mini", approvals }),
      })),
      {
        name: "approve tool calls of the conversation's answer that waits for none",
        method: "POST",
        path: "/api/chat",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          id: w.conversationId,
          trigger: "tool-approval",
          messageId: w.answerId,
          model: "openai/gpt-4o-mini",
          approvals: [{ id: "approval-1", approved: true }],
        }),
      },
      {
        name: "51 parts",
        method: "POST",
        path: "/api/chat",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          ...chatRequest(w.conversationId, "x"),
          message: { id: newId("m"), role: "user", parts: Array.from({ length: 51 }, () => ({ type: "text", text: "x" })) },
        }),
      },
      ...[
        ["compare with one model", ["openai/gpt-4o-mini"]],
        ["compare with the same model twice", ["openai/gpt-4o-mini", "openai/gpt-4o-mini"]],
        ["compare with an unknown model", ["openai/gpt-4o-mini", "nobody/no-such-model"]],
      ].map(([name, models]) => ({
        name: String(name),
        method: "POST",
        path: "/api/chat",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ...chatRequest(w.conversationId, "x"), models }),
      })),
      {
        name: "an image part",
        method: "POST",
        path: "/api/chat",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          ...chatRequest(w.conversationId, "x"),
          message: { id: newId("m"), role: "user", parts: [{ type: "file", url: "file:///etc/passwd", mediaType: "text/plain" }] },
        }),
      },
    ],
  },
  "POST /api/chat/[id]/stop": { role: "owner", control: (w) => ({ path: `/api/chat/${w.conversationId}/stop`, status: 200 }) },
  "GET /api/chat/[id]/stream": { role: "owner", control: (w) => ({ path: `/api/chat/${w.conversationId}/stream`, status: [200, 204] }) },
  "GET /api/conversations": {
    role: "owner",
    control: () => ({ path: "/api/conversations?limit=20", status: 200 }),
    query: {
      limit: { kind: "number", min: 1, max: 100, int: true },
      cursor: { kind: "string", max: 400 },
      q: { kind: "string", max: 500 },
    },
    strictQuery: true,
    extra: () =>
      searchProbes.map((q): Case => ({
        name: `search probe ${JSON.stringify(q)}`,
        method: "GET",
        path: `/api/conversations?q=${encodeURIComponent(q)}`,
        expect: [200],
      })),
  },
  "GET /api/conversations/[id]": { role: "owner", control: (w) => ({ path: `/api/conversations/${w.conversationId}`, status: 200 }) },
  "PATCH /api/conversations/[id]": {
    role: "owner",
    control: (w) => ({ path: `/api/conversations/${w.conversationId}`, json: { title: "Renamed by the control" }, status: 200 }),
    body: { title: { kind: "string", min: 1, max: 200 }, pinned: { kind: "boolean" }, model, ...settings },
    maxBytes: 64_000,
    extra: (w) =>
      [
        ["nothing to change", "{}"],
        ["an unknown field", '{"title":"x","owner":"someone"}'],
        ["a title of spaces", '{"title":"   "}'],
        ["prototype pollution", '{"title":"x","__proto__":{"admin":true}}'],
      ].map(([name, body]) => ({
        name,
        method: "PATCH",
        path: `/api/conversations/${w.conversationId}`,
        headers: { "content-type": "application/json" },
        body,
      })),
  },
  "DELETE /api/conversations/[id]": { role: "owner", control: (w) => ({ path: `/api/conversations/${w.disposableId}`, status: 200 }) },
  "POST /api/conversations/[id]/restore": { role: "owner", control: (w) => ({ path: `/api/conversations/${w.deletedId}/restore`, status: 200 }) },
  "POST /api/conversations/[id]/alternatives": {
    role: "owner",
    control: (w) => ({ path: `/api/conversations/${w.conversationId}/alternatives`, json: { messageId: w.answerId, keep: true }, status: 200 }),
    body: { messageId: { ...id, required: true }, keep: { kind: "boolean" } },
    maxBytes: 4_000,
    extra: (w) =>
      [
        ["the question, not an answer", JSON.stringify({ messageId: w.questionId })],
        ["an unknown field", JSON.stringify({ messageId: w.answerId, variant: 2 })],
      ].map(([name, body]) => ({
        name,
        method: "POST",
        path: `/api/conversations/${w.conversationId}/alternatives`,
        headers: { "content-type": "application/json" },
        body,
      })),
  },
  "GET /api/conversations/[id]/export": {
    role: "owner",
    control: (w) => ({ path: `/api/conversations/${w.conversationId}/export?format=json`, status: 200 }),
    query: { format: { kind: "enum", values: ["md", "json"] } },
    strictQuery: true,
  },
  "POST /api/account/import": {
    role: "owner",
    control: () => ({ path: "/api/account/import", json: importFile("Imported by the corpus control"), status: 201 }),
    body: {
      format: { kind: "enum", values: ["switchboard-export"], required: true },
      version: { kind: "number", min: 1, max: 1, int: true, required: true },
      conversations: { kind: "array", max: 20_000, required: true },
      "conversations.0.title": { kind: "string", max: 500, required: true },
      "conversations.0.model": { kind: "string", min: 1, max: 200, required: true },
      "conversations.0.messages": { kind: "array", max: 20_000, required: true },
      "conversations.0.messages.0.role": { kind: "enum", values: ["user", "assistant"], required: true },
      "conversations.0.messages.0.parts.0.type": { kind: "string", min: 1, max: 100, required: true },
      "conversations.0.messages.0.parts.0.text": { kind: "text", required: true },
      "conversations.0.createdAt": { kind: "datetime" },
      "conversations.0.systemPrompt": { kind: "string", max: 20_000, nullable: true },
    },
    maxBytes: 50 * 1024 * 1024,
    extra: () => {
      const at = (createdAt: string) => {
        const file = importFile("dated");
        return JSON.stringify({ ...file, conversations: [{ ...file.conversations[0], createdAt }] });
      };
      const cases: [string, string][] = [
        ["a date before year 1", at("0000-01-01T00:00:00Z")],
        ["a date beyond year 9999", at("+275760-09-13T00:00:00Z")],
        ["a date that is not one", at("2024-02-30T00:00:00Z")],
      ];
      return cases.map(([name, body]): Case => ({
        name,
        method: "POST",
        path: "/api/account/import",
        headers: { "content-type": "application/json" },
        body,
        expect: [400],
      }));
    },
  },
  "POST /api/account/keys": {
    role: "owner",
    control: () => ({ path: "/api/account/keys", json: { name: "corpus control" }, status: 201 }),
    body: {
      name: { kind: "string", min: 1, max: 100, required: true },
      expiresAt: { kind: "datetime", nullable: true },
      allowedModels: { kind: "array", max: 100 },
      "allowedModels.0": { kind: "string", min: 1, max: 200 },
      keepLog: { kind: "boolean" },
      requestsPerMinute: { kind: "number", min: 1, max: 1_000_000, int: true, nullable: true },
      tokensPerMinute: { kind: "number", min: 1, max: 1_000_000_000, int: true, nullable: true },
    },
    maxBytes: 20_000,
    extra: () =>
      (
        [
          ["a negative cap", { name: "x", monthlyCapUsd: "-1" }],
          ["a cap in exponent notation", { name: "x", monthlyCapUsd: "1e3" }],
          ["a cap as a number", { name: "x", monthlyCapUsd: 5 }],
          ["an expiry in the past", { name: "x", expiresAt: "2001-01-01T00:00:00Z" }],
          ["a model id with markup", { name: "x", allowedModels: ["<img src=x>"] }],
          ["a hash of its own", { name: "x", hash: "0".repeat(64) }],
          ["a name of spaces", { name: "   " }],
        ] as const
      ).map(([name, body]): Case => ({
        name,
        method: "POST",
        path: "/api/account/keys",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
        expect: [400],
      })),
  },
  "DELETE /api/account/keys/[id]": { role: "owner", control: (w) => ({ path: `/api/account/keys/${w.disposableApiKeyId}`, status: 200 }) },
  "GET /api/account/keys/[id]/logs": {
    role: "owner",
    control: (w) => ({ path: `/api/account/keys/${w.apiKeyId}/logs`, status: 200 }),
    query: { cursor: { kind: "string", min: 1, max: 100 } },
    strictQuery: true,
  },
  "GET /api/account/keys/[id]/logs/export": { role: "owner", control: (w) => ({ path: `/api/account/keys/${w.apiKeyId}/logs/export`, status: 200 }) },
  "POST /api/attachments": {
    role: "owner",
    control: () => ({ path: "/api/attachments", body: pngWith("the control's file"), headers: upload("control.png"), status: 201 }),
    extra: () => uploadCases(),
  },
  "GET /api/attachments/[id]": { role: "owner", control: (w) => ({ path: `/api/attachments/${w.attachmentId}`, status: 200 }) },
  "GET /api/models/[author]/[slug]/endpoints": {
    role: "owner",
    control: () => ({ path: "/api/models/openai/gpt-4o-mini/endpoints", status: 200 }),
    extra: () =>
      Object.entries({ ...BAD_IDS, "unknown model": "nobody", "URL in a segment": "https:%2F%2Fevil.example" })
        .filter(([, v]) => v !== "")
        .flatMap(([name, v]): Case[] => {
          const segment = name === "encoded traversal" || name === "URL in a segment" ? v : encodeSegment(v);
          return [
            { name: `author: ${name}`, method: "GET", path: `/api/models/${segment}/gpt-4o-mini/endpoints`, expect: [400, 404] },
            { name: `slug: ${name}`, method: "GET", path: `/api/models/openai/${segment}/endpoints`, expect: [400, 404] },
          ];
        }),
  },
  "PATCH /api/me/preferences": {
    role: "owner",
    control: () => ({ path: "/api/me/preferences", json: { favoriteModels: ["openai/gpt-4o-mini"] }, status: 200 }),
    body: {
      defaultModel: model,
      favoriteModels: { kind: "array", max: 100 },
      "favoriteModels.0": { kind: "string", min: 1, max: 200 },
      defaultTools: { kind: "array", max: 500, nullable: true },
    },
    maxBytes: 20_000,
  },
  "GET /api/spend": {
    role: "owner",
    control: () => ({ path: "/api/spend?from=2024-01-01&to=2024-01-31&groupBy=day", status: 200 }),
    query: { from: date, to: date, groupBy: { kind: "enum", values: ["day", "model", "provider", "conversation", "key"] } },
    extra: () => spendRangeCases("/api/spend?groupBy=day&"),
  },
  "GET /api/spend/export.csv": {
    role: "owner",
    control: () => ({ path: "/api/spend/export.csv?from=2024-01-01&to=2024-01-31", status: 200 }),
    query: { from: date, to: date },
    extra: () => spendRangeCases("/api/spend/export.csv?"),
  },
  "PATCH /api/spend/limit": {
    role: "owner",
    control: () => ({ path: "/api/spend/limit", json: { limitNano: "5000000000" }, status: 200 }),
    body: { limitNano: { ...nullableNano, required: true } },
    maxBytes: 1_000,
  },
  "POST /api/spend/estimate": {
    role: "owner",
    control: (w) => ({
      path: "/api/spend/estimate",
      json: { conversationId: w.conversationId, model: "openai/gpt-4o-mini", text: "hi" },
      status: 200,
    }),
    body: { conversationId: id, model: { ...model, required: true }, text: { kind: "string", max: 2_000_000, required: true } },
    maxBytes: 8_000_000,
  },
  "PATCH /api/admin/users/[id]": {
    role: "admin",
    control: (w) => ({ path: `/api/admin/users/${w.victimUserId}`, json: { monthlyBudgetNano: null }, status: 200 }),
    body: { monthlyBudgetNano: nullableNano, disabled: { kind: "boolean" } },
    maxBytes: 1_000,
    extra: (w) => [
      {
        name: "nothing to change",
        method: "PATCH",
        path: `/api/admin/users/${w.victimUserId}`,
        headers: { "content-type": "application/json" },
        body: "{}",
      },
    ],
  },
  "PUT /api/admin/settings": {
    role: "admin",
    control: () => ({ path: "/api/admin/settings", json: { defaultMonthlyBudgetNano: null }, status: 200 }),
    body: { defaultMonthlyBudgetNano: { ...nullableNano, required: true } },
    maxBytes: 1_000,
  },
  "DELETE /api/admin/keys/[id]": { role: "admin", control: (w) => ({ path: `/api/admin/keys/${w.adminRevocableApiKeyId}`, status: 200 }) },
  "PUT /api/admin/api-access": {
    role: "admin",
    control: () => ({ path: "/api/admin/api-access", json: { enabled: true }, status: 200 }),
    body: { enabled: { kind: "boolean", required: true } },
    maxBytes: 1_000,
  },
  "POST /api/admin/aliases": {
    role: "admin",
    control: () => ({ path: "/api/admin/aliases", json: { name: `corpus-${newId("").toLowerCase()}`, model: "openai/gpt-4o-mini" }, status: 201 }),
    body: {
      name: { kind: "string", min: 1, max: 64, required: true },
      model: { ...model, required: true },
      fallbacks: { kind: "array", max: 3 },
      provider: { kind: "object", nullable: true },
      description: { kind: "string", max: 500 },
    },
    maxBytes: 10_000,
    extra: () =>
      (
        [
          ["a name that looks like a model id", { name: "openai/gpt-4o-mini", model: "openai/gpt-4o-mini" }],
          ["an uppercase name", { name: "Fast", model: "openai/gpt-4o-mini" }],
          ["an unknown target", { name: "corpus-unknown", model: "nobody/nothing-9000" }],
          ["an unknown fallback", { name: "corpus-fallback", model: "openai/gpt-4o-mini", fallbacks: ["nobody/nothing-9000"] }],
          ["the target as its own fallback", { name: "corpus-self", model: "openai/gpt-4o-mini", fallbacks: ["openai/gpt-4o-mini"] }],
          ["an unknown provider field", { name: "corpus-provider", model: "openai/gpt-4o-mini", provider: { zdr: true } }],
        ] as const
      ).map(([name, body]): Case => ({
        name,
        method: "POST",
        path: "/api/admin/aliases",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
        expect: [400],
      })),
  },
  "PUT /api/admin/aliases/[name]": {
    role: "admin",
    control: (w) => ({
      path: `/api/admin/aliases/${w.aliasName}`,
      json: { model: "openai/gpt-4o-mini", description: "the corpus control" },
      status: 200,
    }),
    body: {
      model: { ...model, required: true },
      fallbacks: { kind: "array", max: 3 },
      provider: { kind: "object", nullable: true },
      description: { kind: "string", max: 500 },
    },
    maxBytes: 10_000,
  },
  "DELETE /api/admin/aliases/[name]": { role: "admin", control: (w) => ({ path: `/api/admin/aliases/${w.disposableAliasName}`, status: 200 }) },
  "POST /api/v1/chat/completions": {
    role: "owner",
    headers: (w) => ({ authorization: `Bearer ${w.apiKey}` }),
    control: () => ({
      path: "/api/v1/chat/completions",
      json: { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: 'corpus control [[sb:say text="ok"]]' }], max_tokens: 50 },
      status: 200,
    }),
    body: {
      model: { ...model, required: true },
      messages: { kind: "array", max: 10_000, required: true },
      "messages.0.role": { kind: "enum", values: ["system", "developer", "user", "assistant", "tool"], required: true },
      "messages.0.content": { kind: "text", required: true },
      temperature: { kind: "number", min: 0, max: 2, nullable: true },
      top_p: { kind: "number", min: 0, max: 1, nullable: true },
      max_tokens: { kind: "number", min: 1, max: 1_000_000, int: true, nullable: true },
      stream: { kind: "boolean", nullable: true },
      tools: { kind: "array", max: 128 },
      models: { kind: "array", max: 3 },
    },
    maxBytes: 20 * 1024 * 1024,
    extra: (w) =>
      (
        [
          ["no messages", { model: "openai/gpt-4o-mini", messages: [] }],
          ["two choices", { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }], n: 2 }],
          ["a tool message without its call id", { model: "openai/gpt-4o-mini", messages: [{ role: "tool", content: "42" }] }],
          ["an unknown content part", { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: [{ type: "video", url: "x" }] }] }],
          [
            "an unknown fallback model",
            { model: "openai/gpt-4o-mini", models: ["nobody/nothing-9000"], messages: [{ role: "user", content: "hi" }] },
          ],
          [
            "a response format of no kind",
            { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }], response_format: { type: "xml" } },
          ],
        ] as const
      ).map(([name, body]): Case => ({
        name,
        method: "POST",
        path: "/api/v1/chat/completions",
        headers: { "content-type": "application/json", authorization: `Bearer ${w.apiKey}` },
        body: JSON.stringify(body),
        expect: [400],
      })),
  },
  "POST /api/v1/embeddings": {
    role: "owner",
    headers: (w) => ({ authorization: `Bearer ${w.apiKey}` }),
    control: () => ({ path: "/api/v1/embeddings", json: { model: "openai/text-embedding-3-small", input: "corpus control" }, status: 200 }),
    body: {
      model: { ...model, required: true },
      input: { kind: "text", required: true },
      encoding_format: { kind: "enum", values: ["float", "base64"] },
      dimensions: { kind: "number", min: 1, max: 65_536, int: true },
    },
    maxBytes: 8 * 1024 * 1024,
  },
  "GET /api/v1/generation": {
    role: "owner",
    headers: (w) => ({ authorization: `Bearer ${w.apiKey}` }),
    control: (w) => ({ path: `/api/v1/generation?id=${encodeURIComponent(w.apiGenerationId)}`, status: 200 }),
    query: { id: { kind: "string", min: 1, max: 200 } },
    extra: (w) =>
      ["gen-unknown-0000", "' OR '1'='1", "../../etc/passwd"].map((id): Case => ({
        name: `an id that is not one of the caller's: ${id}`,
        method: "GET",
        path: `/api/v1/generation?id=${encodeURIComponent(id)}`,
        headers: { authorization: `Bearer ${w.apiKey}` },
        expect: [404],
      })),
  },
  "POST /api/mcp/servers": {
    role: "owner",
    control: () => ({ path: "/api/mcp/servers", json: { name: mcpName(), url: "http://127.0.0.1:9/mcp", availability: "opt-in" }, status: 201 }),
    body: mcpServerBody(true),
    maxBytes: 100_000,
    extra: () => mcpUrlCases("/api/mcp/servers"),
  },
  "PATCH /api/mcp/servers/[id]": {
    role: "owner",
    control: (w) => ({ path: `/api/mcp/servers/${w.ownMcpServerId}`, json: { enabledTools: null }, status: 200 }),
    body: mcpServerBody(false),
    maxBytes: 100_000,
  },
  "DELETE /api/mcp/servers/[id]": { role: "owner", control: (w) => ({ path: `/api/mcp/servers/${w.disposableOwnMcpServerId}`, status: 204 }) },
  "POST /api/mcp/servers/[id]/refresh": {
    role: "owner",
    control: (w) => ({ path: `/api/mcp/servers/${w.ownMcpServerId}/refresh`, status: [200, 502] }),
  },
  "POST /api/admin/mcp/servers": {
    role: "admin",
    control: () => ({
      path: "/api/admin/mcp/servers",
      json: { name: mcpName(), url: "http://127.0.0.1:9/mcp", availability: "opt-in" },
      status: 201,
    }),
    body: mcpServerBody(true),
    maxBytes: 100_000,
  },
  "PATCH /api/admin/mcp/servers/[id]": {
    role: "admin",
    control: (w) => ({ path: `/api/admin/mcp/servers/${w.teamMcpServerId}`, json: { availability: "opt-in" }, status: 200 }),
    body: mcpServerBody(false),
    maxBytes: 100_000,
  },
  "DELETE /api/admin/mcp/servers/[id]": {
    role: "admin",
    control: (w) => ({ path: `/api/admin/mcp/servers/${w.disposableTeamMcpServerId}`, status: 204 }),
  },
  "POST /api/admin/mcp/servers/[id]/refresh": {
    role: "admin",
    control: (w) => ({ path: `/api/admin/mcp/servers/${w.teamMcpServerId}/refresh`, status: [200, 502] }),
  },
  "GET /api/admin/spend": {
    role: "admin",
    control: (w) => ({ path: `/api/admin/spend?userId=${w.ownerId}&groupBy=model`, status: 200 }),
    query: { userId: id, from: date, to: date, groupBy: { kind: "enum", values: ["day", "model", "provider", "conversation", "key"] } },
    extra: () => spendRangeCases("/api/admin/spend?"),
  },
};

/** Server actions, by `file#export` as the build's server-reference manifest names them. */
const actionCorpus: Record<string, ActionCorpusEntry> = {
  "app/(app)/c/[id]/actions.ts#loadEarlierMessagesAction": {
    role: "owner",
    page: (w) => `/c/${w.conversationId}`,
    // The page before the answer: its question.
    control: (w) => [w.conversationId, w.answerId],
    args: [
      { ...id, required: true },
      { ...id, required: true },
    ],
  },
  "app/(app)/actions.ts#signOutAction": { role: "fresh", page: () => "/" },
};

const upload = (filename: string) => ({ "content-type": "application/octet-stream", "x-filename": filename });

/** Uploads that are not files we keep: nothing may be stored. */
function uploadCases(): Case[] {
  const boundary = "sbcorpusboundary";
  const multipart = (parts: { name: string; filename?: string; bytes: Buffer }[], end = true) =>
    Buffer.concat([
      ...parts.flatMap((p) => [
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"` : ""}\r\n\r\n`),
        p.bytes,
        Buffer.from("\r\n"),
      ]),
      Buffer.from(end ? `--${boundary}--\r\n` : ""),
    ]);
  const form = { "content-type": `multipart/form-data; boundary=${boundary}` };
  const png = pngWith("x");
  const cases: [string, Buffer, Record<string, string>][] = [
    ["an empty body", Buffer.alloc(0), upload("empty.png")],
    ["plain text", Buffer.from("just some words"), upload("notes.txt")],
    ["HTML named .png", Buffer.from("<html><script>alert(1)</script></html>"), upload("image.png")],
    ["SVG with a script", Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), upload("image.svg")],
    ["a PNG signature cut short", png.subarray(0, 5), upload("short.png")],
    ["multipart that is not", Buffer.from("garbage without any boundary"), form],
    ["multipart cut off", multipart([{ name: "file", filename: "a.png", bytes: png }], false), form],
    ["multipart with only a text field", multipart([{ name: "note", bytes: Buffer.from("hello") }]), form],
    [
      "multipart with one file that is not an image",
      multipart([
        { name: "file", filename: "a.png", bytes: png },
        { name: "file", filename: "b.png", bytes: Buffer.from("text") },
      ]),
      form,
    ],
    [
      "multipart with more files than allowed",
      multipart(Array.from({ length: 6 }, (_, i) => ({ name: "file", filename: `${i}.png`, bytes: png }))),
      form,
    ],
  ];
  return [
    ...cases.map(([name, body, headers]): Case => ({ name, method: "POST", path: "/api/attachments", body, headers, expect: [400, 413, 415] })),
    {
      name: "a file over the 10 MiB limit, chunked",
      method: "POST",
      path: "/api/attachments",
      headers: upload("big.png"),
      raw: { chunkedBytes: 10 * 1024 * 1024 + 65_536 },
      expect: [413],
    },
  ];
}

function spendRangeCases(prefix: string): Case[] {
  const cases: [string, string, number[]][] = [
    ["from after to", "from=2024-02-01&to=2024-01-01", [400]],
    ["a range of ten thousand years", "from=0001-01-01&to=9999-12-31", [400]],
    // The range's end is the next midnight: 9999-12-31 would reach year 10000.
    ["year zero", "from=0000-01-01&to=0000-01-02", [400]],
    ["the last days of year 9999", "from=9999-12-01&to=9999-12-31", [400]],
    ["repeated parameters (the first counts)", "from=2024-01-01&from=2024-99-99&to=2024-01-02", [200]],
  ];
  return cases.map(([name, query, expected]) => ({ name, method: "GET", path: `${prefix}${query}`, expect: expected }));
}

// ---- the world ------------------------------------------------------------------------------

const clients = {} as Record<Role, Client>;
const world = {} as CorpusWorld;
let app: SecurityApp;

test.beforeAll(async ({ securityApp }) => {
  test.setTimeout(120_000);
  app = securityApp;
  clients.owner = await securityApp.user("corpus-owner");
  clients.admin = securityApp.admin;
  clients.anonymous = await securityApp.client("corpus-anonymous");
  clients.other = await securityApp.user("corpus-other");
  const victim = await securityApp.user("corpus-victim");
  world.ownerId = clients.owner.user!.id;
  world.victimUserId = victim.user!.id;
  world.conversationId = newId();
  world.disposableId = newId();
  world.deletedId = newId();
  const file = await clients.owner.send("POST", "/api/attachments", { body: pngWith("the owner's file"), headers: upload("mine.png") });
  expect(file.status, file.text).toBe(201);
  world.attachmentId = (file.json as { attachments: { id: string }[] }).attachments[0].id;
  for (const name of ["corpus key", "corpus disposable key"]) {
    const created = await clients.owner.post("/api/account/keys", { name });
    expect(created.status, created.text).toBe(201);
    const { key, apiKey } = created.json as { key: string; apiKey: { id: string } };
    if (name === "corpus key") Object.assign(world, { apiKey: key, apiKeyId: apiKey.id });
    else world.disposableApiKeyId = apiKey.id;
  }
  // One API call of the owner's, settled, whose generation the /generation control reads.
  const call = await clients.owner.send("POST", "/api/v1/chat/completions", {
    data: { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: 'corpus call [[sb:say text="ok"]]' }], max_tokens: 50 },
    headers: { authorization: `Bearer ${world.apiKey}` },
  });
  expect(call.status, call.text).toBe(200);
  world.apiGenerationId = (call.json as { id: string }).id;
  const revocable = await clients.owner.post("/api/account/keys", { name: "corpus key the admin revokes" });
  expect(revocable.status, revocable.text).toBe(201);
  world.adminRevocableApiKeyId = (revocable.json as { apiKey: { id: string } }).apiKey.id;
  world.aliasName = `corpus-${newId("").toLowerCase()}`;
  world.disposableAliasName = `corpus-${newId("").toLowerCase()}`;
  for (const name of [world.aliasName, world.disposableAliasName]) {
    const alias = await clients.admin.post("/api/admin/aliases", { name, model: "openai/gpt-4o-mini" });
    expect(alias.status, alias.text).toBe(201);
  }
  const serverOf = async (client: Client, path: string) => {
    const created = await client.post(path, { name: mcpName(), url: "http://127.0.0.1:9/mcp", availability: "opt-in" });
    expect(created.status, created.text).toBe(201);
    return (created.json as { server: { id: string } }).server.id;
  };
  world.ownMcpServerId = await serverOf(clients.owner, "/api/mcp/servers");
  world.disposableOwnMcpServerId = await serverOf(clients.owner, "/api/mcp/servers");
  world.teamMcpServerId = await serverOf(clients.admin, "/api/admin/mcp/servers");
  world.disposableTeamMcpServerId = await serverOf(clients.admin, "/api/admin/mcp/servers");
  for (const conversation of [world.conversationId, world.disposableId, world.deletedId]) {
    const reply = await clients.owner.chat(conversation, 'a first message [[sb:say text="a first answer"]]');
    expect(reply.status, reply.text).toBe(200);
    if (conversation !== world.conversationId) continue;
    world.questionId = reply.messageId;
    world.answerId = answerIdOf(reply);
  }
  expect((await clients.owner.send("DELETE", `/api/conversations/${world.deletedId}`)).status).toBe(200);
  // Nothing may still change on its own while cases run: every cost is settled first.
  await poll("every usage row settled", async () => {
    const csv = await clients.owner.get("/api/spend/export.csv");
    return csv.status === 200 && !csv.text.includes(",pending,");
  });
});

// ---- the database, before and after --------------------------------------------------------

async function snapshot(): Promise<unknown> {
  if (app.databaseUrl) return tablesSnapshot(app.databaseUrl);
  return apiSnapshot();
}

async function tablesSnapshot(url: string): Promise<Record<string, string[]>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = await client.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1",
    );
    const out: Record<string, string[]> = {};
    for (const { table_name } of tables.rows) {
      const rows = await client.query(`SELECT * FROM "${table_name.replace(/"/g, '""')}"`);
      out[table_name] = rows.rows.map((r) => JSON.stringify(r)).sort();
    }
    expect(Object.keys(out)).toEqual(expect.arrayContaining(["User", "Conversation", "Message", "Usage", "AuthSession"]));
    return out;
  } finally {
    await client.end();
  }
}

/** Everything the owner, the victim's admin view and the instance settings show. */
async function apiSnapshot(): Promise<Record<string, unknown>> {
  const read = async (client: Client, path: string) => {
    const reply = await client.get(path);
    expect(reply.status, `${path}: ${reply.text.slice(0, 200)}`).toBe(200);
    return reply.json ?? reply.text;
  };
  const { owner, admin, other, anonymous } = clients;
  const list = (await read(owner, "/api/conversations?limit=100")) as { items?: { id: string }[] };
  const conversations: Record<string, unknown> = {};
  for (const item of list.items ?? []) conversations[item.id] = await read(owner, `/api/conversations/${item.id}`);
  const accountExport = (await read(owner, "/api/account/export")) as Record<string, unknown>;
  delete accountExport.exportedAt;
  return {
    list,
    conversations,
    deleted: (await owner.get(`/api/conversations/${world.deletedId}`)).status,
    preferences: await read(owner, "/api/me/preferences"),
    keys: await read(owner, "/api/account/keys"),
    spend: await read(owner, "/api/spend/summary"),
    csv: await read(owner, "/api/spend/export.csv"),
    accountExport,
    otherList: await read(other, "/api/conversations?limit=100"),
    otherPreferences: await read(other, "/api/me/preferences"),
    users: await read(admin, "/api/admin/users"),
    keysOfAll: await read(admin, "/api/admin/keys"),
    aliases: await read(admin, "/api/admin/aliases"),
    apiAccess: await read(admin, "/api/admin/api-access"),
    mcpServers: await read(admin, "/api/admin/mcp/servers"),
    ownMcpServers: await read(owner, "/api/mcp/servers"),
    settings: await read(admin, "/api/admin/settings"),
    anonymousSession: (await anonymous.get("/api/auth/session")).text,
  };
}

// ---- running cases --------------------------------------------------------------------------

async function cookieOf(client: Client): Promise<string> {
  const state = await client.ctx.storageState();
  return state.cookies.map((c) => `${c.name}=${c.value}`).join("; ");
}

async function send(client: Client, bare: Case, entry: CorpusEntry): Promise<Pick<Reply, "status" | "text" | "json" | "headers">> {
  const c: Case = { ...bare, headers: { ...bare.headers, ...entry.headers?.(world) } };
  if (c.raw) {
    const reply = await rawRequest(app.url, c, await cookieOf(client));
    let parsed: unknown;
    try {
      parsed = JSON.parse(reply.text);
    } catch {
      parsed = undefined;
    }
    return { ...reply, json: parsed };
  }
  return client.send(c.method, c.path, { body: c.body, headers: c.headers, timeout: 120_000 });
}

/** What is wrong with a reply to a bad request, or null. */
function problemWith(c: Case, reply: Pick<Reply, "status" | "json" | "text">): string | null {
  const allowed = c.expect ?? [400, 404, 413];
  const summary = `${c.method} ${c.path.slice(0, 120)} [${c.name}] → ${reply.status} ${reply.text.slice(0, 160)}`;
  if (!allowed.includes(reply.status)) return `status not in ${JSON.stringify(allowed)}: ${summary}`;
  if (reply.status < 400) return null;
  if (c.path.startsWith("/api/v1/")) return openAiErrorProblem(reply, summary);
  const code = (reply.json as { error?: { code?: unknown } } | undefined)?.error?.code;
  if (typeof code !== "string" || !/^[a-z_]+:[a-z_]+$/.test(code)) return `no stable JSON error code: ${summary}`;
  if (statusForCode(code as ErrorCode) !== reply.status) return `code ${code} does not match status: ${summary}`;
  return null;
}

/** OpenAI's error types by status, as the gateway answers (lib/gateway/errors.ts). */
const OPENAI_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  404: "invalid_request_error",
  413: "invalid_request_error",
};

/** The gateway's errors: OpenAI's shape, which unmodified clients read, with the type its status implies. */
function openAiErrorProblem(reply: Pick<Reply, "status" | "json">, summary: string): string | null {
  const error = (reply.json as { error?: { message?: unknown; type?: unknown; code?: unknown } } | undefined)?.error;
  if (!error || typeof error.message !== "string" || typeof error.code !== "string") return `not an OpenAI-shaped error: ${summary}`;
  const expected = OPENAI_TYPES[reply.status];
  if (expected && error.type !== expected) return `type ${String(error.type)} does not match status: ${summary}`;
  return null;
}

test("every API route that reads a body, a query or a path id has a bad-input corpus", () => {
  const needed = discoverApiRoutes()
    .filter((r) => !r.path.includes("[..."))
    .filter((r) => {
      const input = readsInput(r.source, r.method);
      return input.body || input.query || r.path.includes("[");
    })
    .map((r) => `${r.method} ${r.path}`);
  expect(needed.length).toBeGreaterThan(10);
  expect(
    needed.filter((k) => !(k in corpus)),
    "routes without a corpus in e2e/security/bad-input.spec.ts",
  ).toEqual([]);
  expect(
    Object.keys(corpus).filter((k) => !needed.includes(k)),
    "corpus entries for routes that read no input (or are gone)",
  ).toEqual([]);
});

for (const [key, entry] of Object.entries(corpus)) {
  test(`${key}: every bad request gets a 4xx JSON error and changes nothing`, async () => {
    test.setTimeout(240_000);
    const cases = casesFor(key, entry, world);
    expect(cases.length).toBeGreaterThan(0);
    const before = await snapshot();
    const problems: string[] = [];
    const started = Date.now();
    for (const c of cases) {
      let problem: string | null;
      try {
        problem = problemWith(c, await send(clients[entry.role], c, entry));
      } catch (error) {
        problem = `no answer: ${c.method} ${c.path.slice(0, 120)} [${c.name}] → ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`;
      }
      if (c.knownBug) {
        if (problem) test.info().annotations.push({ type: "known bug", description: `${problem} — ${c.knownBug}` });
        else problems.push(`[${c.name}] passes now: remove its knownBug`);
      } else if (problem) {
        problems.push(problem);
      }
    }
    test.info().annotations.push({ type: "cases", description: `${cases.length} cases in ${Date.now() - started} ms` });
    expect(problems, `${problems.length} of ${cases.length} cases`).toEqual([]);
    // The server still answers, and nothing was written.
    expect((await clients.owner.get("/api/health")).status).toBe(200);
    expect(await snapshot()).toEqual(before);
  });
}

test("each case was one defect away from an accepted request: the controls succeed", async () => {
  const order = Object.entries(corpus).sort(([a], [b]) => Number(a.startsWith("DELETE")) - Number(b.startsWith("DELETE")));
  for (const [key, entry] of order) {
    const control = entry.control(world);
    const reply = await clients[entry.role].send(key.split(" ")[0], control.path, {
      data: control.json,
      body: control.body,
      headers: { ...control.headers, ...entry.headers?.(world) },
      timeout: 120_000,
    });
    const allowed = typeof control.status === "number" ? [control.status] : control.status;
    expect(allowed, `${key} control → ${reply.status} ${reply.text.slice(0, 300)}`).toContain(reply.status);
  }
});

test("odd but valid Unicode — RTL override, emoji, combining marks, zero-width joiners — round-trips exactly", async () => {
  const texts = [
    "\u202Egnp.exe \u202Dnormal",
    "👩‍👩‍👧‍👦 family 🏳️‍🌈",
    "e\u0301 vs é, ﷽, 𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "zero\u200Bwidth\u200Djoin\uFEFFbom",
    "עברית עם English ומספרים 123",
  ];
  const { owner } = clients;
  for (const text of texts) {
    const conversation = newId();
    const reply = await owner.chat(conversation, `${text} [[sb:say text="ok"]]`);
    expect(reply.status, reply.text).toBe(200);
    expect((await owner.patch(`/api/conversations/${conversation}`, { title: text })).status).toBe(200);
    const view = (await owner.get(`/api/conversations/${conversation}`)).json as {
      conversation: { title: string; messages: { role: string; parts: { type: string; text?: string }[] }[] };
    };
    expect(view.conversation.title).toBe(text.replace(/\s+/g, " ").trim());
    const sent = view.conversation.messages.find((m) => m.role === "user")!.parts.find((p) => p.type === "text")!.text;
    expect(sent).toBe(`${text} [[sb:say text="ok"]]`);
  }
});

// ---- server actions --------------------------------------------------------------------------

/** Posts `body` to `action` as the page's own call would: text/plain, same origin. */
async function callAction(client: Client, actionId: string, page: string, body: string | Buffer): Promise<Reply> {
  return client.send("POST", page, {
    body,
    headers: { "next-action": actionId, "content-type": "text/plain;charset=UTF-8", accept: "text/x-component", origin: app.url },
    timeout: 60_000,
  });
}

/** The error code an action returned (its typed error body, inside React's reply stream). */
function actionErrorCode(text: string): string | undefined {
  return /"error":\{"code":"([a-z_]+:[a-z_]+)"/.exec(text)?.[1];
}

/** What is wrong with an action's answer to a bad call, or null. */
function actionProblem(key: string, c: ActionCase, reply: Pick<Reply, "status" | "text">): string | null {
  const summary = `${key} [${c.name}] → ${reply.status} ${reply.text.slice(0, 160)}`;
  if (reply.status >= 500) return `server error: ${summary}`;
  if (!c.refused) return null;
  const code = actionErrorCode(reply.text);
  if (reply.status !== 200 || !code) return `no typed error: ${summary}`;
  const status = statusForCode(code as ErrorCode);
  if (status < 400 || status >= 500) return `not a 4xx code (${code}): ${summary}`;
  return null;
}

test("every server action in the build has a bad-input corpus", () => {
  const built = [...builtServerActions().keys()];
  expect(built.length).toBeGreaterThan(0);
  expect(
    built.filter((k) => !(k in actionCorpus)),
    "server actions without a corpus in e2e/security/bad-input.spec.ts",
  ).toEqual([]);
  expect(Object.keys(actionCorpus).filter((k) => !built.includes(k))).toEqual([]);
});

for (const [key, entry] of Object.entries(actionCorpus)) {
  test(`server action ${key}: no bad call gets a 5xx; bad arguments get a typed 4xx error and change nothing`, async () => {
    test.setTimeout(240_000);
    const action = builtServerActions().get(key);
    expect(action, `${key} is in the build's server-reference manifest`).toBeTruthy();
    const page = entry.page(world);
    const cases = actionCasesFor(entry, world);
    // A fresh user per case signs up, which the snapshot would see: only the others are compared.
    const before = entry.role === "fresh" ? undefined : await snapshot();
    const problems: string[] = [];
    for (const c of cases) {
      const client = entry.role === "fresh" ? await app.user("action-corpus") : clients[entry.role];
      let problem: string | null;
      try {
        problem = actionProblem(key, c, await callAction(client, action!.id, page, c.body));
      } catch (error) {
        problem = `no answer: ${key} [${c.name}] → ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`;
      }
      if (problem) problems.push(problem);
    }
    test.info().annotations.push({ type: "cases", description: `${cases.length} cases` });
    expect(problems, `${problems.length} of ${cases.length} cases`).toEqual([]);
    expect((await clients.owner.get("/api/health")).status).toBe(200);
    if (before !== undefined) expect(await snapshot()).toEqual(before);
    if (entry.control) {
      // One defect away from an accepted call: the control itself pages in the question.
      const control = await callAction(clients[entry.role as Role], action!.id, page, JSON.stringify(entry.control(world)));
      expect(control.status, control.text.slice(0, 300)).toBe(200);
      expect(actionErrorCode(control.text), control.text.slice(0, 300)).toBeUndefined();
      expect(control.text).toContain("a first message");
    }
  });
}

test("pages never answer 500 to hostile ids", async () => {
  const { owner } = clients;
  for (const [name, bad] of Object.entries({ ...BAD_IDS, unknown: UNKNOWN_ID })) {
    if (!bad) continue;
    const path = `/c/${name === "encoded traversal" ? bad : encodeSegment(bad)}`;
    const reply = await owner.send("GET", path, { maxRedirects: 3 });
    expect(reply.status, `${name}: GET ${path.slice(0, 80)} → ${reply.status}`).toBeLessThan(500);
  }
});

test("a valid export larger than 10 MiB (within the import's 50 MiB) imports", async () => {
  test.setTimeout(120_000);
  const file = importFile("A big import");
  file.conversations[0].messages[0].parts[0].text = "big ".repeat(3 * 1024 * 1024);
  const reply = await clients.owner.post("/api/account/import", file, { timeout: 120_000 });
  expect(reply.status, reply.text.slice(0, 200)).toBe(201);
});
