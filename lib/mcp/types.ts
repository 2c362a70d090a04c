// MCP servers and tool results as the browser and the routes see them. Client-safe: no secrets,
// no server code.
import { z } from "zod";

export const mcpTransports = ["streamable-http", "sse"] as const;
export type McpHttpTransport = (typeof mcpTransports)[number];
export const mcpAvailabilities = ["everyone", "opt-in"] as const;
export type McpAvailability = (typeof mcpAvailabilities)[number];

/** What the server says about a tool's behaviour (MCP `ToolAnnotations`); hints, never trusted for security. */
export type McpToolAnnotations = {
  title?: string;
  readOnlyHint?: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint?: boolean;
};

/** One tool as the server listed it (cached with the server). */
export type McpToolInfo = {
  name: string;
  title?: string;
  description?: string;
  inputSchema: Record<string, unknown>;
  annotations?: McpToolAnnotations;
};

export type McpServerStatus = "unknown" | "ok" | "error";

/** A server as listed to an admin or its owner: its credentials only as `hasCredentials`. */
export type McpServerView = {
  id: string;
  name: string;
  /** Operator-configured stdio servers show their command instead of a URL. */
  url: string;
  transport: McpHttpTransport | "stdio";
  /** "team": an admin's; "own": the caller's own; "operator": from the server's configuration (read-only). */
  scope: "team" | "own" | "operator";
  hasCredentials: boolean;
  enabledTools: string[] | null;
  availability: McpAvailability;
  approvalTools: string[];
  status: McpServerStatus;
  lastError: string | null;
  tools: McpToolInfo[] | null;
  toolsFetchedAt: string | null;
};

/** A tool on offer in a conversation: what a tools menu lists. */
export type McpToolChoiceView = {
  /** The name the model calls (`<server>__<tool>`). */
  name: string;
  server: string;
  tool: string;
  description: string;
  availability: McpAvailability;
};

/** The tools a user can turn on in a conversation (GET /api/mcp/tools). */
export type ToolsMenu = {
  builtIn: { name: string; description: string }[];
  /** Grouped by `server` in the order listed; `availability` "everyone": on unless the conversation says otherwise. */
  mcp: McpToolChoiceView[];
};

/** One item of an MCP tool's result as the tool card shows it. Everything here came from the server: untrusted. */
export type McpContent =
  | { type: "text"; text: string }
  | { type: "image"; mimeType: string; data: string }
  | { type: "resource"; uri: string; name?: string; mimeType?: string; text?: string }
  | { type: "other"; description: string };

/** An MCP tool call's output in the chat (the tool part's `output`). */
export type McpToolOutput = {
  mcp: { server: string; tool: string };
  content: McpContent[];
  /** Set when the result was cut to the size limit. */
  truncated?: { originalBytes: number; keptBytes: number };
};

const serverNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,23}$/, "Use 1 to 24 lowercase letters, digits and dashes, starting with a letter or digit.");
const headerNameSchema = z.string().regex(/^[A-Za-z0-9-]{1,100}$/, "Not a header name.");
// Header values may not carry line breaks (header injection).
// 20 of them and a token stay within the routes' 100 KB body limit.
const headerValueSchema = z
  .string()
  .max(4_000)
  .regex(/^[^\r\n\0]*$/, "Header values are one line.");
const toolNameListSchema = z.array(z.string().min(1).max(200)).max(500);

const serverFields = {
  name: serverNameSchema,
  url: z.string().min(1).max(2_000),
  transport: z.enum(mcpTransports),
  /** Extra headers sent with every request; replaced as a whole when given. */
  headers: z
    .record(headerNameSchema, headerValueSchema)
    .refine((h) => Object.keys(h).length <= 20, "At most 20 headers.")
    .nullable(),
  /** Sent as `Authorization: Bearer …`. */
  bearerToken: z
    .string()
    .min(1)
    .max(8_000)
    .regex(/^[^\r\n\0\s]+$/, "A token is one word.")
    .nullable(),
  enabledTools: toolNameListSchema.nullable(),
  availability: z.enum(mcpAvailabilities),
  approvalTools: toolNameListSchema,
};

export const mcpServerCreateSchema = z
  .object({
    ...serverFields,
    transport: serverFields.transport.default("streamable-http"),
    headers: serverFields.headers.optional(),
    bearerToken: serverFields.bearerToken.optional(),
    enabledTools: serverFields.enabledTools.default(null),
    availability: serverFields.availability.default("everyone"),
    approvalTools: serverFields.approvalTools.default([]),
  })
  .strict();
export type McpServerCreate = z.infer<typeof mcpServerCreateSchema>;

/** Absent fields are kept; `headers: null` / `bearerToken: null` remove them. */
export const mcpServerPatchSchema = z
  .object({
    name: serverFields.name.optional(),
    url: serverFields.url.optional(),
    transport: serverFields.transport.optional(),
    headers: serverFields.headers.optional(),
    bearerToken: serverFields.bearerToken.optional(),
    enabledTools: serverFields.enabledTools.optional(),
    availability: serverFields.availability.optional(),
    approvalTools: serverFields.approvalTools.optional(),
  })
  .strict()
  .refine((v) => Object.values(v).some((x) => x !== undefined), "Nothing to change.");
export type McpServerPatch = z.infer<typeof mcpServerPatchSchema>;
