import "server-only";
import {
  loadConversationBatchForExport,
  loadConversationForExport,
  type ExportConversationRow,
  type ExportUsageRow,
} from "@/lib/db/conversation-export";
import { attachmentsOfConversations, type AttachmentWithData } from "@/lib/attachments/store";
import { conversationNotFound } from "@/lib/errors";
import { formatUsd } from "@/lib/money";
import {
  EXPORT_FORMAT,
  EXPORT_VERSION,
  type ExportAttachment,
  type ExportConversation,
  type ExportFile,
  type ExportMessage,
  type ExportUsage,
} from "./export-format";

// Exports: one conversation as Markdown or JSON, or a whole account as one JSON file that is
// streamed conversation by conversation (a 10,000-conversation history never sits in memory).

function toExportUsage(row: ExportUsageRow): ExportUsage {
  return {
    generationId: row.generationId,
    kind: row.kind,
    modelRequested: row.modelRequested,
    modelServed: row.modelServed,
    provider: row.provider,
    promptTokens: row.promptTokens,
    completionTokens: row.completionTokens,
    reasoningTokens: row.reasoningTokens,
    cachedTokens: row.cachedTokens,
    costNano: row.costNano === null ? null : row.costNano.toString(),
    isByok: row.isByok,
    durationMs: row.durationMs,
    finishReason: row.finishReason,
    createdAt: row.createdAt.toISOString(),
  };
}

export function toExportConversation(row: ExportConversationRow): ExportConversation {
  const byMessage = new Map<string, ExportUsageRow[]>();
  const other: ExportUsageRow[] = [];
  const messageIds = new Set(row.messages.map((m) => m.id));
  for (const usage of row.usages) {
    if (usage.messageId && messageIds.has(usage.messageId)) {
      const list = byMessage.get(usage.messageId) ?? [];
      list.push(usage);
      byMessage.set(usage.messageId, list);
    } else {
      other.push(usage);
    }
  }
  const total = row.usages.reduce((sum, u) => sum + (u.costNano ?? 0n), 0n);
  const messages: ExportMessage[] = row.messages.map((m) => {
    const usage = byMessage.get(m.id) ?? [];
    const known = usage.filter((u) => u.costNano !== null);
    return {
      id: m.id,
      position: m.position,
      variant: m.variant,
      shown: m.shown,
      role: m.role,
      parts: Array.isArray(m.parts) ? m.parts : [],
      text: m.text,
      model: m.model,
      // An answer still being written is exported as far as it got, as before.
      status: m.status === "streaming" ? "partial" : m.status,
      error: m.error ?? null,
      metadata: m.metadata ?? null,
      createdAt: m.createdAt.toISOString(),
      usage: usage.map(toExportUsage),
      costNano: known.length > 0 ? known.reduce((s, u) => s + (u.costNano ?? 0n), 0n).toString() : null,
      costPending: usage.length > known.length,
    };
  });
  return {
    id: row.id,
    title: row.title,
    model: row.model,
    systemPrompt: row.systemPrompt,
    settings: row.settings ?? {},
    pinned: row.pinned,
    createdAt: row.createdAt.toISOString(),
    lastMessageAt: row.lastMessageAt.toISOString(),
    totalCostNano: total.toString(),
    messages,
    otherUsage: other.map(toExportUsage),
  };
}

function toExportAttachment(a: AttachmentWithData): ExportAttachment {
  return {
    id: a.id,
    kind: a.kind === "generated" ? "generated" : "upload",
    mediaType: a.mediaType,
    filename: a.filename,
    size: a.size,
    sha256: a.sha256,
    createdAt: a.createdAt.toISOString(),
    dataBase64: Buffer.from(a.data).toString("base64"),
  };
}

/** The conversations with their files added (only those that have some get the key). */
async function withAttachments(userId: string, conversations: ExportConversation[]): Promise<ExportConversation[]> {
  const files = await attachmentsOfConversations(
    userId,
    conversations.map((c) => c.id),
  );
  if (files.length === 0) return conversations;
  const byConversation = new Map<string, ExportAttachment[]>();
  for (const f of files) {
    const list = byConversation.get(f.conversationId!) ?? [];
    list.push(toExportAttachment(f));
    byConversation.set(f.conversationId!, list);
  }
  return conversations.map((c) => (byConversation.has(c.id) ? { ...c, attachments: byConversation.get(c.id) } : c));
}

export async function exportConversation(userId: string, id: string): Promise<ExportConversation> {
  const row = await loadConversationForExport(userId, id);
  if (!row) throw conversationNotFound();
  const [conversation] = await withAttachments(userId, [toExportConversation(row)]);
  return conversation;
}

export function conversationExportFile(conversation: ExportConversation): ExportFile {
  return { format: EXPORT_FORMAT, version: EXPORT_VERSION, exportedAt: new Date().toISOString(), conversations: [conversation] };
}

/** A file name without anything a header or a file system could trip on. */
export function exportFileName(title: string, extension: "md" | "json"): string {
  const slug = title
    .normalize("NFKD")
    .replace(/[^\w\s-]/g, "")
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, "-")
    .slice(0, 60)
    .replace(/-+$/, "");
  return `${slug || "conversation"}.${extension}`;
}

/**
 * The whole account as one JSON document, produced in batches of conversations (keyset on
 * id): the text is the same as JSON.stringify of an ExportFile, without building it at once.
 */
