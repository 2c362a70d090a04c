// zod schemas for the history API's query strings and bodies. Client-safe.
import { z } from "zod";
import { conversationSettingsSchema, idSchema } from "@/lib/chat/types";

/** `GET /api/conversations`: a page of the list, or a search when `q` is given. */
export const listQuerySchema = z
  .object({
    cursor: z.string().max(400).optional(),
    limit: z.coerce.number().int().min(1).max(100).optional(),
    q: z.string().max(500).optional(),
  })
  .strict();

export const searchQueryText = z.string().trim().min(1, "Type something to search for.").max(200);

export const titleSchema = z
  .string()
  .transform((s) => s.replace(/\s+/g, " ").trim())
  .pipe(z.string().min(1, "The title cannot be empty.").max(200, "Titles are at most 200 characters."));

/** `PATCH /api/conversations/:id`: any of these, at least one. */
export const conversationPatchSchema = z
  .object({
    title: titleSchema.optional(),
    pinned: z.boolean().optional(),
    model: z.string().min(1).max(200).optional(),
    settings: conversationSettingsSchema.optional(),
  })
  .strict()
  .refine((v) => Object.values(v).some((x) => x !== undefined), "Nothing to change.");
export type ConversationPatch = z.infer<typeof conversationPatchSchema>;

export const exportQuerySchema = z.object({ format: z.enum(["md", "json"]).default("json") }).strict();

/** Which answer of a turn is shown; `keep`: continue with its model too. */
export const alternativeChoiceSchema = z.object({ messageId: idSchema, keep: z.boolean().optional() }).strict();
export type AlternativeChoice = z.infer<typeof alternativeChoiceSchema>;
