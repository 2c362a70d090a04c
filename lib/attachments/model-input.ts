import "server-only";
import type { ChatUIMessage } from "@/lib/chat/types";
import { AppError } from "@/lib/errors";
import type { ModelSummary } from "@/lib/openrouter/types";
import { findOwnedAttachments, loadOwnedAttachmentData, type AttachmentRow } from "./store";
import { attachmentIdOf, attachmentUrl, isImageType } from "./types";

// Attachments between the chat request and the upstream: the ids a message carries become file
// parts of the saved message; before the model is called each one is checked against what the
// model can read, and the saved parts are turned into the bytes the upstream needs.

type Part = ChatUIMessage["parts"][number];
type FilePart = Extract<Part, { type: "file" }>;

const isFilePart = (p: Part): p is FilePart => p.type === "file";

/** The saved file parts of these attachments, in the order the ids were given. */
export async function attachmentParts(userId: string, ids: string[], maxCount: number): Promise<FilePart[]> {
  const unique = [...new Set(ids)];
  if (unique.length > maxCount) {
    throw new AppError("payload_too_large:attachments", `At most ${maxCount} attachments per message.`, { details: { maxFiles: maxCount } });
  }
  const rows = await findOwnedAttachments(userId, unique);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return unique.map((id) => {
    const row = byId.get(id);
    // Someone else's id is as unknown as a made-up one.
    if (!row) throw new AppError("not_found:attachment", "An attachment of this message was not found. Upload it again.");
    return toFilePart(row);
  });
}

export function toFilePart(row: Pick<AttachmentRow, "id" | "mediaType" | "filename">): FilePart {
  return { type: "file", mediaType: row.mediaType, filename: row.filename, url: attachmentUrl(row.id) };
}

/** Attachments (by saved part) in the messages the model will see. */
function attachmentPartsIn(messages: ChatUIMessage[]): FilePart[] {
  return messages.filter((m) => m.role === "user").flatMap((m) => m.parts.filter(isFilePart).filter((p) => attachmentIdOf(p.url) !== null));
}

export type ModelNeeds = { images: number; pdfs: number };

export function attachmentNeeds(messages: ChatUIMessage[]): ModelNeeds {
  const parts = attachmentPartsIn(messages);
  return {
    images: parts.filter((p) => isImageType(p.mediaType)).length,
    pdfs: parts.filter((p) => p.mediaType === "application/pdf").length,
  };
}

export const canReadImages = (model: Pick<ModelSummary, "inputModalities">) => model.inputModalities.includes("image");
export const canReadFiles = (model: Pick<ModelSummary, "inputModalities">) => model.inputModalities.includes("file");

/**
 * Refuses, before anything is sent upstream, attachments the model cannot read: images need a
 * model whose `input_modalities` include `image`. PDFs reach every model (natively where the
 * model reads files, through OpenRouter's file-parser plugin otherwise). The error names models
 * that can (`details.models`).
 */
export function requireReadable(model: ModelSummary, needs: ModelNeeds, catalog: ModelSummary[], extraModels: ModelSummary[] = []): void {
  if (needs.images === 0) return;
  const unable = [model, ...extraModels].filter((m) => !canReadImages(m));
  if (unable.length === 0) return;
  const suggestions = catalog
    .filter((m) => canReadImages(m) && m.id !== "openrouter/auto" && !m.outputModalities.includes("image"))
    .slice(0, 5)
    .map((m) => m.id);
  const names = unable.map((m) => m.name || m.id).join(", ");
  throw new AppError(
    "bad_request:attachment_unsupported",
    `${names} cannot read images. Pick a model that can${suggestions.length ? `, such as ${suggestions.join(", ")}` : ""}, or remove the image.`,
    { details: { models: suggestions, unsupported: unable.map((m) => m.id), mediaType: "image" } },
  );
}

/**
 * The messages as the upstream must receive them: attachment urls (ours, meaningless to
 * OpenRouter) replaced by data URLs of the owner's bytes; files in answers (generated images)
 * left out — the upstream's chat format has no place for them in an assistant turn.
 */
export async function resolveAttachmentsForModel(userId: string, messages: ChatUIMessage[]): Promise<ChatUIMessage[]> {
  const ids = attachmentPartsIn(messages).map((p) => attachmentIdOf(p.url)!);
  const rows = await loadOwnedAttachmentData(userId, [...new Set(ids)]);
  const dataUrls = new Map(rows.map((r) => [r.id, `data:${r.mediaType};base64,${Buffer.from(r.data).toString("base64")}`]));
  return messages.map((m) => {
    if (!m.parts.some(isFilePart)) return m;
    const parts = m.parts.flatMap((p): Part[] => {
      if (!isFilePart(p)) return [p];
      if (m.role !== "user") return [];
      const id = attachmentIdOf(p.url);
      if (id === null) return p.url.startsWith("data:") ? [p] : [];
      const url = dataUrls.get(id);
      // A deleted attachment leaves a note instead of failing the whole conversation.
      return url ? [{ ...p, url }] : [{ type: "text", text: `[Attachment ${p.filename ?? ""} is no longer available]` }];
    });
    return { ...m, parts };
  });
}
