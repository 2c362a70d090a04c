import "server-only";
import { Prisma } from "@/lib/generated/prisma/client";
import { routingSettingsSchema, type ConversationSettings } from "@/lib/chat/types";
import { isUniqueViolation } from "./errors";
import { getDb } from "./index";
import { conversationNotFound } from "@/lib/errors";

// Every function takes the caller's user id and checks ownership in the query itself.

export type ConversationRow = {
  id: string;
  userId: string;
  title: string;
  model: string;
  systemPrompt: string | null;
  settings: Prisma.JsonValue;
  pinned: boolean;
  createdAt: Date;
  updatedAt: Date;
  lastMessageAt: Date;
};

const conversationSelect = {
  id: true,
  userId: true,
  title: true,
  model: true,
  systemPrompt: true,
  settings: true,
  pinned: true,
  createdAt: true,
  updatedAt: true,
  lastMessageAt: true,
} as const;

// The columns of `conversationSelect`, for plain SQL on the chat path (no query compiler work per call).
const conversationColumns = Prisma.sql`c."id", c."userId", c."title", c."model", c."systemPrompt", c."settings", c."pinned",
  c."createdAt", c."updatedAt", c."lastMessageAt"`;

/** The caller's live (not deleted) conversation, or null — never someone else's. */
export async function findOwnedConversation(userId: string, id: string): Promise<ConversationRow | null> {
  const db = await getDb();
  const rows = await db.$queryRaw<ConversationRow[]>`
    SELECT ${conversationColumns} FROM "Conversation" c WHERE c."id" = ${id} AND c."userId" = ${userId} AND c."deletedAt" IS NULL`;
  return rows[0] ?? null;
}

/**
 * For a new turn, in one round trip: the caller's live conversation (null when there is none),
 * and whether the id is taken at all (anyone's, deleted ones too), to tell "create" from "not yours".
 */
export async function findConversationForTurn(userId: string, id: string): Promise<{ conversation: ConversationRow | null; idTaken: boolean }> {
  const db = await getDb();
  const [row] = await db.$queryRaw<({ idTaken: boolean } & { [K in keyof ConversationRow]: ConversationRow[K] | null })[]>`
    SELECT t."idTaken", ${conversationColumns}
    FROM (SELECT EXISTS (SELECT 1 FROM "Conversation" WHERE "id" = ${id}) AS "idTaken") t
    LEFT JOIN "Conversation" c ON c."id" = ${id} AND c."userId" = ${userId} AND c."deletedAt" IS NULL`;
  if (!row) return { conversation: null, idTaken: false };
  const { idTaken, ...columns } = row;
  return { conversation: columns.id === null ? null : (columns as ConversationRow), idTaken };
}

