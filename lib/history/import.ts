import "server-only";
import { randomBytes } from "node:crypto";
import { setImmediate as nextTurn } from "node:timers/promises";
import { z } from "zod";
import type { Prisma } from "@/lib/generated/prisma/client";
import { assertStorageFits, createAttachmentWithinQuota, storageQuotaBytes } from "@/lib/attachments/quota";
import { sniffMediaType } from "@/lib/attachments/sniff";
import { cleanFilename } from "@/lib/attachments/store";
import { attachmentIdOf, attachmentUrl, formatBytes } from "@/lib/attachments/types";
import { conversationSettingsSchema } from "@/lib/chat/types";
import { insertImportedConversations, type ImportedConversation } from "@/lib/db/conversation-import";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { assertStorable, readBodyBytes } from "@/lib/http";
import { textOfParts } from "@/lib/message-text";
import { counters } from "@/lib/rate-limit";
import type { ChatUIMessage } from "@/lib/chat/types";
import { EXPORT_FORMAT } from "./export-format";
import { parseExportText } from "./export-text";
import type { ImportResponse } from "./types";

// Import of an export file (ours, version 1): every conversation is created again for the
// importing user with new ids, all or nothing. Usage rows are not imported: they are the
// instance's spending record (budgets add them up), and an import spends nothing; each answer
// keeps its cost in its metadata, which is what the chat footer shows.
//
// An import must not stall the instance: the file's size and message count are checked before
// it is parsed, the checks of its content and the writes run in slices with turns of the event
// loop between them, and each user has an allowance of imports per window (IMPORT_RATE).

export const IMPORT_MAX_BYTES = 50 * 1024 * 1024;
export const IMPORT_MAX_CONVERSATIONS = 20_000;
/**
 * Per user and window: imports that get past their checks (those write), and bytes of import
 * files sent, refused or not (reading and counting a file costs the server too). Invalid files
 * do not use up the imports, so a user can correct a file and try again.
 */
export const IMPORT_RATE: ImportAllowance = { imports: 5, bytes: 4 * IMPORT_MAX_BYTES, windowMs: 10 * 60_000 };

export function importMaxMessages(): number {
  return getEnv().SWITCHBOARD_IMPORT_MAX_MESSAGES;
}

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

/** A conversation without its messages, which are checked one by one (see readImportFile). */
const conversationHeadSchema = z.object({
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
  messages: z.array(z.unknown()),
  attachments: z.array(attachmentSchema).max(1000).optional(),
});

const conversationSchema = conversationHeadSchema.extend({ messages: z.array(messageSchema) });

const envelopeFields = {
  format: z.literal(EXPORT_FORMAT, { error: `Not a Switchboard export (format must be "${EXPORT_FORMAT}").` }),
  version: z.literal(1, { error: "This export version is not supported." }),
};

/** The file's frame: what it is and how many conversations, before any of them is looked into. */
const envelopeSchema = z.object({
  ...envelopeFields,
  conversations: z.array(z.unknown()).max(IMPORT_MAX_CONVERSATIONS, `At most ${IMPORT_MAX_CONVERSATIONS} conversations per import.`),
});

/** The whole file at once (tests, small files); the route reads it in slices with readImportFile. */
export const importFileSchema = z.object({
  ...envelopeFields,
  conversations: z.array(conversationSchema).max(IMPORT_MAX_CONVERSATIONS, `At most ${IMPORT_MAX_CONVERSATIONS} conversations per import.`),
});
export type ImportFile = z.infer<typeof importFileSchema>;

export type ImportAllowance = { imports: number; bytes: number; windowMs: number };

function rateLimited(allowance: ImportAllowance, resetAt: number): AppError {
  const retryAfter = Math.max(1, Math.ceil((resetAt - Date.now()) / 1000));
  return new AppError(
    "rate_limited:import",
    `You can import ${allowance.imports} files (${formatBytes(allowance.bytes)} in all) every ${Math.round(allowance.windowMs / 60_000)} minutes. ` +
      `Try again in ${Math.ceil(retryAfter / 60)} min.`,
    { retryAfter },
  );
}

/** Refuses, before the body is read, a user who has used up either allowance of the window. */
export async function assertImportAllowed(userId: string, allowance: ImportAllowance = IMPORT_RATE): Promise<void> {
  for (const [key, limit] of [
    [`import:${userId}`, allowance.imports],
    [`import-bytes:${userId}`, allowance.bytes],
  ] as const) {
    const window = await counters().peek(key);
    if (window && window.count >= limit) throw rateLimited(allowance, window.resetAt);
  }
}

async function count(key: string, by: number, limit: number, allowance: ImportAllowance): Promise<void> {
  const window = await counters().increment(key, allowance.windowMs, by);
  if (window.count > limit) throw rateLimited(allowance, window.resetAt);
}

