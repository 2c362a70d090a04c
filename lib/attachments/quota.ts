import "server-only";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { createAttachment, type AttachmentRow } from "./store";
import { formatBytes } from "./types";

// Each user's attachments (uploads and imported files) may use at most
// SWITCHBOARD_STORAGE_QUOTA_BYTES together. The check and the write of a file run in one
// transaction under a lock per user, so concurrent uploads (on any instance) cannot both fit
// into the same free space.

export function storageQuotaBytes(): number {
  return getEnv().SWITCHBOARD_STORAGE_QUOTA_BYTES;
}

/** Bytes of all the user's attachments. */
export async function usedStorageBytes(userId: string): Promise<number> {
  const db = await getDb();
  const { _sum } = await db.attachment.aggregate({ where: { userId }, _sum: { size: true } });
  return _sum.size ?? 0;
}

export function quotaExceeded(used: number, adding: number, quota: number): AppError {
  return new AppError(
    "payload_too_large:storage_quota",
    `Your attachments would use ${formatBytes(used + adding)}, over your ${formatBytes(quota)} storage limit ` +
      `(${formatBytes(used)} in use). Delete conversations with files to make room.`,
    { details: { quotaBytes: quota, usedBytes: used, addingBytes: adding } },
  );
}

/** Refuses, before anything is written, files that cannot fit the user's free space. */
export async function assertStorageFits(userId: string, adding: number, quota = storageQuotaBytes()): Promise<void> {
  if (adding === 0) return;
  const used = await usedStorageBytes(userId);
  if (used + adding > quota) throw quotaExceeded(used, adding, quota);
}

/** Stores one file if it fits the user's free space; the quota error otherwise. */
export async function createAttachmentWithinQuota(
  input: Parameters<typeof createAttachment>[0],
  quota = storageQuotaBytes(),
): Promise<AttachmentRow> {
  const db = await getDb();
  return db.$transaction(async (tx) => {
    // Serialises the user's writes of files for the length of this transaction.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`attachments:${input.userId}`}, 0))`;
    const { _sum } = await tx.attachment.aggregate({ where: { userId: input.userId }, _sum: { size: true } });
    const used = _sum.size ?? 0;
    if (used + input.data.byteLength > quota) throw quotaExceeded(used, input.data.byteLength, quota);
    return createAttachment(input, tx);
  });
}
