import "server-only";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { Prisma } from "@/lib/generated/prisma/client";
import { sniffMediaType } from "@/lib/attachments/sniff";
import { cleanFilename, createAttachment, bindAttachments, deleteOwnedAttachments } from "@/lib/attachments/store";
import { attachmentIdOf, attachmentUrl } from "@/lib/attachments/types";
import { conversationSettingsSchema } from "@/lib/chat/types";
import { insertImportedConversations, type ImportedConversation } from "@/lib/db/conversation-import";
import { textOfParts } from "@/lib/message-text";
import type { ChatUIMessage } from "@/lib/chat/types";
import { EXPORT_FORMAT } from "./export-format";
import type { ImportResponse } from "./types";

// Import of an export file (ours, version 1): every conversation is created again for the
// importing user with new ids, in one transaction. Usage rows are not imported: they are
// the instance's spending record (budgets add them up), and an import spends nothing; each
// answer keeps its cost in its metadata, which is what the chat footer shows.

export const IMPORT_MAX_BYTES = 50 * 1024 * 1024;
export const IMPORT_MAX_CONVERSATIONS = 20_000;
export const IMPORT_MAX_MESSAGES = 300_000;

// PostgreSQL's timestamps cover years 1 to 9999 here (JS Date reads "0000-…" as year 0, which the
// database refuses with an error): a date outside them is a bad request, not a 500.
const isoDate = z.iso
  .datetime({ offset: true })
  .transform((s) => new Date(s))
  .refine((d) => !Number.isNaN(d.getTime()) && d.getUTCFullYear() >= 1 && d.getUTCFullYear() <= 9999, "A date between the years 1 and 9999.");

/** A UIMessage part: any `type`, but text-bearing parts must carry text. */
const partSchema = z
  .looseObject({
    type: z
      .string()
      .min(1)
      .max(100)
      .regex(/^[a-z][a-z0-9_:-]*$/i, "Unknown part type."),
  })
  .superRefine((part, ctx) => {
    if ((part.type === "text" || part.type === "reasoning") && typeof part.text !== "string") {
      ctx.addIssue({ code: "custom", message: `A ${part.type} part needs text.` });
    }
  });

/** The footer facts the chat UI reads; anything else in the file's metadata is dropped. */
const metadataSchema = z
  .object({
    model: z.string().max(200).optional(),
    modelServed: z.string().max(200).optional(),
    provider: z.string().max(200).optional(),
    createdAt: z.iso.datetime({ offset: true }).optional(),
    promptTokens: z.number().int().min(0).optional(),
    completionTokens: z.number().int().min(0).optional(),
    reasoningTokens: z.number().int().min(0).optional(),
    cachedTokens: z.number().int().min(0).optional(),
    costNano: z
      .string()
      .regex(/^\d{1,30}$/)
      .optional(),
    costPending: z.boolean().optional(),
    ttftMs: z.number().min(0).optional(),
    durationMs: z.number().min(0).optional(),
    tokensPerSecond: z.number().min(0).optional(),
    status: z.enum(["streaming", "complete", "partial", "error"]).optional(),
    error: z.object({ code: z.string().max(200), message: z.string().max(5000) }).optional(),
    fallbackUsed: z.boolean().optional(),
    autoRouted: z.boolean().optional(),
    webSearch: z.object({ engine: z.string().max(50), maxResults: z.number().int().min(0).max(100) }).optional(),
    compare: z
      .object({ group: z.string().min(1).max(64), column: z.number().int().min(0).max(10), kept: z.boolean().optional() })
      .optional()
      .catch(undefined),
  })
  .catch({});

