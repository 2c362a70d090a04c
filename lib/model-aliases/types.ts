// Model aliases as the admin API and the browser see them, and the zod schemas an admin's input
// must pass. Client-safe: the admin form checks the same rules before it sends.
import { z } from "zod";

export const MAX_ALIAS_NAME = 64;
/** OpenRouter takes at most three models in `models` after the first. */
export const MAX_ALIAS_FALLBACKS = 3;

/**
 * Lowercase letters, digits, "-", "_" and "."; never "/", so an alias can never shadow a catalog
 * id ("author/model"). Starts with a letter or digit so it reads as a name, not punctuation.
 */
export const aliasNameSchema = z
  .string()
  .min(1, "Give the alias a name.")
  .max(MAX_ALIAS_NAME, `An alias name has at most ${MAX_ALIAS_NAME} characters.`)
  .refine((v) => !v.includes("/"), 'An alias name cannot contain "/": that would look like a model id.')
  .refine((v) => /^[a-z0-9][a-z0-9._-]*$/.test(v), 'Use lowercase letters, digits, "-", "_" and "." only, starting with a letter or digit.');

const modelIdSchema = z.string().trim().min(1, "Choose a model.").max(200, "Not a model id.");

const providerSlugSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9][A-Za-z0-9 ._/-]*$/, "Not a provider name.");

/**
 * OpenRouter provider preferences, in OpenRouter's own field names: the API sends them upstream
 * as written, so only the fields the app understands are allowed.
 */
export const aliasProviderSchema = z
  .object({
    order: z.array(providerSlugSchema).max(20).optional(),
    only: z.array(providerSlugSchema).max(50).optional(),
    ignore: z.array(providerSlugSchema).max(50).optional(),
    allow_fallbacks: z.boolean().optional(),
    sort: z.enum(["price", "throughput", "latency"]).optional(),
    data_collection: z.enum(["allow", "deny"]).optional(),
  })
  .strict();
export type AliasProvider = z.infer<typeof aliasProviderSchema>;

const aliasFieldsShape = {
  model: modelIdSchema,
  fallbacks: z.array(modelIdSchema).max(MAX_ALIAS_FALLBACKS, `At most ${MAX_ALIAS_FALLBACKS} fallback models.`).default([]),
  provider: aliasProviderSchema.nullable().default(null),
  description: z.string().trim().max(500, "A description has at most 500 characters.").default(""),
};

function checkFallbacks(value: { model: string; fallbacks: string[] }, ctx: z.RefinementCtx): void {
  if (new Set(value.fallbacks).size !== value.fallbacks.length) {
    ctx.addIssue({ code: "custom", message: "A fallback model is listed twice.", path: ["fallbacks"] });
  }
  if (value.fallbacks.includes(value.model)) {
    ctx.addIssue({ code: "custom", message: "A fallback cannot be the alias's own model.", path: ["fallbacks"] });
  }
}

/** What an admin sets on an alias besides its name (the body of an edit). */
export const aliasFieldsSchema = z.object(aliasFieldsShape).strict().superRefine(checkFallbacks);
export type AliasFields = z.infer<typeof aliasFieldsSchema>;

/** The body that creates an alias. */
export const aliasCreateSchema = z
  .object({ name: aliasNameSchema, ...aliasFieldsShape })
  .strict()
  .superRefine(checkFallbacks);
export type AliasCreate = z.infer<typeof aliasCreateSchema>;

/** An alias as the admin page and the model picker show it. */
export type AliasView = {
  name: string;
  model: string;
  fallbacks: string[];
  provider: Record<string, unknown> | null;
  description: string;
};

/** What every signed-in user sees of an alias (the model picker, a key's allow-list). */
export type AliasSummary = Pick<AliasView, "name" | "model" | "description">;
