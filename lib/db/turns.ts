import "server-only";
import { Prisma } from "@/lib/generated/prisma/client";
import { textOfParts } from "@/lib/message-text";
import type { ChatMessageMetadata, ChatUIMessage, ConversationSettings } from "@/lib/chat/types";
import { AppError, conversationNotFound } from "@/lib/errors";
import type { ConversationRow } from "./conversations";
import { isUniqueViolation } from "./errors";
import { getDb, type Db } from "./index";
import { deleteMessagesFrom, type MessageStatus } from "./messages";

// The writes of one chat turn that must be durable before the upstream is called: the new
// messages (the user's, the answer's placeholder), the conversation when it is new, and the
// model and settings it continues with. Each turn is one statement (one transaction with the
// deletion when it replaces messages): all or nothing, one round trip, and the owner checked
// in the statement itself.

export type TurnMessage = {
  id: string;
  /** Position relative to the turn's first message. */
  offset: number;
  /** 0, or the alternative's number when several answers share a position (compare). */
  variant: number;
  shown: boolean;
  role: "user" | "assistant";
  parts: ChatUIMessage["parts"];
  model: string | null;
  status: MessageStatus;
  metadata: ChatMessageMetadata;
};

const conflict = () => new AppError("conflict:message", "This message was already sent.");

/** The messages as a VALUES list; `offset` counts from the turn's first position. */
function messageValues(messages: TurnMessage[]): Prisma.Sql {
  return Prisma.join(
    messages.map(
      (m) =>
        Prisma.sql`(${m.id}::text, ${m.offset}::int, ${m.variant}::int, ${m.shown}::boolean, ${m.role}::text, ${JSON.stringify(m.parts)}::jsonb,
          ${textOfParts(m.parts)}::text, ${m.model}::text, ${m.status}::"MessageStatus", ${JSON.stringify(m.metadata)}::jsonb)`,
    ),
  );
}

const messageColumns = Prisma.sql`"id", "conversationId", "position", "variant", "shown", "role", "parts", "text", "model", "status", "metadata", "createdAt", "updatedAt"`;
const valueColumns = Prisma.sql`v("id", "offset", "variant", "shown", "role", "parts", "text", "model", "status", "metadata")`;

async function run<T>(userId: string, messages: Pick<TurnMessage, "id">[], statement: Promise<T>): Promise<T> {
  try {
    return await statement;
  } catch (error) {
    // The conversation's own id cannot collide (ON CONFLICT below): a duplicate is a message
    // id or position, i.e. this message was already sent — or its id is someone else's
    // message, which must look like any unknown id (a 409 would confirm it exists).
    if (!isUniqueViolation(error)) throw error;
    if (await anotherUsersMessage(userId, messages)) throw new AppError("not_found:message", "Message not found.");
    throw conflict();
  }
}

