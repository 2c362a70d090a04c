// zod schemas of the personal API key routes. Client-safe: the account page builds the same bodies.
import { z } from "zod";

/** A catalog id ("openai/gpt-4o-mini", "openrouter/auto") or an alias name ("team-default"). */
const modelName = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:/~-]*$/, "Not a model id.");

/** A monthly cap in USD as typed by a person: "25", "2.50"; at most 9 decimals (nano-USD). */
const usdAmount = z
  .string()
  .trim()
  .regex(/^\d{1,9}(\.\d{1,9})?$/, "Expected an amount in USD, such as 25 or 2.50.");

export const createApiKeyBodySchema = z.strictObject({
  name: z.string().trim().min(1, "Give the key a name.").max(100, "At most 100 characters."),
  /** When the key stops working; null or absent: never. */
  expiresAt: z.iso
    .datetime({ offset: true })
    .nullable()
    .optional()
    .refine((v) => !v || Date.parse(v) > Date.now(), "The expiry must be in the future."),
  /** Models (or aliases) the key may use; empty or absent: every model. */
  allowedModels: z.array(modelName).max(100).optional(),
  monthlyCapUsd: usdAmount.nullable().optional(),
  keepLog: z.boolean().optional(),
  /** Lower than the instance's defaults only (checked by the server). */
  requestsPerMinute: z.number().int().min(1).max(1_000_000).nullable().optional(),
  tokensPerMinute: z.number().int().min(1).max(1_000_000_000).nullable().optional(),
});

export type CreateApiKeyBody = z.infer<typeof createApiKeyBodySchema>;

/** What the account page and the admin page show of a key: never its hash, never its value. */
export type ApiKeyView = {
  id: string;
  name: string;
  prefix: string;
  allowedModels: string[];
  monthlyCapNano: string | null;
  keepLog: boolean;
  requestsPerMinute: number | null;
  tokensPerMinute: number | null;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  createdAt: string;
};

export type AdminApiKeyView = ApiKeyView & { userId: string; userEmail: string };

export type ApiKeyStatus = "active" | "expired" | "revoked";

export function apiKeyStatus(key: Pick<ApiKeyView, "expiresAt" | "revokedAt">, now = Date.now()): ApiKeyStatus {
  if (key.revokedAt) return "revoked";
  if (key.expiresAt && Date.parse(key.expiresAt) <= now) return "expired";
  return "active";
}
