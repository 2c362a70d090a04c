// The export file's shape (version 1). Client-safe. Money is nano-USD as a decimal string.

export const EXPORT_FORMAT = "switchboard-export";
export const EXPORT_VERSION = 1;

export type ExportUsage = {
  generationId: string | null;
  /** "chat" for an answer's generation, "title" for the generated title. */
  kind: string;
  modelRequested: string;
  modelServed: string | null;
  provider: string | null;
  promptTokens: number;
  completionTokens: number;
  reasoningTokens: number;
  cachedTokens: number;
  /** null while the cost is not known yet. */
  costNano: string | null;
  isByok: boolean;
  durationMs: number | null;
  finishReason: string | null;
  createdAt: string;
};

export type ExportMessage = {
  id: string;
  position: number;
  /** Alternative answers of a turn share its position: 0, 1, … in order of creation. */
  variant: number;
  /** The alternative the conversation continues from (one per position). */
  shown: boolean;
  role: string;
  /** The AI SDK UIMessage parts: text, reasoning, tool calls with input and output, ... */
  parts: unknown[];
  text: string;
  model: string | null;
  status: "complete" | "partial" | "error";
  error: unknown;
  metadata: unknown;
  createdAt: string;
  /** The generations that produced this answer (a tool loop has several). */
  usage: ExportUsage[];
  /** Sum of the known costs of `usage`; null when there is none. */
  costNano: string | null;
  /** True when some generation's cost is not known yet. */
  costPending: boolean;
};

/** A file of the conversation (an upload or a generated image); message parts point at it by `id`. */
export type ExportAttachment = {
  id: string;
  kind: "upload" | "generated";
  mediaType: string;
  filename: string;
  size: number;
  sha256: string;
  createdAt: string;
  /** The bytes, base64. */
  dataBase64: string;
};

export type ExportConversation = {
  id: string;
  title: string;
  model: string;
  systemPrompt: string | null;
  settings: unknown;
  pinned: boolean;
  createdAt: string;
  lastMessageAt: string;
  /** Sum of every known cost in the conversation (answers and title), nano-USD. */
  totalCostNano: string;
  messages: ExportMessage[];
  /** Generations not tied to a message (the title). */
  otherUsage: ExportUsage[];
  /** Files the messages' `file` parts point at (`/api/attachments/<id>`); absent when there are none. */
  attachments?: ExportAttachment[];
};

export type ExportFile = {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_VERSION;
  exportedAt: string;
  /** Present in a whole-account export. */
  account?: { name: string; email: string };
  conversations: ExportConversation[];
};