function tooManyMessages(maxMessages: number, count?: number): AppError {
  const has = count === undefined ? `more than ${maxMessages} messages` : `${count} messages`;
  return new AppError(
    "payload_too_large:import_messages",
    `This file has ${has}; one import takes at most ${maxMessages}. Export fewer conversations at a time and import them in turns.`,
    { details: { maxMessages, ...(count !== undefined ? { messages: count } : {}) } },
  );
}

// A message's role, as a key of the file's JSON text. Every message has exactly one, so their
// number bounds the messages from above (a tool's data may hold more) without parsing the file.
const ROLE_KEY = /"role"\s*:\s*"(?:user|assistant)"/;

/** True when the JSON text holds more than `max` message roles. */
function moreRolesThan(text: string, max: number): boolean {
  const re = new RegExp(ROLE_KEY.source, "g");
  let n = 0;
  while (re.exec(text)) if (++n > max) return true;
  return false;
}

/** Yields a turn of the event loop once the current turn has run `sliceMs`, so requests keep being served. */
function pacer(sliceMs = 8): () => Promise<void> {
  let since = performance.now();
  return async () => {
    if (performance.now() - since < sliceMs) return;
    await nextTurn();
    since = performance.now();
  };
}

function checked<S extends z.ZodType>(schema: S, value: unknown, path: (string | number)[]): z.infer<S> {
  assertStorable(value, "import");
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw invalid(result.error, path);
}

function invalid(error: z.ZodError, path: (string | number)[]): AppError {
  const issue = error.issues[0];
  const where = [...path, ...(issue?.path ?? [])].map(String).join(".");
  return new AppError("bad_request:import", `${where ? `${where}: ` : ""}${issue?.message ?? "Invalid input."}`, {
    details: { issues: error.issues.slice(0, 10).map((i) => ({ path: [...path, ...i.path].map(String), message: i.message })) },
  });
}

/**
 * Reads an import request's body, within the user's allowance (IMPORT_RATE): refused when larger
 * than IMPORT_MAX_BYTES, or holding more messages than allowed (counted in the text, then exactly
 * once parsed), before any of its content is checked; then checked conversation by conversation
 * and message by message, in slices that leave the event loop to other requests.
 */
export async function readImportFile(
  request: Request,
  userId: string,
  { maxMessages = importMaxMessages(), allowance = IMPORT_RATE }: { maxMessages?: number; allowance?: ImportAllowance } = {},
): Promise<ImportFile> {
  await assertImportAllowed(userId, allowance);
  let readTooMuch = false;
  const bytes = await readBodyBytes(request, IMPORT_MAX_BYTES, () => {
    readTooMuch = true;
    return new AppError("payload_too_large:import", `The file is larger than the ${formatBytes(IMPORT_MAX_BYTES)} an import takes.`);
  }).catch(async (error: unknown) => {
    // A body sent without its length is read up to the limit before it is refused.
    if (readTooMuch && request.headers.get("content-length") === null) {
      await count(`import-bytes:${userId}`, IMPORT_MAX_BYTES, allowance.bytes, allowance).catch(() => undefined);
    }
    throw error;
  });
  await count(`import-bytes:${userId}`, bytes.byteLength, allowance.bytes, allowance);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new AppError("bad_request:import", "The file is not valid UTF-8.");
  }
  if (moreRolesThan(text, maxMessages)) throw tooManyMessages(maxMessages);
  let data: unknown;
  try {
    data = await parseExportText(text, pacer());
  } catch {
    throw new AppError("bad_request:import", "The file is not valid JSON.");
  }
  const file = await checkImportFile(data, maxMessages);
  await count(`import:${userId}`, 1, allowance.imports, allowance);
  return file;
}

/** An export file's parsed JSON, checked: the frame and the message count first, then each part in slices. */
export async function checkImportFile(data: unknown, maxMessages = importMaxMessages()): Promise<ImportFile> {
  const envelope = envelopeSchema.safeParse(data);
  if (!envelope.success) throw invalid(envelope.error, []);
  const raw = envelope.data.conversations;
  const count = raw.reduce<number>((n, c) => {
    const messages = c !== null && typeof c === "object" ? (c as { messages?: unknown }).messages : undefined;
    return n + (Array.isArray(messages) ? messages.length : 0);
  }, 0);
  if (count > maxMessages) throw tooManyMessages(maxMessages, count);
  // What the database cannot store (NUL, lone surrogates, deep nesting), refused as any request's
  // is: the file's frame here; each conversation's head and messages as they are checked.
  assertStorable({ ...(data as object), conversations: [] }, "import");
  const pace = pacer();
  const conversations: ImportFile["conversations"] = [];
  for (const [i, c] of raw.entries()) {
    const rawMessages = c !== null && typeof c === "object" ? (c as { messages?: unknown }).messages : undefined;
    // The head is checked without its messages (an empty list stands in for a list), which follow one by one.
    const head = checked(conversationHeadSchema, Array.isArray(rawMessages) ? { ...(c as object), messages: [] } : c, ["conversations", i]);
    const messages: ImportFile["conversations"][number]["messages"] = [];
    for (const [j, m] of (rawMessages as unknown[]).entries()) {
      messages.push(checked(messageSchema, m, ["conversations", i, "messages", j]));
      await pace();
    }
    conversations.push({ ...head, messages });
    await pace();
  }
  return { format: envelope.data.format, version: envelope.data.version, conversations };
}

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