const messageSchema = z.object({
  /** Where the message is in the conversation; alternatives of a turn share it (absent: in file order). */
  position: z.number().int().min(0).max(1_000_000).optional(),
  variant: z.number().int().min(0).max(1_000).optional(),
  shown: z.boolean().optional(),
  role: z.enum(["user", "assistant"]),
  parts: z.array(partSchema).max(2000),
  model: z.string().max(200).nullish(),
  status: z.enum(["complete", "partial", "error"]).default("complete"),
  error: z.object({ code: z.string().max(200), message: z.string().max(5000) }).nullish(),
  metadata: metadataSchema.nullish(),
  createdAt: isoDate.optional(),
  /** From the export; new messages always get new ids and costs stay in metadata. */
  usage: z.array(z.unknown()).optional(),
  costNano: z
    .string()
    .regex(/^\d{1,30}$/)
    .nullish(),
});

/** A file of the export: checked again from its bytes on the way in (the name and type are not trusted). */
const attachmentSchema = z.object({
  id: z.string().min(1).max(64),
  kind: z.enum(["upload", "generated"]).catch("upload"),
  filename: z.string().max(500).catch(""),
  createdAt: isoDate.optional().catch(undefined),
  dataBase64: z
    .string()
    .max(IMPORT_MAX_BYTES)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, "Attachment data must be base64."),
});

const conversationSchema = z.object({
  title: z
    .string()
    .max(500)
    .transform((t) => t.replace(/\s+/g, " ").trim().slice(0, 200) || "Imported chat"),
  model: z.string().min(1).max(200),
  systemPrompt: z.string().max(20_000).nullish(),
  settings: conversationSettingsSchema.omit({ systemPrompt: true }).partial().nullish().catch(null),
  pinned: z.boolean().default(false),
  createdAt: isoDate.optional(),
  lastMessageAt: isoDate.optional(),
  messages: z.array(messageSchema).max(20_000),
  attachments: z.array(attachmentSchema).max(1000).optional(),
});

export const importFileSchema = z.object({
  format: z.literal(EXPORT_FORMAT, { error: `Not a Switchboard export (format must be "${EXPORT_FORMAT}").` }),
  version: z.literal(1, { error: "This export version is not supported." }),
  conversations: z
    .array(conversationSchema)
    .max(IMPORT_MAX_CONVERSATIONS, `At most ${IMPORT_MAX_CONVERSATIONS} conversations per import.`)
    .refine((list) => list.reduce((n, c) => n + c.messages.length, 0) <= IMPORT_MAX_MESSAGES, `At most ${IMPORT_MAX_MESSAGES} messages per import.`),
});
export type ImportFile = z.infer<typeof importFileSchema>;

function newId(): string {
  return randomBytes(15).toString("base64url");
}

/**
 * Each message's place: its turn (the file's positions made dense, or the file's order when it
 * has none), its number among the turn's alternatives, and whether it is the shown one — the one
 * marked so, else the first — so every turn has exactly one.
 */
function placesOf(messages: ImportFile["conversations"][number]["messages"]): { position: number; variant: number; shown: boolean }[] {
  const keyOf = (m: (typeof messages)[number], index: number) => (m.position !== undefined ? m.position : index);
  const order = messages.map((m, index) => ({ index, key: keyOf(m, index), variant: m.variant ?? 0 }));
  order.sort((a, b) => a.key - b.key || a.variant - b.variant || a.index - b.index);
  const places: { position: number; variant: number; shown: boolean }[] = new Array(messages.length);
  let position = -1;
  let previousKey: number | null = null;
  let variant = 0;
  let shownAt = -1;
  for (const { index, key } of order) {
    if (key !== previousKey) {
      position++;
      previousKey = key;
      variant = 0;
    } else variant++;
    const marked = messages[index].shown !== false;
    const shown = marked && shownAt !== position;
    if (shown) shownAt = position;
    places[index] = { position, variant, shown };
  }
  // A turn whose messages are all marked hidden shows its first.
  const shownPositions = new Set(places.filter((p) => p.shown).map((p) => p.position));
  for (const place of places) {
    if (!shownPositions.has(place.position) && place.variant === 0) {
      place.shown = true;
      shownPositions.add(place.position);
    }
  }
  return places;
}