/** Whether one of the ids is a message in a conversation that is not the caller's. */
async function anotherUsersMessage(userId: string, messages: Pick<TurnMessage, "id">[]): Promise<boolean> {
  const db = await getDb();
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT m."id" FROM "Message" m JOIN "Conversation" c ON c."id" = m."conversationId"
    WHERE m."id" IN (${Prisma.join(messages.map((m) => m.id))}) AND c."userId" <> ${userId}
    LIMIT 1`;
  return rows.length > 0;
}

/**
 * Creates the caller's conversation with the turn's messages at positions 0, 1, …. An id that
 * exists already (anyone's) is `not_found:conversation`, and nothing is written.
 */
export async function insertConversationTurn(
  userId: string,
  conversation: { id: string; model: string; title: string; settings: ConversationSettings },
  messages: TurnMessage[],
): Promise<{ conversation: ConversationRow; lastPosition: number }> {
  const db = await getDb();
  const now = new Date();
  const { systemPrompt, ...settings } = conversation.settings;
  const rows = await run(
    userId,
    messages,
    db.$queryRaw<(ConversationRow & { lastPosition: number | null })[]>`
      WITH c AS (
        INSERT INTO "Conversation" ("id", "userId", "title", "model", "systemPrompt", "settings", "createdAt", "updatedAt", "lastMessageAt")
        VALUES (${conversation.id}, ${userId}, ${conversation.title}, ${conversation.model}, ${systemPrompt ?? null}::text,
          ${JSON.stringify(settings)}::jsonb, ${now}, ${now}, ${now})
        ON CONFLICT ("id") DO NOTHING
        RETURNING *
      ), inserted AS (
        INSERT INTO "Message" (${messageColumns})
        SELECT v."id", c."id", v."offset", v."variant", v."shown", v."role", v."parts", v."text", v."model", v."status", v."metadata", ${now}, ${now}
        FROM c CROSS JOIN (VALUES ${messageValues(messages)}) AS ${valueColumns}
        RETURNING "position"
      )
      SELECT c."id", c."userId", c."title", c."model", c."systemPrompt", c."settings", c."pinned", c."createdAt", c."updatedAt",
        c."lastMessageAt", (SELECT max("position") FROM inserted)::int AS "lastPosition"
      FROM c`,
  );
  const row = rows[0];
  if (!row) throw conversationNotFound();
  const { lastPosition, ...created } = row;
  return { conversation: created, lastPosition: lastPosition ?? -1 };
}

/**
 * Appends the turn's messages to the caller's live conversation and records the model (and
 * settings, when given) it continues with. With `replaceFrom`, the messages from that position
 * on are deleted first, in the same transaction. A conversation that is not the caller's (or
 * no longer live) is `not_found:conversation`, and nothing is written.
 */
export async function appendTurn(
  userId: string,
  conversationId: string,
  choice: { model: string; settings?: ConversationSettings; replaceFrom: number | null },
  messages: TurnMessage[],
): Promise<{ lastPosition: number }> {
  const db = await getDb();
  const now = new Date();
  const settingsSet = settingsAssignment(choice.settings);
  const append = async (client: Pick<Db, "$queryRaw">) => {
    const [row] = await client.$queryRaw<{ lastPosition: number | null }[]>`
      WITH c AS (
        UPDATE "Conversation" SET "model" = ${choice.model}, ${settingsSet} "updatedAt" = ${now}
        WHERE "id" = ${conversationId} AND "userId" = ${userId} AND "deletedAt" IS NULL
        RETURNING "id"
      ), next AS (
        SELECT COALESCE(max(m."position"), -1) + 1 AS "position" FROM "Message" m WHERE m."conversationId" = ${conversationId}
      ), inserted AS (
        INSERT INTO "Message" (${messageColumns})
        SELECT v."id", c."id", next."position" + v."offset", v."variant", v."shown", v."role", v."parts", v."text", v."model", v."status",
          v."metadata", ${now}, ${now}
        FROM c CROSS JOIN next CROSS JOIN (VALUES ${messageValues(messages)}) AS ${valueColumns}
        RETURNING "position"
      )
      SELECT max("position")::int AS "lastPosition" FROM inserted`;
    // Nothing inserted: the conversation is not the caller's, or no longer live.
    if (row?.lastPosition === null || row?.lastPosition === undefined) throw conversationNotFound();
    return { lastPosition: row.lastPosition };
  };
  if (choice.replaceFrom === null) return run(userId, messages, append(db));
  const from = choice.replaceFrom;
  return run(
    userId,
    messages,
    db.$transaction(async (tx) => {
      await deleteMessagesFrom(userId, conversationId, from, tx);
      return append(tx);
    }),
  );
}

/** `"systemPrompt" = …, "settings" = …,` when the request carries settings; nothing otherwise. */
function settingsAssignment(choice: ConversationSettings | undefined): Prisma.Sql {
  if (!choice) return Prisma.empty;
  const { systemPrompt, ...settings } = choice;
  return Prisma.sql`"systemPrompt" = ${systemPrompt ?? null}::text, "settings" = ${JSON.stringify(settings)}::jsonb,`;
}

/**
 * Adds `message` as a new alternative answer at `position` (regenerate): it becomes the shown one,
 * the answers there before it stay as alternatives, and nothing is deleted. Only the last turn can
 * take one (a later message would no longer follow from what is shown). The model (and settings)
 * the conversation continues with are recorded in the same statement; a conversation that is not
 * the caller's, or no longer live, is `not_found:conversation` and nothing is written.
 */
export async function addAlternative(
  userId: string,
  conversationId: string,
  position: number,
  choice: { model: string; settings?: ConversationSettings },
  message: Omit<TurnMessage, "offset" | "variant" | "shown">,
): Promise<{ variant: number }> {
  const db = await getDb();
  const now = new Date();
  const rows = await run(
    userId,
    [message],
    db.$queryRaw<{ variant: number }[]>`
      WITH c AS (
        UPDATE "Conversation" SET "model" = ${choice.model}, ${settingsAssignment(choice.settings)} "updatedAt" = ${now}
        WHERE "id" = ${conversationId} AND "userId" = ${userId} AND "deletedAt" IS NULL
          AND NOT EXISTS (SELECT 1 FROM "Message" later WHERE later."conversationId" = ${conversationId} AND later."position" > ${position})
        RETURNING "id"
      ), hidden AS (
        UPDATE "Message" m SET "shown" = false FROM c WHERE m."conversationId" = c."id" AND m."position" = ${position} AND m."shown"
        RETURNING m."id"
      ), next AS (
        SELECT COALESCE(max(m."variant"), -1) + 1 AS "variant" FROM "Message" m WHERE m."conversationId" = ${conversationId} AND m."position" = ${position}
      )
      INSERT INTO "Message" (${messageColumns})
      SELECT ${message.id}, c."id", ${position}::int, next."variant", true, ${message.role}, ${JSON.stringify(message.parts)}::jsonb,
        ${textOfParts(message.parts)}, ${message.model}::text, ${message.status}::"MessageStatus", ${JSON.stringify(message.metadata)}::jsonb, ${now}, ${now}
      FROM c CROSS JOIN next
      RETURNING "variant"`,
  );
  const row = rows[0];
  if (!row) throw conversationNotFound();
  return { variant: row.variant };
}

/**
 * Makes `messageId` the shown alternative of its turn in the caller's live conversation. With
 * `keep` (a compared answer picked to continue with) its model also becomes the conversation's
 * and the turn is marked decided. Null when the message is not an answer in the caller's
 * conversation.
 */
export async function showAlternative(
  userId: string,
  conversationId: string,
  messageId: string,
  keep: boolean,
): Promise<{ model: string | null } | null> {
  const db = await getDb();
  const now = new Date();
  const rows = await db.$queryRaw<{ model: string | null }[]>`
    WITH target AS (
      SELECT m."id", m."position", COALESCE(m."metadata"->>'model', m."model") AS "model"
      FROM "Message" m JOIN "Conversation" c ON c."id" = m."conversationId"
      WHERE m."id" = ${messageId} AND m."conversationId" = ${conversationId} AND m."role" = 'assistant'
        AND c."userId" = ${userId} AND c."deletedAt" IS NULL
    ), switched AS (
      UPDATE "Message" m SET "shown" = (m."id" = target."id"),
        "metadata" = CASE WHEN ${keep} AND m."id" = target."id" AND m."metadata"->'compare' IS NOT NULL
          THEN jsonb_set(m."metadata", '{compare,kept}', 'true'::jsonb) ELSE m."metadata" END
      FROM target WHERE m."conversationId" = ${conversationId} AND m."position" = target."position"
      RETURNING m."id"
    ), model AS (
      UPDATE "Conversation" c SET "model" = target."model", "updatedAt" = ${now}
      FROM target WHERE ${keep} AND c."id" = ${conversationId} AND target."model" IS NOT NULL
      RETURNING c."id"
    )
    SELECT target."model" FROM target`;
  return rows[0] ?? null;
}

/**
 * Reopens the caller's answer to go on after its tool calls' approval requests were answered: its
 * parts (with the answers) and its "streaming" status are written only while it still holds
 * `savedParts` — so two answers to the same requests cannot both run the tools — and is the
 * conversation's last message; the model and settings the conversation continues with are
 * recorded in the same transaction. Otherwise `conflict:message` and nothing is written.
 */
export async function reopenAnswer(
  userId: string,
  conversationId: string,
  messageId: string,
  choice: { model: string; settings?: ConversationSettings },
  answer: { savedParts: ChatUIMessage["parts"]; parts: ChatUIMessage["parts"]; metadata: ChatMessageMetadata },
): Promise<void> {
  const db = await getDb();
  const now = new Date();
  await db.$transaction(async (tx) => {
    const reopened = await tx.$executeRaw`
      UPDATE "Message" m SET "parts" = ${JSON.stringify(answer.parts)}::jsonb, "text" = ${textOfParts(answer.parts)},
        "status" = 'streaming'::"MessageStatus", "metadata" = ${JSON.stringify(answer.metadata)}::jsonb, "updatedAt" = ${now}
      FROM "Conversation" c
      WHERE m."id" = ${messageId} AND m."conversationId" = ${conversationId} AND c."id" = m."conversationId" AND c."userId" = ${userId}
        AND c."deletedAt" IS NULL AND m."shown" AND m."status" <> 'streaming' AND m."parts" = ${JSON.stringify(answer.savedParts)}::jsonb
        AND NOT EXISTS (SELECT 1 FROM "Message" later WHERE later."conversationId" = ${conversationId} AND later."position" > m."position")`;
    if (reopened === 0) throw new AppError("conflict:message", "These tool calls were already answered, or the conversation moved on.");
    await tx.$executeRaw`
      UPDATE "Conversation" SET "model" = ${choice.model}, ${settingsAssignment(choice.settings)} "updatedAt" = ${now}
      WHERE "id" = ${conversationId} AND "userId" = ${userId}`;
  });
}
