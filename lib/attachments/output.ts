import "server-only";
import type { ChatUIMessage } from "@/lib/chat/types";
import { createAttachment } from "./store";
import { sniffMediaType } from "./sniff";
import { attachmentUrl } from "./types";

// Images a model generated arrive as data URLs in `file` parts. Before the answer is saved each
// one becomes an attachment owned by the user (bound to the conversation, so it is exported and
// deleted with it) and the part points at it: the message row stays small and the image is served
// with the same owner-only, non-executable headers as an upload.

type Part = ChatUIMessage["parts"][number];

const DATA_URL = /^data:([^;,]+)?(;base64)?,(.*)$/s;

export async function persistGeneratedFiles(userId: string, conversationId: string, parts: Part[]): Promise<Part[]> {
  const out: Part[] = [];
  let index = 0;
  for (const part of parts) {
    if (part.type !== "file" || !part.url.startsWith("data:")) {
      out.push(part);
      continue;
    }
    const match = DATA_URL.exec(part.url);
    const bytes = match?.[2] ? new Uint8Array(Buffer.from(match[3], "base64")) : null;
    const mediaType = bytes ? sniffMediaType(bytes) : null;
    // Only images we can vouch for are kept; anything else is dropped rather than stored unchecked.
    if (!bytes || !mediaType || !mediaType.startsWith("image/")) continue;
    index += 1;
    const row = await createAttachment({
      userId,
      conversationId,
      kind: "generated",
      mediaType,
      filename: `generated-image-${index}.${mediaType.split("/")[1] === "jpeg" ? "jpg" : mediaType.split("/")[1]}`,
      data: bytes,
    });
    out.push({ type: "file", mediaType, filename: row.filename, url: attachmentUrl(row.id) });
  }
  return out;
}
