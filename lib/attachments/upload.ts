import "server-only";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { readBodyBytes } from "@/lib/http";
import { assertStorageFits, createAttachmentWithinQuota, storageQuotaBytes } from "./quota";
import { cleanFilename, deleteOwnedAttachments, deleteUnboundAttachments, toAttachmentInfo } from "./store";
import { sniffMediaType } from "./sniff";
import { formatBytes, type AttachmentInfo } from "./types";

// POST /api/attachments: one or more files, as multipart/form-data (any field name) or as the raw
// body (name in `X-Filename` or `?filename=`). Limits come from the environment; the type is
// sniffed from the bytes, whatever the name or the declared Content-Type say.

export type UploadLimits = { maxBytes: number; maxFiles: number };

export function uploadLimits(): UploadLimits {
  const env = getEnv();
  return { maxBytes: env.SWITCHBOARD_ATTACHMENT_MAX_BYTES, maxFiles: env.SWITCHBOARD_ATTACHMENTS_PER_MESSAGE };
}

function tooLarge(limits: UploadLimits, name?: string, size?: number): AppError {
  const what = name ? `“${name.slice(0, 100)}”${size !== undefined ? ` (${formatBytes(size)})` : ""}` : "The file";
  return new AppError("payload_too_large:attachment", `${what} is larger than the ${formatBytes(limits.maxBytes)} limit for attachments.`, {
    details: { maxBytes: limits.maxBytes },
  });
}

type IncomingFile = { name: string | null; bytes: Uint8Array };

/** The files of an upload request, each within the limits (not yet typed). */
export async function readUploadFiles(request: Request, limits: UploadLimits = uploadLimits()): Promise<IncomingFile[]> {
  const contentType = request.headers.get("content-type") ?? "";
  if (contentType.toLowerCase().startsWith("multipart/form-data")) {
    // Room for the multipart envelope around the largest allowed set of files.
    const envelope = limits.maxBytes * limits.maxFiles + 64 * 1024;
    const body = await readBodyBytes(request, envelope, () => tooLarge(limits));
    let form: FormData;
    try {
      form = await new Response(body, { headers: { "content-type": contentType } }).formData();
    } catch {
      throw new AppError("bad_request:attachment", "The upload is not valid multipart/form-data.");
    }
    const files: IncomingFile[] = [];
    for (const value of form.values()) {
      if (typeof value === "string") continue;
      if (files.length >= limits.maxFiles) {
        throw new AppError("payload_too_large:attachments", `At most ${limits.maxFiles} attachments at a time.`, {
          details: { maxFiles: limits.maxFiles },
        });
      }
      if (value.size > limits.maxBytes) throw tooLarge(limits, value.name, value.size);
      files.push({ name: value.name || null, bytes: new Uint8Array(await value.arrayBuffer()) });
    }
    if (files.length === 0) throw new AppError("bad_request:attachment", "The upload has no file in it.");
    return files;
  }
  const url = new URL(request.url);
  const headerName = request.headers.get("x-filename");
  let name: string | null = url.searchParams.get("filename") ?? null;
  if (headerName) {
    try {
      name = decodeURIComponent(headerName);
    } catch {
      name = headerName;
    }
  }
  const bytes = await readBodyBytes(request, limits.maxBytes, () => tooLarge(limits, name ?? undefined));
  return [{ name, bytes }];
}

/** Checks each file's real type and the user's storage quota, and stores them; nothing is stored unless all pass. */
export async function storeUploads(userId: string, files: IncomingFile[]): Promise<AttachmentInfo[]> {
  const typed = files.map((file) => {
    if (file.bytes.byteLength === 0) {
      throw new AppError("bad_request:attachment", `${file.name ? `“${file.name.slice(0, 100)}”` : "The file"} is empty.`);
    }
    const mediaType = sniffMediaType(file.bytes);
    if (!mediaType) {
      throw new AppError(
        "unsupported_media:attachment",
        `${file.name ? `“${file.name.slice(0, 100)}”` : "The file"} is not a PNG, JPEG, WebP or GIF image or a PDF (its content was checked, not its name).`,
      );
    }
    return { ...file, mediaType };
  });
  // Uploads left in a composer and never sent are not kept forever.
  await deleteUnboundAttachments(userId, new Date(Date.now() - 24 * 3600_000));
  const quota = storageQuotaBytes();
  await assertStorageFits(
    userId,
    typed.reduce((n, f) => n + f.bytes.byteLength, 0),
    quota,
  );
  const stored: AttachmentInfo[] = [];
  try {
    for (const file of typed) {
      const row = await createAttachmentWithinQuota(
        { userId, kind: "upload", mediaType: file.mediaType, filename: cleanFilename(file.name, file.mediaType), data: file.bytes },
        quota,
      );
      stored.push(toAttachmentInfo(row));
    }
  } catch (error) {
    // A concurrent upload took the room between the check and a later file.
    await deleteOwnedAttachments(
      userId,
      stored.map((a) => a.id),
    ).catch(() => undefined);
    throw error;
  }
  return stored;
}
