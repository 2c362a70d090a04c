"use client";

// Files in the conversation: a user's attachments (thumbnails and PDF chips) and the images a
// model generated (with a download link). Only our own attachment URLs and inline image data
// URLs are ever used as a link or an image source.
import { Download, FileText } from "lucide-react";
import { attachmentIdOf, isImageType } from "@/lib/attachments/types";
import type { FilePart } from "./message-parts";

const IMAGE_DATA_URL = /^data:image\/(png|jpeg|webp|gif);base64,/i;

/** The part's url when it is safe to show or link to, else null. */
function safeUrl(part: FilePart): string | null {
  if (attachmentIdOf(part.url)) return part.url;
  if (isImageType(part.mediaType) && IMAGE_DATA_URL.test(part.url)) return part.url;
  return null;
}

function downloadUrl(url: string): string {
  // Our attachment route serves it as a download; a data URL downloads as it is.
  return attachmentIdOf(url) ? `${url}?download=1` : url;
}

/** A user message's attachments: image thumbnails that open the full image, PDFs as chips. */
export function MessageAttachments({ files }: { files: FilePart[] }) {
  const shown = files.flatMap((part) => {
    const url = safeUrl(part);
    return url ? [{ part, url }] : [];
  });
  if (shown.length === 0) return null;
  return (
    <ul data-testid="message-attachments" aria-label="Attachments" className="flex max-w-[85%] flex-wrap justify-end gap-2">
      {shown.map(({ part, url }, index) => (
        <li key={`${url}-${index}`}>
          {isImageType(part.mediaType) ? (
            <a
              href={url}
              target="_blank"
              rel="noopener noreferrer"
              data-testid="message-attachment-image"
              title={part.filename ? `Open ${part.filename}` : "Open the image"}
              className="block overflow-hidden rounded-lg border bg-muted/40"
            >
              {/* eslint-disable-next-line @next/next/no-img-element -- an owner-only attachment, not an optimisable asset */}
              <img src={url} alt={part.filename ?? "Attached image"} loading="lazy" className="h-32 w-auto max-w-60 object-cover" />
            </a>
          ) : (
            <a
              href={url}
              download={part.filename ?? true}
              data-testid="message-attachment-file"
              title={part.filename ? `Download ${part.filename}` : "Download the file"}
              className="inline-flex max-w-60 items-center gap-2 rounded-lg border bg-muted/40 px-3 py-2 text-sm hover:bg-muted"
            >
              <FileText aria-hidden className="size-4 shrink-0 text-muted-foreground" />
              <span className="truncate">{part.filename ?? "Document"}</span>
              <span className="shrink-0 text-xs text-muted-foreground uppercase">{part.mediaType.split("/")[1]}</span>
            </a>
          )}
        </li>
      ))}
    </ul>
  );
}

/** An image in an answer (a generated one), with a download link; nothing for other files. */
export function MessageImage({ part }: { part: FilePart }) {
  const url = safeUrl(part);
  if (!url || !isImageType(part.mediaType)) return null;
  const name = part.filename ?? "generated-image";
  return (
    <figure data-testid="message-image" className="grid w-fit max-w-full gap-1.5">
      {/* eslint-disable-next-line @next/next/no-img-element -- an owner-only attachment or a streamed data URL */}
      <img
        src={url}
        alt={part.filename ? `Generated image ${part.filename}` : "Generated image"}
        className="h-auto max-h-96 min-h-24 w-auto max-w-full rounded-md border"
      />
      <figcaption className="flex">
        <a
          href={downloadUrl(url)}
          download={name}
          data-testid="message-image-download"
          className="inline-flex items-center gap-1 text-xs text-muted-foreground hover:text-foreground"
        >
          <Download aria-hidden className="size-3.5" />
          Download
        </a>
      </figcaption>
    </figure>
  );
}
