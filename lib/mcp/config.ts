import "server-only";
import { readFileSync } from "node:fs";
import { z } from "zod";
import { getEnv } from "@/lib/env";
import { log } from "@/lib/log";
import { mcpAvailabilities, mcpTransports } from "./types";

// Servers the operator configures (SWITCHBOARD_MCP_SERVERS): the only place a server launched as a
// local command (stdio) can come from — the web can never start a process. Every instance reads
// the same configuration, so every instance offers the same servers. They are trusted like the
// operator: their URLs may be on loopback or the private network.

const common = {
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,23}$/),
  availability: z.enum(mcpAvailabilities).default("everyone"),
  enabledTools: z.array(z.string().min(1)).nullable().default(null),
  approvalTools: z.array(z.string().min(1)).default([]),
};

const operatorServerSchema = z.discriminatedUnion("transport", [
  z
    .object({
      ...common,
      transport: z.literal("stdio"),
      command: z.string().min(1),
      args: z.array(z.string()).default([]),
      env: z.record(z.string(), z.string()).default({}),
      cwd: z.string().optional(),
    })
    .strict(),
  z
    .object({
      ...common,
      transport: z.enum(mcpTransports),
      url: z.url(),
      headers: z.record(z.string(), z.string()).default({}),
    })
    .strict(),
]);
export type OperatorServer = z.infer<typeof operatorServerSchema>;

const configSchema = z
  .array(operatorServerSchema)
  .refine((list) => new Set(list.map((s) => s.name)).size === list.length, "Server names must be unique.");

let cached: { raw: string | undefined; servers: OperatorServer[] } | undefined;

/** The operator's servers; a configuration that does not parse gives none (and says why in the log, without its values). */
export function operatorServers(): OperatorServer[] {
  const raw = getEnv().SWITCHBOARD_MCP_SERVERS;
  if (cached && cached.raw === raw) return cached.servers;
  let servers: OperatorServer[] = [];
  if (raw) {
    try {
      const text = raw.startsWith("@") ? readFileSync(raw.slice(1), "utf8") : raw;
      const parsed = configSchema.safeParse(JSON.parse(text));
      if (parsed.success) servers = parsed.data;
      else log().error({ issues: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`) }, "SWITCHBOARD_MCP_SERVERS is not valid");
    } catch (error) {
      log().error({ error: error instanceof Error ? error.name : "unknown" }, "SWITCHBOARD_MCP_SERVERS could not be read");
    }
  }
  cached = { raw, servers };
  return servers;
}

/** The id an operator server has in lists and conversation choices. */
export const operatorServerId = (name: string) => `config-${name}`;
