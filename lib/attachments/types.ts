// Attachments as the browser sees them. Client-safe.

/** The types an attachment may have, always sniffed from the bytes (never from the name). */
export const ATTACHMENT_MEDIA_TYPES = ["image/png", "image/jpeg", "image/webp", "image/gif", "application/pdf"] as const;
export type AttachmentMediaType = (typeof ATTACHMENT_MEDIA_TYPES)[number];

export type AttachmentInfo = {
  id: string;
  mediaType: AttachmentMediaType;
  filename: string;
  size: number;
  /** Where the owner fetches it: `/api/attachments/<id>`. */
  url: string;
  /** "upload" (from the user) or "generated" (an image a model produced). */
  kind: "upload" | "generated";
  createdAt: string;
};

/** `POST /api/attachments` answers `{ attachments: AttachmentInfo[] }` (201). */
export type UploadResponse = { attachments: AttachmentInfo[] };

export const ATTACHMENT_URL_PREFIX = "/api/attachments/";

export function attachmentUrl(id: string): string {
  return `${ATTACHMENT_URL_PREFIX}${id}`;
}

/** The attachment id in a saved `file` part's url, or null for any other url. */
export function attachmentIdOf(url: unknown): string | null {
  if (typeof url !== "string" || !url.startsWith(ATTACHMENT_URL_PREFIX)) return null;
  const id = url.slice(ATTACHMENT_URL_PREFIX.length);
  return /^[A-Za-z0-9_-]{8,64}$/.test(id) ? id : null;
}

export const isImageType = (mediaType: string) => mediaType.startsWith("image/");

/** A file size for people: "512 bytes", "12.5 KB", "3.2 MB". */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${Math.round((n / (1024 * 1024)) * 10) / 10} MB`;
  if (n >= 1024) return `${Math.round((n / 1024) * 10) / 10} KB`;
  return `${n} bytes`;
}