export async function createConversation(
  userId: string,
  input: { id: string; model: string; title?: string; settings?: ConversationSettings },
): Promise<ConversationRow> {
  const db = await getDb();
  const { systemPrompt, ...settings } = input.settings ?? {};
  try {
    return await db.conversation.create({
      data: {
        id: input.id,
        userId,
        model: input.model,
        title: input.title ?? "New chat",
        systemPrompt: systemPrompt ?? null,
        settings: settings as Prisma.InputJsonValue,
      },
      select: conversationSelect,
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw conversationNotFound();
    throw error;
  }
}

export async function touchConversation(userId: string, id: string): Promise<void> {
  const db = await getDb();
  const now = new Date();
  // Plain SQL: runs at the end of every answer.
  await db.$executeRaw`UPDATE "Conversation" SET "lastMessageAt" = ${now}, "updatedAt" = ${now} WHERE "id" = ${id} AND "userId" = ${userId}`;
}

export function settingsOf(row: Pick<ConversationRow, "settings" | "systemPrompt">): ConversationSettings {
  const stored = (row.settings && typeof row.settings === "object" && !Array.isArray(row.settings) ? row.settings : {}) as Record<
    string,
    unknown
  >;
  return {
    systemPrompt: row.systemPrompt,
    temperature: typeof stored.temperature === "number" ? stored.temperature : null,
    maxTokens: typeof stored.maxTokens === "number" ? stored.maxTokens : null,
    topP: typeof stored.topP === "number" ? stored.topP : null,
    reasoningEffort:
      stored.reasoningEffort === "low" || stored.reasoningEffort === "medium" || stored.reasoningEffort === "high"
        ? stored.reasoningEffort
        : null,
    routing: routingSettingsSchema.safeParse(stored.routing).data ?? null,
  };
}

// ---------------------------------------------------------------------------------------------
// History (sidebar, search, export, import). Added by the history feature; every query is
// scoped to the caller's user id in SQL.

export type ListRow = {
  id: string;
  title: string;
  model: string;
  pinned: boolean;
  createdAt: Date;
  lastMessageAt: Date;
};

/** The sidebar's sort key; a page starts strictly after it. */
export type ListKey = { pinned: boolean; lastMessageAt: Date; id: string };

/**
 * One page of the caller's live conversations, pinned first, then by last activity.
 * Keyset pagination on (pinned, lastMessageAt, id), all descending: the row comparison walks
 * `Conversation_userId_deletedAt_pinned_lastMessageAt_id_idx` from the cursor on, so page 200
 * costs what page 1 does (no OFFSET), and rows inserted meanwhile cause no duplicates or gaps.
 */
export function listPageSql(userId: string, limit: number, after?: ListKey): Prisma.Sql {
  const keyset = after
    ? Prisma.sql`AND ("pinned", "lastMessageAt", "id") < (${after.pinned}, ${after.lastMessageAt}, ${after.id})`
    : Prisma.empty;
  return Prisma.sql`
    SELECT "id", "title", "model", "pinned", "createdAt", "lastMessageAt"
    FROM "Conversation"
    WHERE "userId" = ${userId} AND "deletedAt" IS NULL ${keyset}
    ORDER BY "deletedAt", "pinned" DESC, "lastMessageAt" DESC, "id" DESC
    LIMIT ${limit}`;
}

export async function listConversationPage(userId: string, limit: number, after?: ListKey): Promise<ListRow[]> {
  const db = await getDb();
  return db.$queryRaw<ListRow[]>(listPageSql(userId, limit, after));
}

const listSelect = { id: true, title: true, model: true, pinned: true, createdAt: true, lastMessageAt: true } as const;

export async function findOwnedListRow(userId: string, id: string): Promise<ListRow | null> {
  const db = await getDb();
  return db.conversation.findFirst({ where: { id, userId, deletedAt: null }, select: listSelect });
}

/**
 * Changes what the caller asked for on their live conversation; null when there is none
 * (missing, deleted, or someone else's: the caller cannot tell which).
 */
export async function updateOwnedConversation(
  userId: string,
  id: string,
  input: { title?: string; pinned?: boolean; model?: string; settings?: ConversationSettings },
): Promise<ListRow | null> {
  const db = await getDb();
  const data: Prisma.ConversationUpdateManyMutationInput = {};
  if (input.title !== undefined) data.title = input.title;
  if (input.pinned !== undefined) data.pinned = input.pinned;
  if (input.model !== undefined) data.model = input.model;
  if (input.settings !== undefined) {
    const { systemPrompt, ...settings } = input.settings;
    data.systemPrompt = systemPrompt ?? null;
    data.settings = settings as Prisma.InputJsonValue;
  }
  const { count } = await db.conversation.updateMany({ where: { id, userId, deletedAt: null }, data });
  if (count === 0) return null;
  return findOwnedListRow(userId, id);
}

/** Sets a generated title unless the title changed since `expected` was read (e.g. a rename). */
export async function replaceConversationTitle(
  userId: string,
  id: string,
  expected: string,
  title: string,
): Promise<boolean> {
  const db = await getDb();
  // Plain SQL: runs after the first answer of every conversation.
  const count = await db.$executeRaw`
    UPDATE "Conversation" SET "title" = ${title}, "updatedAt" = ${new Date()}
    WHERE "id" = ${id} AND "userId" = ${userId} AND "title" = ${expected}`;
  return count > 0;
}

/** Soft delete: hidden everywhere at once, restorable until the purge (30 days). */
export async function softDeleteConversation(userId: string, id: string): Promise<boolean> {
  const db = await getDb();
  const { count } = await db.conversation.updateMany({
    where: { id, userId, deletedAt: null },
    data: { deletedAt: new Date() },
  });
  return count > 0;
}

/** Undoes a soft delete. True when the conversation is live afterwards. */
export async function restoreConversation(userId: string, id: string): Promise<ListRow | null> {
  const db = await getDb();
  await db.conversation.updateMany({ where: { id, userId, deletedAt: { not: null } }, data: { deletedAt: null } });
  return findOwnedListRow(userId, id);
}

/** Removes, for good, conversations soft-deleted before `before` (their messages cascade). */
export async function purgeConversationsDeletedBefore(before: Date): Promise<number> {
  const db = await getDb();
  const { count } = await db.conversation.deleteMany({ where: { deletedAt: { lt: before } } });
  return count;
}

export type SearchRow = {
  conversationId: string;
  title: string;
  pinned: boolean;
  lastMessageAt: Date;
  messageId: string | null;
  role: string | null;
  messageAt: Date | null;
  rank: number;
  text: string | null;
};

/**
 * Full-text search over the caller's live conversations: titles and message text, through the
 * GIN indexes on the generated `searchVector` columns. One row per conversation (its best
 * message), best rank first, then the most recent. `tsquery` is the SQL of a tsquery value.
 */
export function searchSql(userId: string, tsquery: Prisma.Sql, limit: number): Prisma.Sql {
  // The tsquery is written out where it is used (not in a CTE) so the planner sees its value
  // and can weigh the GIN indexes against the owner's index.
  return Prisma.sql`
    WITH message_hits AS (
      SELECT DISTINCT ON (m."conversationId")
             m."conversationId" AS cid, m."id" AS mid, m."role", m."createdAt" AS at,
             ts_rank(m."searchVector", ${tsquery}) AS rank
      FROM "Message" m
      JOIN "Conversation" c ON c."id" = m."conversationId"
      WHERE m."searchVector" @@ ${tsquery} AND c."userId" = ${userId} AND c."deletedAt" IS NULL
      ORDER BY m."conversationId", rank DESC, m."createdAt" DESC
    ),
    title_hits AS (
      SELECT c."id" AS cid, ts_rank(c."searchVector", ${tsquery}) * 1.5 AS rank
      FROM "Conversation" c
      WHERE c."searchVector" @@ ${tsquery} AND c."userId" = ${userId} AND c."deletedAt" IS NULL
    ),
    hits AS (
      SELECT coalesce(mh.cid, th.cid) AS cid, mh.mid, mh."role", mh.at,
             greatest(coalesce(mh.rank, 0), coalesce(th.rank, 0)) AS rank
      FROM message_hits mh FULL JOIN title_hits th ON th.cid = mh.cid
    ),
    top AS (
      SELECT h.*, c."title", c."pinned", c."lastMessageAt"
      FROM hits h JOIN "Conversation" c ON c."id" = h.cid
      ORDER BY h.rank DESC, coalesce(h.at, c."lastMessageAt") DESC, h.cid DESC
      LIMIT ${limit}
    )
    SELECT t.cid AS "conversationId", t."title", t."pinned", t."lastMessageAt",
           t.mid AS "messageId", t."role", t.at AS "messageAt", t.rank::float8 AS rank,
           left(m."text", 100000) AS "text"
    FROM top t LEFT JOIN "Message" m ON m."id" = t.mid
    ORDER BY t.rank DESC, coalesce(t.at, t."lastMessageAt") DESC, t.cid DESC`;
}

/**
 * The search for words so common that ranking every message holding them would be slow ("the",
 * "a"): only the caller's `window` most recent conversations (pinned first, as the list index
 * yields them) are checked, each through its own messages, and those with a hit are ranked like
 * any search. `found` says how many of the window had a hit: when it is small the word is not
 * common, and the caller runs the full search (searchSql) instead. Costs the same whatever the
 * size of the history.
 */
export function searchRecentSql(userId: string, tsquery: Prisma.Sql, window: number, limit: number): Prisma.Sql {
  return Prisma.sql`
    WITH recent_conversations AS (
      SELECT c."id", c."title", c."pinned", c."lastMessageAt", c."searchVector", c."deletedAt"
      FROM "Conversation" c
      WHERE c."userId" = ${userId} AND c."deletedAt" IS NULL
      ORDER BY c."deletedAt", c."pinned" DESC, c."lastMessageAt" DESC, c."id" DESC
      LIMIT ${window}
    ),
    hits AS (
      SELECT c."id" AS cid, c."title", c."pinned", c."lastMessageAt", best.mid, best."role", best.at,
             greatest(coalesce(best.rank, 0),
                      CASE WHEN c."searchVector" @@ ${tsquery} THEN ts_rank(c."searchVector", ${tsquery}) * 1.5 ELSE 0 END) AS rank
      FROM recent_conversations c
      LEFT JOIN LATERAL (
        SELECT m."id" AS mid, m."role", m."createdAt" AS at, ts_rank(m."searchVector", ${tsquery}) AS rank
        FROM "Message" m
        WHERE m."conversationId" = c."id" AND m."searchVector" @@ ${tsquery}
        ORDER BY rank DESC, m."createdAt" DESC
        LIMIT 1
      ) best ON true
      WHERE best.mid IS NOT NULL OR c."searchVector" @@ ${tsquery}
    ),
    top AS (
      SELECT * FROM hits
      ORDER BY rank DESC, coalesce(at, "lastMessageAt") DESC, cid DESC
      LIMIT ${limit}
    )
    SELECT t.cid AS "conversationId", t."title", t."pinned", t."lastMessageAt",
           t.mid AS "messageId", t."role", t.at AS "messageAt", t.rank::float8 AS rank,
           left(m."text", 100000) AS "text", (SELECT count(*)::int FROM hits) AS found
    FROM top t LEFT JOIN "Message" m ON m."id" = t.mid
    ORDER BY t.rank DESC, coalesce(t.at, t."lastMessageAt") DESC, t.cid DESC`;
}

export async function searchRecentOwnedConversations(
  userId: string,
  tsquery: Prisma.Sql,
  window: number,
  limit: number,
): Promise<{ rows: SearchRow[]; found: number }> {
  const db = await getDb();
  const rows = await db.$queryRaw<(SearchRow & { found: number })[]>(searchRecentSql(userId, tsquery, window, limit));
  return { rows, found: rows[0]?.found ?? 0 };
}

export async function searchOwnedConversations(userId: string, tsquery: Prisma.Sql, limit: number): Promise<SearchRow[]> {
  const db = await getDb();
  return db.$queryRaw<SearchRow[]>(searchSql(userId, tsquery, limit));
}

export type ExportUsageRow = {
  messageId: string | null;
  generationId: string | null;
  kind: string;
  modelRequested: string;
  modelServed: string | null;
  provider: string | null;
  promptTokens: number;
  completionTokens: number;
  reasoningTokens: number;
  cachedTokens: number;
  costNano: bigint | null;
  isByok: boolean;
  durationMs: number | null;
  finishReason: string | null;
  createdAt: Date;
};

export type ExportMessageRow = {
  id: string;
  position: number;
  variant: number;
  shown: boolean;
  role: string;
  parts: Prisma.JsonValue;
  text: string;
  model: string | null;
  status: "complete" | "partial" | "error";
  error: Prisma.JsonValue;
  metadata: Prisma.JsonValue;
  createdAt: Date;
};

export type ExportConversationRow = {
  id: string;
  title: string;
  model: string;
  systemPrompt: string | null;
  settings: Prisma.JsonValue;
  pinned: boolean;
  createdAt: Date;
  lastMessageAt: Date;
  messages: ExportMessageRow[];
  usages: (ExportUsageRow & { conversationId: string | null })[];
};

const exportConversationSelect = {
  id: true,
  title: true,
  model: true,
  systemPrompt: true,
  settings: true,
  pinned: true,
  createdAt: true,
  lastMessageAt: true,
  messages: {
    orderBy: [{ position: "asc" }, { variant: "asc" }],
    select: {
      id: true,
      position: true,
      variant: true,
      shown: true,
      role: true,
      parts: true,
      text: true,
      model: true,
      status: true,
      error: true,
      metadata: true,
      createdAt: true,
    },
  },
  usages: {
    orderBy: { createdAt: "asc" },
    select: {
      conversationId: true,
      messageId: true,
      generationId: true,
      kind: true,
      modelRequested: true,
      modelServed: true,
      provider: true,
      promptTokens: true,
      completionTokens: true,
      reasoningTokens: true,
      cachedTokens: true,
      costNano: true,
      isByok: true,
      durationMs: true,
      finishReason: true,
      createdAt: true,
    },
  },
} as const satisfies Prisma.ConversationSelect;

/** One live conversation of the caller with its messages and usage rows, or null. */
export async function loadConversationForExport(userId: string, id: string): Promise<ExportConversationRow | null> {
  const db = await getDb();
  return db.conversation.findFirst({
    where: { id, userId, deletedAt: null },
    select: { ...exportConversationSelect, usages: { ...exportConversationSelect.usages, where: { userId } } },
  });
}

/**
 * The caller's live conversations in id order, `batch` at a time after `afterId` (keyset), for
 * an export that streams without holding the whole history in memory.
 */
export async function loadConversationBatchForExport(
  userId: string,
  afterId: string | null,
  batch: number,
): Promise<ExportConversationRow[]> {
  const db = await getDb();
  return db.conversation.findMany({
    where: { userId, deletedAt: null, ...(afterId ? { id: { gt: afterId } } : {}) },
    orderBy: { id: "asc" },
    take: batch,
    select: { ...exportConversationSelect, usages: { ...exportConversationSelect.usages, where: { userId } } },
  });
}

export type ImportedConversation = {
  title: string;
  model: string;
  systemPrompt: string | null;
  settings: Prisma.InputJsonValue;
  pinned: boolean;
  createdAt: Date;
  lastMessageAt: Date;
  messages: {
    position: number;
    variant: number;
    shown: boolean;
    role: "user" | "assistant";
    parts: Prisma.InputJsonValue;
    text: string;
    model: string | null;
    status: "complete" | "partial" | "error";
    error: Prisma.InputJsonValue | null;
    metadata: Prisma.InputJsonValue;
    createdAt: Date;
  }[];
};

/**
 * Creates the conversations for the caller with fresh ids, all or nothing: one transaction,
 * multi-row inserts. Returns the new ids in input order.
 */
export async function insertImportedConversations(
  userId: string,
  conversations: ImportedConversation[],
  newId: () => string,
): Promise<{ id: string; title: string; messages: number }[]> {
  const db = await getDb();
  const planned = conversations.map((c) => ({ id: newId(), conversation: c }));
  await db.$transaction(
    async (tx) => {
      for (let i = 0; i < planned.length; i += 500) {
        await tx.conversation.createMany({
          data: planned.slice(i, i + 500).map(({ id, conversation: c }) => ({
            id,
            userId,
            title: c.title,
            model: c.model,
            systemPrompt: c.systemPrompt,
            settings: c.settings,
            pinned: c.pinned,
            createdAt: c.createdAt,
            lastMessageAt: c.lastMessageAt,
          })),
        });
      }
      let batch: Prisma.MessageCreateManyInput[] = [];
      const flush = async () => {
        if (batch.length === 0) return;
        await tx.message.createMany({ data: batch });
        batch = [];
      };
      for (const { id, conversation } of planned) {
        for (const m of conversation.messages) {
          batch.push({
            id: newId(),
            conversationId: id,
            position: m.position,
            variant: m.variant,
            shown: m.shown,
            role: m.role,
            parts: m.parts,
            text: m.text,
            model: m.model,
            status: m.status,
            ...(m.error !== null ? { error: m.error } : {}),
            metadata: m.metadata,
            createdAt: m.createdAt,
          });
          if (batch.length >= 1000) await flush();
        }
      }
      await flush();
    },
    { timeout: 300_000, maxWait: 30_000 },
  );
  return planned.map(({ id, conversation }) => ({ id, title: conversation.title, messages: conversation.messages.length }));
}
