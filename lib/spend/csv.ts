import "server-only";
import { getDb } from "@/lib/db";
import { nanoToUsdText } from "./format";
import type { SpendRange } from "./types";

// CSV of a user's usage rows for a range of whole UTC days, streamed page by page (keyset on
// createdAt, id) so a large export never sits in memory. Costs are exact: USD as decimal text
// with nine places and the integer nano-USD beside it; a pending row has empty cost cells.
// One line per Usage row (one upstream generation): `kind` is chat, title or api; `key` names
// the personal key of an API call (empty for the chat, or when the key was deleted); `source`
// is chat (answers and titles) or api, as on the spend page.

export const CSV_HEADER = [
  "time_utc",
  "conversation_id",
  "conversation_title",
  "model_requested",
  "model_served",
  "provider",
  "prompt_tokens",
  "cached_tokens",
  "completion_tokens",
  "reasoning_tokens",
  "cost_usd",
  "cost_nano_usd",
  "status",
  "generation_id",
  "kind",
  "key",
  "source",
] as const;

const PAGE = 1000;

/** One CSV field: quoted when needed; a leading = + - @ is defused so spreadsheets do not run it. */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  let text = String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: (string | number | null | undefined)[]): string {
  return `${values.map(csvField).join(",")}\r\n`;
}

type Row = {
  id: string;
  createdAt: Date;
  conversationId: string | null;
  modelRequested: string;
  modelServed: string | null;
  provider: string | null;
  promptTokens: number;
  cachedTokens: number;
  completionTokens: number;
  reasoningTokens: number;
  costNano: bigint | null;
  generationId: string | null;
  kind: string;
  apiKeyId: string | null;
  conversation: { title: string } | null;
  apiKey: { name: string; userId: string } | null;
};

async function page(userId: string, range: SpendRange, after: { createdAt: Date; id: string } | null): Promise<Row[]> {
  const db = await getDb();
  return db.usage.findMany({
    where: {
      userId,
      createdAt: { gte: range.from, lt: range.to },
      ...(after ? { OR: [{ createdAt: { gt: after.createdAt } }, { createdAt: after.createdAt, id: { gt: after.id } }] } : {}),
    },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: PAGE,
    select: {
      id: true,
      createdAt: true,
      conversationId: true,
      modelRequested: true,
      modelServed: true,
      provider: true,
      promptTokens: true,
      cachedTokens: true,
      completionTokens: true,
      reasoningTokens: true,
      costNano: true,
      generationId: true,
      kind: true,
      apiKeyId: true,
      conversation: { select: { title: true } },
      apiKey: { select: { name: true, userId: true } },
    },
  });
}

function rowLine(userId: string, r: Row): string {
  return csvLine([
    r.createdAt.toISOString(),
    r.conversationId,
    r.conversation?.title ?? null,
    r.modelRequested,
    r.modelServed,
    r.provider,
    r.promptTokens,
    r.cachedTokens,
    r.completionTokens,
    r.reasoningTokens,
    r.costNano === null ? null : nanoToUsdText(r.costNano),
    r.costNano === null ? null : r.costNano.toString(),
    r.costNano === null ? "pending" : "settled",
    r.generationId,
    r.kind,
    // A key is named only to its owner (the gateway writes rows under the key's owner; this holds it here too).
    r.apiKey && r.apiKey.userId === userId ? r.apiKey.name : null,
    r.kind === "api" || r.apiKeyId !== null ? "api" : "chat",
  ]);
}

/** The CSV as a byte stream (header first, then the rows oldest first). */
export function usageCsvStream(userId: string, range: SpendRange): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let after: { createdAt: Date; id: string } | null = null;
  let headerSent = false;
  let done = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode(csvLine([...CSV_HEADER])));
        return;
      }
      if (done) return;
      const rows = await page(userId, range, after);
      if (rows.length > 0) {
        const last = rows[rows.length - 1]!;
        after = { createdAt: last.createdAt, id: last.id };
        controller.enqueue(encoder.encode(rows.map((r) => rowLine(userId, r)).join("")));
      }
      if (rows.length < PAGE) {
        done = true;
        controller.close();
      }
    },
  });
}
