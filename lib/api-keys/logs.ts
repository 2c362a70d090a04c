import "server-only";
import { z } from "zod";
import { getDb } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { API_LOG_PAGE_SIZE, type ApiLogPage, type ApiLogView } from "./log-types";

// The owner's reading of a "keep a log" key's requests and answers: newest first, a page at a
// time, and the whole log as one JSON file. Every query carries the owner's id, so another
// user's key is indistinguishable from a missing one (404).

export function apiKeyNotFound(): AppError {
  return new AppError("not_found:api_key", "No such API key.");
}

/**
 * Where the previous page ended: "<createdAt ms>-<id>". Keyset pagination on (createdAt, id), so
 * entries written while the owner reads neither repeat nor go missing from later pages.
 */
const cursorSchema = z
  .string()
  .regex(/^\d{1,15}-[A-Za-z0-9_-]{8,64}$/, "Not a valid cursor.")
  .transform((v) => {
    const dash = v.indexOf("-");
    return { createdAt: new Date(Number(v.slice(0, dash))), id: v.slice(dash + 1) };
  });

export const apiLogQuerySchema = z.object({ cursor: cursorSchema.optional() }).strict();
export type ApiLogQuery = z.infer<typeof apiLogQuerySchema>;

type Row = {
  id: string;
  createdAt: Date;
  endpoint: string;
  model: string;
  generationId: string | null;
  status: number;
  request: unknown;
  response: unknown;
};

const logColumns = {
  id: true,
  createdAt: true,
  endpoint: true,
  model: true,
  generationId: true,
  status: true,
  request: true,
  response: true,
} as const;

function toView(row: Row): ApiLogView {
  return {
    id: row.id,
    createdAt: row.createdAt.toISOString(),
    endpoint: row.endpoint,
    model: row.model,
    generationId: row.generationId,
    status: row.status,
    request: row.request,
    response: row.response ?? null,
  };
}

/** The caller's key (name and prefix for the export's header), or 404. */
export async function requireOwnApiKey(userId: string, apiKeyId: string): Promise<{ id: string; name: string; prefix: string; keepLog: boolean }> {
  const db = await getDb();
  const key = await db.apiKey.findFirst({ where: { id: apiKeyId, userId }, select: { id: true, name: true, prefix: true, keepLog: true } });
  if (!key) throw apiKeyNotFound();
  return key;
}

async function page(userId: string, apiKeyId: string, after: ApiLogQuery["cursor"], limit: number): Promise<Row[]> {
  const db = await getDb();
  return db.apiLog.findMany({
    where: {
      userId,
      apiKeyId,
      ...(after ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] } : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit,
    select: logColumns,
  });
}

/** One page of the key's log, newest first; 404 when the key is not the caller's. */
export async function listApiLogs(userId: string, apiKeyId: string, query: ApiLogQuery = {}, limit = API_LOG_PAGE_SIZE): Promise<ApiLogPage> {
  await requireOwnApiKey(userId, apiKeyId);
  const rows = await page(userId, apiKeyId, query.cursor, limit + 1);
  const more = rows.length > limit;
  const logs = rows.slice(0, limit);
  const last = logs.at(-1);
  return { logs: logs.map(toView), nextCursor: more && last ? `${last.createdAt.getTime()}-${last.id}` : null };
}

const EXPORT_BATCH = 200;

/**
 * The whole log as JSON text, in pieces (newest first), read a batch at a time so a long log
 * never sits in memory whole. Check ownership with requireOwnApiKey before streaming it.
 */
export async function* apiLogExportChunks(
  userId: string,
  key: { id: string; name: string; prefix: string },
  now = new Date(),
): AsyncGenerator<string, void, undefined> {
  const header = { exportedAt: now.toISOString(), apiKey: { id: key.id, name: key.name, prefix: key.prefix } };
  yield `${JSON.stringify(header).slice(0, -1)},"logs":[`;
  let cursor: ApiLogQuery["cursor"];
  let first = true;
  for (;;) {
    const rows = await page(userId, key.id, cursor, EXPORT_BATCH);
    for (const row of rows) {
      yield `${first ? "" : ","}\n${JSON.stringify(toView(row))}`;
      first = false;
    }
    if (rows.length < EXPORT_BATCH) break;
    const last = rows.at(-1)!;
    cursor = { createdAt: last.createdAt, id: last.id };
  }
  yield "\n]}\n";
}