/** The file's conversations as rows to insert, converted in slices that leave the event loop to other requests. */
export async function toImported(file: ImportFile, now = new Date()): Promise<ImportedConversation[]> {
  const pace = pacer();
  const out: ImportedConversation[] = [];
  for (const c of file.conversations) {
    const places = placesOf(c.messages);
    const messages: ImportedConversation["messages"] = [];
    for (const [index, m] of c.messages.entries()) {
      const createdAt = m.createdAt ?? c.createdAt ?? now;
      const parts = m.parts as unknown as ChatUIMessage["parts"];
      const metadata = { ...(m.metadata ?? {}), status: m.status, createdAt: createdAt.toISOString() };
      if (m.role === "assistant" && m.costNano && metadata.costNano === undefined) metadata.costNano = m.costNano;
      messages.push({
        ...places[index],
        role: m.role,
        parts: m.parts as unknown as Prisma.InputJsonValue,
        text: textOfParts(parts),
        model: m.model ?? null,
        status: m.status,
        error: m.error ? (m.error as Prisma.InputJsonValue) : null,
        metadata: metadata as Prisma.InputJsonValue,
        createdAt,
      });
      await pace();
    }
    const lastAt = messages.length > 0 ? messages[messages.length - 1].createdAt : null;
    out.push({
      title: c.title,
      model: c.model,
      systemPrompt: c.systemPrompt ?? null,
      settings: (c.settings ?? {}) as Prisma.InputJsonValue,
      pinned: c.pinned,
      createdAt: c.createdAt ?? messages[0]?.createdAt ?? now,
      lastMessageAt: c.lastMessageAt ?? lastAt ?? c.createdAt ?? now,
      messages,
    });
  }
  return out;
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

export type ImportLimits = { attachmentMaxBytes: number; storageQuotaBytes: number };

function importLimits(): ImportLimits {
  return { attachmentMaxBytes: getEnv().SWITCHBOARD_ATTACHMENT_MAX_BYTES, storageQuotaBytes: storageQuotaBytes() };
}

/**
 * Creates everything in the file for the user, or nothing. Its files are held to the attachment
 * size limit and the user's storage quota before anything is written.
 */
export async function importForUser(userId: string, input: ImportFile, limits: ImportLimits = importLimits()): Promise<ImportResponse> {
  const { file, files } = planAttachments(input);
  const tooBig = files.find((f) => f.bytes.byteLength > limits.attachmentMaxBytes);
  if (tooBig) {
    const name = tooBig.filename ? `“${tooBig.filename.slice(0, 100)}”` : "A file";
    throw new AppError(
      "payload_too_large:attachment",
      `${name} (${formatBytes(tooBig.bytes.byteLength)}) is larger than the ${formatBytes(limits.attachmentMaxBytes)} limit for attachments; nothing was imported.`,
      { details: { maxBytes: limits.attachmentMaxBytes } },
    );
  }
  await assertStorageFits(
    userId,
    files.reduce((n, f) => n + f.bytes.byteLength, 0),
    limits.storageQuotaBytes,
  );
  const storeFiles = async (conversationIds: string[]) => {
    for (const f of files) {
      const mediaType = sniffMediaType(f.bytes)!;
      // Tied to its (still hidden) conversation at once: a failed import removes it with the conversation.
      await createAttachmentWithinQuota(
        {
          id: f.newId,
          userId,
          conversationId: conversationIds[f.conversation],
          kind: f.kind,
          mediaType,
          filename: cleanFilename(f.filename, mediaType),
          data: f.bytes,
          createdAt: f.createdAt,
        },
        limits.storageQuotaBytes,
      );
      await nextTurn();
    }
  };
  const created = await insertImportedConversations(userId, await toImported(file), newId, storeFiles);
  return {
    imported: { conversations: created.length, messages: created.reduce((n, c) => n + c.messages, 0) },
    conversations: created.slice(0, 1000).map(({ id, title }) => ({ id, title })),
  };
}
