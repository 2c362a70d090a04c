// The environment's shape, validated with zod. Kept free of `server-only` so the
// start-up script can validate before Next starts; nothing here is secret by itself.
import { isIP } from "node:net";
import { z } from "zod";
import { usdToNano } from "../money";

const optionalString = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v === "" ? undefined : v));

const boolFlag = z
  .enum(["0", "1", "true", "false", ""])
  .optional()
  .transform((v) => v === "1" || v === "true");

export const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  OPENROUTER_API_KEY: optionalString,
  OPENROUTER_BASE_URL: z.url().default("https://openrouter.ai/api/v1"),
  OPENROUTER_APP_URL: z.url().optional(),
  OPENROUTER_APP_TITLE: z.string().min(1).default("Switchboard"),
  DATABASE_URL: optionalString.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
      .optional(),
  ),
  SWITCHBOARD_DATA_DIR: z.string().min(1).default("./data"),
  AUTH_SECRET: optionalString.pipe(z.string().min(32, "must be at least 32 characters").optional()),
  AUTH_GITHUB_ID: optionalString,
  AUTH_GITHUB_SECRET: optionalString,
  AUTH_GOOGLE_ID: optionalString,
  AUTH_GOOGLE_SECRET: optionalString,
  /** `closed`: after the first account (the admin), only a signed-in admin creates accounts. */
  SWITCHBOARD_REGISTRATION: z.enum(["open", "closed"]).default("closed"),
  /** Registration attempts one client address may make per hour (an admin creating accounts is not counted). */
  SWITCHBOARD_REGISTRATIONS_PER_HOUR: z.coerce.number().int().min(1).max(100_000).default(5),
  /**
   * Monthly budget of users without one of their own, in USD, until an admin sets the instance
   * default on the admin page (whose choice, "no limit" included, then wins). `none`: no limit.
   */
  SWITCHBOARD_DEFAULT_USER_BUDGET_USD: z
    .string()
    .trim()
    .default("5")
    .refine((v) => /^none$/i.test(v) || /^\d{1,9}(\.\d{1,9})?$/.test(v), "must be an amount in USD (e.g. 5 or 12.50) or `none`")
    .transform((v) => (/^none$/i.test(v) ? null : usdToNano(v))),
  /**
   * Reverse proxies whose X-Forwarded-For/-Host/-Proto are believed, comma-separated IPs or CIDRs.
   * Unset: those headers are ignored and the socket's peer is the client (lib/http/client-address.ts).
   */
  SWITCHBOARD_TRUSTED_PROXIES: z
    .string()
    .default("")
    .transform((v) =>
      v
        .split(",")
        .map((entry) => entry.trim())
        .filter(Boolean),
    )
    .refine((entries) => entries.every(isAddressOrCidr), "must be comma-separated IP addresses or CIDRs (10.0.0.0/8, ::1)"),
  SWITCHBOARD_DEFAULT_MODEL: z.string().min(3).default("openai/gpt-4o-mini"),
  SWITCHBOARD_TITLE_MODEL: z.string().min(3).default("openai/gpt-4o-mini"),
  /** Set by the start script when it runs the local OpenRouter because no key was given. */
  SWITCHBOARD_DEMO: boolFlag,
  SWITCHBOARD_CHAT_RATE_PER_MINUTE: z.coerce.number().int().min(1).max(100000).default(30),
  /** Per personal API key, when the key sets none of its own (/api/v1). */
  SWITCHBOARD_API_REQUESTS_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(60),
  SWITCHBOARD_API_TOKENS_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000_000).default(200_000),
  SWITCHBOARD_MAX_MESSAGE_CHARS: z.coerce.number().int().min(100).max(10_000_000).default(100_000),
  SWITCHBOARD_CATALOG_TTL_SECONDS: z.coerce.number().int().min(5).max(86400).default(300),
  SWITCHBOARD_UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(1000).max(3_600_000).default(120_000),
  /** How long OpenRouter's keep-alive comments alone (a model thinking) keep an answer alive. */
  SWITCHBOARD_UPSTREAM_KEEPALIVE_TIMEOUT_MS: z.coerce.number().int().min(1000).max(3_600_000).default(600_000),
  /** How long one tool call's work (a calculation) may run before it is stopped. */
  SWITCHBOARD_TOOL_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  /** How long one MCP tool call (connecting included) may take before it fails with a timeout. */
  SWITCHBOARD_MCP_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  /**
   * Most bytes of one MCP tool result kept (shown and sent to the model); the rest is cut with a
   * note. The default fits the tool results one step of the loop is reserved for (lib/spend/worst-case.ts).
   */
  SWITCHBOARD_MCP_MAX_RESULT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(10 * 1024 * 1024)
    .default(12_000),
  /** `on`: users may add their own MCP servers over HTTP (only they see and use them). */
  SWITCHBOARD_MCP_USER_SERVERS: z.enum(["on", "off"]).default("off"),
  /** `on`: users' own MCP servers may be on loopback, link-local or private addresses (refused otherwise). */
  SWITCHBOARD_MCP_USER_PRIVATE_URLS: z.enum(["on", "off"]).default("off"),
  /**
   * Operator-configured MCP servers (the only way to add a stdio server), a JSON array, or `@<path>`
   * of a JSON file holding one (lib/mcp/config.ts).
   */
  SWITCHBOARD_MCP_SERVERS: optionalString,
  /** Largest attachment (image or PDF) a user may upload, in bytes. */
  SWITCHBOARD_ATTACHMENT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(50 * 1024 * 1024)
    .default(10 * 1024 * 1024),
  /** Most attachments one message (and one upload request) may carry. */
  SWITCHBOARD_ATTACHMENTS_PER_MESSAGE: z.coerce.number().int().min(1).max(50).default(5),
  /** Most bytes one user's attachments (uploads and imported files) may use together. */
  SWITCHBOARD_STORAGE_QUOTA_BYTES: z.coerce
    .number()
    .int()
    .min(1024 * 1024)
    .max(1024 ** 4)
    .default(500 * 1024 * 1024),
  /** Most messages one import may carry (a larger file is refused before it is parsed). */
  SWITCHBOARD_IMPORT_MAX_MESSAGES: z.coerce.number().int().min(100).max(300_000).default(20_000),
  /** How OpenRouter's file-parser plugin reads PDFs for models that cannot read files themselves. */
  SWITCHBOARD_PDF_ENGINE: z.enum(["cloudflare-ai", "mistral-ocr", "pdf-text"]).default("cloudflare-ai"),
  /** Web search engine for the web plugin: `auto` lets OpenRouter pick (native when the model has one, else Exa). */
  SWITCHBOARD_WEB_SEARCH_ENGINE: z.enum(["auto", "native", "exa"]).default("auto"),
  /** Results the web plugin fetches per search. */
  SWITCHBOARD_WEB_SEARCH_MAX_RESULTS: z.coerce.number().int().min(1).max(25).default(5),
  /**
   * The models `openrouter/auto` may pick, comma-separated exact ids: sent as the auto-router plugin's
   * `allowed_models`, and the budget holds the dearest of them per message. `*`: any model (nothing
   * sent; the budget holds the dearest model of the catalog).
   */
  SWITCHBOARD_AUTO_ROUTER_MODELS: z
    .string()
    .default("openai/gpt-4o-mini,anthropic/claude-sonnet-4.5,google/gemini-2.5-flash,meta-llama/llama-3.3-70b-instruct,deepseek/deepseek-chat-v3.1")
    .transform((v) =>
      (v.trim() === "*" ? "" : v)
        .split(",")
        .map((id) => id.trim())
        .filter(Boolean),
    ),
  REDIS_URL: optionalString.pipe(
    z
      .string()
      .regex(/^rediss?:\/\//, "must be a redis:// URL")
      .optional(),
  ),
  METRICS_TOKEN: optionalString,
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export type Env = z.infer<typeof envSchema>;

function isAddressOrCidr(entry: string): boolean {
  const [address = "", prefix, ...rest] = entry.split("/");
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
}

export class EnvError extends Error {
  constructor(public readonly issues: { variable: string; message: string }[]) {
    super("Invalid configuration:\n" + issues.map((i) => `  ${i.variable}: ${i.message}`).join("\n"));
    this.name = "EnvError";
  }
}

export function parseEnv(raw: Record<string, string | undefined>): Env {
  // `VAR=` (as in a copied .env.example) means unset.
  const present = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined && v.trim() !== ""));
  const result = envSchema.safeParse(present);
  if (!result.success) {
    throw new EnvError(
      result.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? "(environment)"),
        message: issue.message,
      })),
    );
  }
  return result.data;
}
