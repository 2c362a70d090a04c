import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { getDb } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { extensionOf } from "./sniff";
import { attachmentUrl, type AttachmentInfo, type AttachmentMediaType } from "./types";

// Attachment rows: every query takes the owner's id and checks it in the query itself, so
// another user's id finds nothing (and is answered 404, never 403).

export type AttachmentRow = {
  id: string;
  userId: string;
  conversationId: string | null;
  kind: string;
  mediaType: string;
  filename: string;
  size: number;
  sha256: string;
  createdAt: Date;
};

export type AttachmentWithData = AttachmentRow & { data: Uint8Array };

const meta = {
  id: true,
  userId: true,
  conversationId: true,
  kind: true,
  mediaType: true,
  filename: true,
  size: true,
  sha256: true,
  createdAt: true,
} as const;

export function newAttachmentId(): string {
  return randomBytes(15).toString("base64url");
}

/** A file name safe for storage and headers: no path, no control or quote characters, the sniffed type's extension. */
export function cleanFilename(name: string | null | undefined, mediaType: AttachmentMediaType): string {
  const base = (name ?? "")
    .split(/[\\/]/)
    .pop()!
    .replace(/[\u0000-\u001f\u007f"<>|*?:;]/g, "")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/\.[A-Za-z0-9]{1,5}$/, "")
    .slice(0, 100)
    .trim();
  return `${base || (mediaType.startsWith("image/") ? "image" : "document")}.${extensionOf(mediaType)}`;
}

export function toAttachmentInfo(row: AttachmentRow): AttachmentInfo {
  return {
    id: row.id,
    mediaType: row.mediaType as AttachmentMediaType,
    filename: row.filename,
    size: row.size,
    url: attachmentUrl(row.id),
    kind: row.kind === "generated" ? "generated" : "upload",
    createdAt: row.createdAt.toISOString(),
  };
}

/** Stores one file; `client`: a transaction to write in (the quota check's). */
export async function createAttachment(
  input: {
    userId: string;
    conversationId?: string | null;
    kind: "upload" | "generated";
    mediaType: AttachmentMediaType;
    filename: string;
    data: Uint8Array;
    id?: string;
    createdAt?: Date;
  },
  client?: Prisma.TransactionClient,
): Promise<AttachmentRow> {
  const db = client ?? (await getDb());
  return db.attachment.create({
    data: {
      id: input.id ?? newAttachmentId(),
      userId: input.userId,
      conversationId: input.conversationId ?? null,
      kind: input.kind,
      mediaType: input.mediaType,
      filename: input.filename,
      size: input.data.byteLength,
      sha256: createHash("sha256").update(input.data).digest("hex"),
      data: Buffer.from(input.data).toString("base64"),
      ...(input.createdAt ? { createdAt: input.createdAt } : {}),
    },
    select: meta,
  });
}

/** The owner's attachment with its bytes, or null (also for another user's id). */
export async function findOwnedAttachment(userId: string, id: string): Promise<AttachmentWithData | null> {
  const db = await getDb();
  const row = await db.attachment.findFirst({ where: { id, userId }, select: { ...meta, data: true } });
  return row ? { ...row, data: new Uint8Array(Buffer.from(row.data, "base64")) } : null;
}

/** The owner's attachments among `ids` (metadata only), in no particular order. */
export async function findOwnedAttachments(userId: string, ids: string[]): Promise<AttachmentRow[]> {
  if (ids.length === 0) return [];
  const db = await getDb();
  return db.attachment.findMany({ where: { userId, id: { in: ids } }, select: meta });
}

/** Bytes of the owner's attachments among `ids`. */
export async function loadOwnedAttachmentData(userId: string, ids: string[]): Promise<AttachmentWithData[]> {
  if (ids.length === 0) return [];
  const db = await getDb();
  const rows = await db.attachment.findMany({ where: { userId, id: { in: ids } }, select: { ...meta, data: true } });
  return rows.map((r) => ({ ...r, data: new Uint8Array(Buffer.from(r.data, "base64")) }));
}

/**
 * Ties the owner's unbound attachments to a conversation (when a message uses them), so they
 * are deleted with it. Attachments already bound elsewhere are left as they are.
 */
export async function bindAttachments(userId: string, conversationId: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const db = await getDb();
  await db.attachment.updateMany({ where: { userId, id: { in: ids }, conversationId: null }, data: { conversationId } });
}

/** Every attachment of the owner's conversations among `conversationIds`, with bytes (exports). */
export async function attachmentsOfConversations(userId: string, conversationIds: string[]): Promise<AttachmentWithData[]> {
  if (conversationIds.length === 0) return [];
  const db = await getDb();
  const rows = await db.attachment.findMany({
    where: { userId, conversationId: { in: conversationIds } },
    select: { ...meta, data: true },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  return rows.map((r) => ({ ...r, data: new Uint8Array(Buffer.from(r.data, "base64")) }));
}

/** Uploads never used by a message, older than `before`: removed (an upload abandoned in the composer). */
export async function deleteUnboundAttachments(userId: string, before: Date): Promise<number> {
  const db = await getDb();
  const { count } = await db.attachment.deleteMany({ where: { userId, conversationId: null, createdAt: { lt: before } } });
  return count;
}

export async function deleteOwnedAttachments(userId: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const db = await getDb();
  await db.attachment.deleteMany({ where: { userId, id: { in: ids } } });
}
