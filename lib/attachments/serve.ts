import "server-only";
import { AppError } from "@/lib/errors";
import { findOwnedAttachment } from "./store";

// GET /api/attachments/:id: the owner's file, with headers that keep it a file. The stored,
// sniffed type is the Content-Type; `nosniff` stops a browser guessing another; the CSP
// `sandbox` makes it a unique opaque origin with no scripts even if opened as a page; PDFs
// (which viewers can script) are always downloads.

const ID = /^[A-Za-z0-9_-]{8,64}$/;

export function attachmentNotFound(): AppError {
  return new AppError("not_found:attachment", "Attachment not found.");
}

export function contentDisposition(kind: "inline" | "attachment", filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

export const ATTACHMENT_CSP = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'";

export async function attachmentResponse(userId: string, rawId: string, request: Request): Promise<Response> {
  // Any id that is not the caller's — malformed, unknown, or someone else's — is the same 404.
  if (!ID.test(rawId)) throw attachmentNotFound();
  const attachment = await findOwnedAttachment(userId, rawId);
  if (!attachment) throw attachmentNotFound();
  const download = new URL(request.url).searchParams.get("download") === "1" || !attachment.mediaType.startsWith("image/");
  const etag = `"${attachment.sha256}"`;
  // Revalidated on every use (`no-cache`), so a deleted file is gone from the browser at once;
  // an unchanged one costs a 304, its bytes are not sent again.
  const caching = { "cache-control": "private, no-cache", etag };
  if (matchesEtag(request.headers.get("if-none-match"), etag)) return new Response(null, { status: 304, headers: caching });
  return new Response(Buffer.from(attachment.data), {
    status: 200,
    headers: {
      "content-type": attachment.mediaType,
      "content-length": String(attachment.data.byteLength),
      "content-disposition": contentDisposition(download ? "attachment" : "inline", attachment.filename),
      "x-content-type-options": "nosniff",
      "content-security-policy": ATTACHMENT_CSP,
      "cross-origin-resource-policy": "same-origin",
      ...caching,
    },
  });
}

/** `If-None-Match` names this ETag (weakly compared, as RFC 9110 asks for GET). */
function matchesEtag(header: string | null, etag: string): boolean {
  if (!header) return false;
  return header.split(",").some((tag) => {
    const t = tag.trim();
    return t === "*" || t.replace(/^W\//, "") === etag;
  });
}