export function toImported(file: ImportFile, now = new Date()): ImportedConversation[] {
  return file.conversations.map((c) => {
    const places = placesOf(c.messages);
    const messages = c.messages.map((m, index) => {
      const createdAt = m.createdAt ?? c.createdAt ?? now;
      const parts = m.parts as unknown as ChatUIMessage["parts"];
      const metadata = { ...(m.metadata ?? {}), status: m.status, createdAt: createdAt.toISOString() };
      if (m.role === "assistant" && m.costNano && metadata.costNano === undefined) metadata.costNano = m.costNano;
      return {
        ...places[index],
        role: m.role,
        parts: m.parts as unknown as Prisma.InputJsonValue,
        text: textOfParts(parts),
        model: m.model ?? null,
        status: m.status,
        error: m.error ? (m.error as Prisma.InputJsonValue) : null,
        metadata: metadata as Prisma.InputJsonValue,
        createdAt,
      };
    });
    const lastAt = messages.length > 0 ? messages[messages.length - 1].createdAt : null;
    return {
      title: c.title,
      model: c.model,
      systemPrompt: c.systemPrompt ?? null,
      settings: (c.settings ?? {}) as Prisma.InputJsonValue,
      pinned: c.pinned,
      createdAt: c.createdAt ?? messages[0]?.createdAt ?? now,
      lastMessageAt: c.lastMessageAt ?? lastAt ?? c.createdAt ?? now,
      messages,
    };
  });
}

type PlannedFile = {
  conversation: number;
  oldId: string;
  newId: string;
  kind: "upload" | "generated";
  filename: string;
  bytes: Uint8Array;
  createdAt?: Date;
};

/**
 * The files of the export, each re-typed from its bytes (one that is not an accepted type is
 * dropped), with new ids; the messages' `file` parts are pointed at the new ids.
 */
function planAttachments(file: ImportFile): { file: ImportFile; files: PlannedFile[] } {
  const files: PlannedFile[] = [];
  const conversations = file.conversations.map((c, index) => {
    const renamed = new Map<string, string>();
    for (const a of c.attachments ?? []) {
      const bytes = new Uint8Array(Buffer.from(a.dataBase64, "base64"));
      if (bytes.byteLength === 0 || !sniffMediaType(bytes) || renamed.has(a.id)) continue;
      const id = newId();
      renamed.set(a.id, id);
      files.push({ conversation: index, oldId: a.id, newId: id, kind: a.kind, filename: a.filename, bytes, createdAt: a.createdAt });
    }
    if (renamed.size === 0) return c;
    const messages = c.messages.map((m) => ({
      ...m,
      parts: m.parts.map((p) => {
        if (p.type !== "file") return p;
        const old = attachmentIdOf(p.url);
        const replacement = old ? renamed.get(old) : undefined;
        return replacement ? { ...p, url: attachmentUrl(replacement) } : p;
      }),
    }));
    return { ...c, messages };
  });
  return { file: { ...file, conversations }, files };
}

/** Creates everything in the file for the user, or nothing (one transaction, files removed again on failure). */
export async function importForUser(userId: string, input: ImportFile): Promise<ImportResponse> {
  const { file, files } = planAttachments(input);
  const stored: string[] = [];
  let created: Awaited<ReturnType<typeof insertImportedConversations>>;
  try {
    for (const f of files) {
      const mediaType = sniffMediaType(f.bytes)!;
      await createAttachment({
        id: f.newId,
        userId,
        kind: f.kind,
        mediaType,
        filename: cleanFilename(f.filename, mediaType),
        data: f.bytes,
        createdAt: f.createdAt,
      });
      stored.push(f.newId);
    }
    created = await insertImportedConversations(userId, toImported(file), newId);
  } catch (error) {
    await deleteOwnedAttachments(userId, stored).catch(() => undefined);
    throw error;
  }
  for (const [index, conversation] of created.entries()) {
    await bindAttachments(
      userId,
      conversation.id,
      files.filter((f) => f.conversation === index).map((f) => f.newId),
    );
  }
  return {
    imported: { conversations: created.length, messages: created.reduce((n, c) => n + c.messages, 0) },
    conversations: created.slice(0, 1000).map(({ id, title }) => ({ id, title })),
  };
}