export async function* accountExportChunks(userId: string, account: { name: string; email: string }, batch = 100): AsyncGenerator<string> {
  const head = { format: EXPORT_FORMAT, version: EXPORT_VERSION, exportedAt: new Date().toISOString(), account };
  yield JSON.stringify(head).slice(0, -1) + `,"conversations":[`;
  let after: string | null = null;
  let first = true;
  for (;;) {
    const rows = await loadConversationBatchForExport(userId, after, batch);
    for (const conversation of await withAttachments(userId, rows.map(toExportConversation))) {
      yield (first ? "" : ",") + JSON.stringify(conversation);
      first = false;
    }
    if (rows.length < batch) break;
    after = rows[rows.length - 1].id;
  }
  yield "]}";
}

// ---- Markdown ------------------------------------------------------------------------------

type Part = { type?: unknown; [key: string]: unknown };

function fence(content: string, lang = ""): string {
  const longest = Math.max(0, ...Array.from(content.matchAll(/`+/g), (m) => m[0].length));
  const ticks = "`".repeat(Math.max(3, longest + 1));
  return `${ticks}${lang}\n${content}\n${ticks}`;
}

function json(value: unknown): string {
  try {
    return JSON.stringify(value, null, 2) ?? "null";
  } catch {
    return String(value);
  }
}

function quote(text: string): string {
  return text
    .split("\n")
    .map((line) => (line ? `> ${line}` : ">"))
    .join("\n");
}

function partToMarkdown(part: Part): string | null {
  const type = typeof part.type === "string" ? part.type : "";
  if (type === "text") return typeof part.text === "string" ? part.text : null;
  if (type === "reasoning") {
    return typeof part.text === "string" && part.text.trim() ? quote(`**Reasoning**\n\n${part.text}`) : null;
  }
  if (type.startsWith("tool-") || type === "dynamic-tool") {
    const name = type === "dynamic-tool" && typeof part.toolName === "string" ? part.toolName : type.slice(5);
    const lines = [`**Tool call: \`${name.replace(/`/g, "")}\`**`, "", fence(json(part.input ?? null), "json")];
    if (part.output !== undefined) lines.push("", "Result:", "", fence(json(part.output), "json"));
    if (typeof part.errorText === "string") lines.push("", `Error: ${part.errorText}`);
    return lines.join("\n");
  }
  if (type === "file") {
    const name = typeof part.filename === "string" ? part.filename : typeof part.mediaType === "string" ? part.mediaType : "file";
    return `_[Attached file: ${name}]_`;
  }
  if (type === "source-url" && typeof part.url === "string") {
    return `Source: <${part.url}>`;
  }
  return null;
}

function footer(message: ExportMessage): string | null {
  if (message.role !== "assistant") return null;
  const bits: string[] = [];
  const served = message.usage.map((u) => u.modelServed).find(Boolean) ?? message.model;
  if (served) bits.push(served);
  const prompt = message.usage.reduce((s, u) => s + u.promptTokens, 0);
  const completion = message.usage.reduce((s, u) => s + u.completionTokens, 0);
  if (message.usage.length > 0) bits.push(`${prompt} prompt + ${completion} completion tokens`);
  if (message.costNano !== null) bits.push(`${formatUsd(BigInt(message.costNano))}${message.costPending ? " (more pending)" : ""}`);
  else if (message.costPending) bits.push("cost pending");
  if (message.status !== "complete") bits.push(message.status === "partial" ? "stopped early" : "failed");
  return bits.length ? `_${bits.join(" · ")}_` : null;
}

export function conversationToMarkdown(conversation: ExportConversation): string {
  const out: string[] = [`# ${conversation.title.replace(/\s+/g, " ")}`, ""];
  out.push(`_Model: ${conversation.model} · Started ${conversation.createdAt} · Total cost ${formatUsd(BigInt(conversation.totalCostNano))}_`, "");
  if (conversation.systemPrompt) out.push(quote(`**System prompt**\n\n${conversation.systemPrompt}`), "");
  const answersAt = new Map<number, number>();
  for (const m of conversation.messages) answersAt.set(m.position, (answersAt.get(m.position) ?? 0) + 1);
  for (const message of conversation.messages) {
    const model = message.model ? ` (${message.model})` : "";
    const alternatives = answersAt.get(message.position) ?? 1;
    const which = alternatives > 1 ? ` — answer ${message.variant + 1} of ${alternatives}${message.shown ? ", shown" : ""}` : "";
    const who = message.role === "user" ? "You" : message.role === "assistant" ? `Assistant${model}${which}` : message.role;
    out.push("---", "", `### ${who}`, "", `<sub>${message.createdAt}</sub>`, "");
    const body = (message.parts as Part[])
      .filter((p): p is Part => Boolean(p) && typeof p === "object")
      .map(partToMarkdown)
      .filter((s): s is string => s !== null && s.length > 0);
    out.push(body.length > 0 ? body.join("\n\n") : message.text || "_(empty)_", "");
    if (message.status === "error" && message.error && typeof message.error === "object") {
      const e = message.error as { message?: unknown };
      if (typeof e.message === "string") out.push(`> **Error:** ${e.message}`, "");
    }
    const f = footer(message);
    if (f) out.push(f, "");
  }
  return out.join("\n");
}
