// Scale data written straight into the database with batched SQL (unnest arrays for rows
// built in JS, generate_series for rows built in SQL), identical on PGlite and PostgreSQL.
// Deterministic: the same seed gives the same texts, so search terms have known frequencies.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import bcrypt from "bcryptjs";
import type { SqlRunner } from "../../lib/db/migrate";
import { log, root } from "./context";

export type Scale = {
  conversations: number;
  messagesPerConversation: number;
  usageRows: number;
  longConversationMessages: number;
};

export const FULL_SCALE: Scale = { conversations: 10_000, messagesPerConversation: 20, usageRows: 1_000_000, longConversationMessages: 2_000 };
export const QUICK_SCALE: Scale = { conversations: 1_000, messagesPerConversation: 20, usageRows: 100_000, longConversationMessages: 2_000 };

/** Bump when the seeded data changes shape, so cached seeds are rebuilt. */
export const SEED_VERSION = 3;

// ---- deterministic text -------------------------------------------------------------------

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COMMON =
  "the of and to a in is it you that he was for on are with as I his they be at one have this from or had by not word but what some we can out other were all there when up use your how said an each she which do their time if will way about many then them write would like so these her long make thing see him two has look more day could go come did number sound no most people my over know water than call first who may down side been now find any new work part take get place made live where after back little only round man year came show every good me give our under name very through just form sentence great think say help low line differ turn cause much mean before move right boy old too same tell does set three want air well also play small end put home read hand port large spell add even land here must big high such follow act why ask men change went light kind off need house picture try us again animal point mother world near build self earth father".split(
    " ",
  );
const SYLLABLES = "ka ri to mu ne sa lo vi pe da qua zen bor tel mis fra gon lum pra sel dor vek tri nal hos cur pil".split(" ");

/** A vocabulary in rank order: common English words first, then invented words. */
export function vocabulary(size = 6000): string[] {
  const rand = mulberry32(42);
  const words = [...new Set(COMMON.map((w) => w.toLowerCase()))];
  const seen = new Set(words);
  while (words.length < size) {
    const n = 2 + Math.floor(rand() * 3);
    let w = "";
    for (let i = 0; i < n; i++) w += SYLLABLES[Math.floor(rand() * SYLLABLES.length)];
    if (!seen.has(w)) {
      seen.add(w);
      words.push(w);
    }
  }
  return words;
}

/** Words drawn with a Zipf-like law: P(rank ≤ k) ≈ log k / log V. */
export function textGenerator(seed: number, vocab = vocabulary()) {
  const rand = mulberry32(seed);
  const V = vocab.length;
  const word = () => vocab[Math.min(V - 1, Math.floor(Math.exp(rand() * Math.log(V + 1))) - 1)]!;
  const sentence = (n: number) => {
    const ws: string[] = [];
    for (let i = 0; i < n; i++) ws.push(word());
    const s = ws.join(" ");
    return s.charAt(0).toUpperCase() + s.slice(1) + ".";
  };
  const text = (minWords: number, maxWords: number) => {
    const total = minWords + Math.floor(rand() * (maxWords - minWords + 1));
    const out: string[] = [];
    let left = total;
    while (left > 0) {
      const n = Math.min(left, 6 + Math.floor(rand() * 12));
      out.push(sentence(n));
      left -= n;
    }
    return out.join(" ");
  };
  /** Markdown an assistant might write: paragraphs, a list, sometimes code. */
  const markdown = (minWords: number, maxWords: number, i: number) => {
    const body = text(minWords, maxWords);
    if (i % 5 === 0)
      return `${body}\n\n\`\`\`ts\nconst ${word()} = ${Math.floor(rand() * 100)};\nfunction ${word()}(x: number) {\n  return x * ${word().length};\n}\n\`\`\`\n`;
    if (i % 3 === 0) return `**${sentence(3)}**\n\n${body}\n\n- ${sentence(5)}\n- ${sentence(4)}\n- ${sentence(6)}`;
    return body;
  };
  return { rand, word, sentence, text, markdown };
}

// ---- rows ----------------------------------------------------------------------------------

const MODELS = [
  "openai/gpt-4o-mini",
  "openai/gpt-4o",
  "anthropic/claude-sonnet-4.5",
  "google/gemini-2.5-flash",
  "deepseek/deepseek-chat-v3.1",
  "meta-llama/llama-3.3-70b-instruct",
];

export async function seedUser(
  sql: SqlRunner,
  input: { id: string; email: string; name: string; password: string; role?: "user" | "admin" },
): Promise<void> {
  const hash = bcrypt.hashSync(input.password, 10);
  await sql.query(`INSERT INTO "User" ("id", "email", "name", "passwordHash", "role", "updatedAt") VALUES ($1, $2, $3, $4, $5::"Role", now())`, [
    input.id,
    input.email,
    input.name,
    hash,
    input.role ?? "user",
  ]);
}

export const conversationId = (i: number) => `bc${String(i).padStart(8, "0")}`;

/** `count` conversations of `userId`, `perConversation` messages each, over the past year. */
export async function seedHistory(sql: SqlRunner, userId: string, count: number, perConversation: number): Promise<void> {
  const gen = textGenerator(7);
  const now = Date.now();
  const YEAR = 365 * 86_400_000;
  const batchConversations = 500;
  const started = Date.now();
  for (let start = 0; start < count; start += batchConversations) {
    const end = Math.min(count, start + batchConversations);
    const c = {
      id: [] as string[],
      title: [] as string[],
      model: [] as string[],
      pinned: [] as boolean[],
      deleted: [] as (string | null)[],
      created: [] as string[],
      last: [] as string[],
    };
    const m = {
      id: [] as string[],
      conv: [] as string[],
      pos: [] as number[],
      role: [] as string[],
      text: [] as string[],
      model: [] as (string | null)[],
      created: [] as string[],
    };
    for (let i = start; i < end; i++) {
      const id = conversationId(i);
      // Most recent first for small i; a few pinned, 1% in the trash.
      const last = now - Math.floor((i / count) * YEAR) - Math.floor(gen.rand() * 3_600_000);
      const first = last - perConversation * 90_000;
      const model = MODELS[i % MODELS.length]!;
      c.id.push(id);
      c.title.push(gen.sentence(3 + (i % 5)).slice(0, -1));
      c.model.push(model);
      c.pinned.push(i % 1000 === 7);
      c.deleted.push(i % 100 === 50 ? new Date(now - 86_400_000).toISOString() : null);
      c.created.push(new Date(first).toISOString());
      c.last.push(new Date(last).toISOString());
      for (let p = 0; p < perConversation; p++) {
        const user = p % 2 === 0;
        m.id.push(`bm${String(i).padStart(8, "0")}x${String(p).padStart(4, "0")}`);
        m.conv.push(id);
        m.pos.push(p);
        m.role.push(user ? "user" : "assistant");
        m.text.push(user ? gen.text(4, 30) : gen.markdown(20, 160, p));
        m.model.push(user ? null : model);
        m.created.push(new Date(first + p * 90_000).toISOString());
      }
    }
    await sql.query(
      `INSERT INTO "Conversation" ("id", "userId", "title", "model", "pinned", "deletedAt", "createdAt", "updatedAt", "lastMessageAt")
       SELECT id, $1, title, model, pinned, deleted, created, created, last
       FROM unnest($2::text[], $3::text[], $4::text[], $5::bool[], $6::timestamp[], $7::timestamp[], $8::timestamp[])
         AS t(id, title, model, pinned, deleted, created, last)`,
      [userId, c.id, c.title, c.model, c.pinned, c.deleted, c.created, c.last],
    );
    await insertMessages(sql, m);
    if ((start / batchConversations) % 4 === 3) log(`seed: ${end} conversations (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
}

type MessageRows = { id: string[]; conv: string[]; pos: number[]; role: string[]; text: string[]; model: (string | null)[]; created: string[] };

async function insertMessages(sql: SqlRunner, m: MessageRows): Promise<void> {
  const step = 2_000;
  for (let i = 0; i < m.id.length; i += step) {
    const slice = <T>(xs: T[]) => xs.slice(i, i + step);
    await sql.query(
      `INSERT INTO "Message" ("id", "conversationId", "position", "role", "parts", "text", "model", "status", "metadata", "createdAt", "updatedAt")
       SELECT id, conv, pos, role, jsonb_build_array(jsonb_build_object('type', 'text', 'text', txt)), txt, model, 'complete'::"MessageStatus",
              CASE WHEN role = 'assistant' THEN jsonb_build_object('model', model, 'status', 'complete', 'createdAt', to_char(created, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                     'promptTokens', 100 + pos * 40, 'completionTokens', length(txt) / 5, 'costNano', ((100 + pos * 40) * 150 + length(txt) * 120)::text)
                   ELSE jsonb_build_object('createdAt', to_char(created, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) END,
              created, created
       FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::timestamp[]) AS t(id, conv, pos, role, txt, model, created)`,
      [slice(m.id), slice(m.conv), slice(m.pos), slice(m.role), slice(m.text), slice(m.model), slice(m.created)],
    );
  }
}

/** One conversation with `messages` messages (the long-conversation browser test), most recent of all. */
export async function seedLongConversation(sql: SqlRunner, userId: string, id: string, messages: number): Promise<void> {
  const gen = textGenerator(11);
  const now = Date.now();
  const first = now - messages * 60_000;
  await sql.query(
    `INSERT INTO "Conversation" ("id", "userId", "title", "model", "createdAt", "updatedAt", "lastMessageAt") VALUES ($1, $2, $3, $4, $5, $5, $6)`,
    [id, userId, "A very long conversation", "google/gemini-2.5-flash", new Date(first).toISOString(), new Date(now).toISOString()],
  );
  const m: MessageRows = { id: [], conv: [], pos: [], role: [], text: [], model: [], created: [] };
  for (let p = 0; p < messages; p++) {
    const user = p % 2 === 0;
    m.id.push(`bl${id.slice(-6)}x${String(p).padStart(5, "0")}`);
    m.conv.push(id);
    m.pos.push(p);
    m.role.push(user ? "user" : "assistant");
    // Kept short enough that the whole history fits the model's context when it is sent.
    m.text.push(user ? gen.text(4, 20) : gen.markdown(15, 90, p));
    m.model.push(user ? null : "google/gemini-2.5-flash");
    m.created.push(new Date(first + p * 60_000).toISOString());
  }
  await insertMessages(sql, m);
}

/**
 * `rows` Usage rows (with the rollup triggers firing, as in production): 90% belong to
 * `heavyUserId` and its `conversations` seeded conversations, spread over the past year;
 * the rest to `otherUserIds`. About 1% still await their cost.
 */
export async function seedUsage(sql: SqlRunner, heavyUserId: string, otherUserIds: string[], rows: number, conversations: number): Promise<void> {
  const list = (xs: string[]) => `ARRAY[${xs.map((x) => `'${x.replace(/'/g, "''")}'`).join(",")}]`;
  const providers = ["OpenAI", "Azure", "Anthropic", "Google", "DeepInfra", "Together", "Fireworks"];
  const batch = 50_000;
  const started = Date.now();
  for (let start = 0; start < rows; start += batch) {
    const end = Math.min(rows, start + batch);
    await sql.exec(`
      INSERT INTO "Usage" ("id", "userId", "conversationId", "generationId", "modelRequested", "modelServed", "provider",
        "promptTokens", "completionTokens", "reasoningTokens", "cachedTokens", "costNano", "ttftMs", "durationMs", "finishReason",
        "createdAt", "updatedAt")
      SELECT 'bu' || g,
             CASE WHEN g % 10 = 0 THEN (${list(otherUserIds)})[1 + (g / 10) % ${otherUserIds.length}] ELSE '${heavyUserId}' END,
             CASE WHEN g % 10 = 0 THEN NULL ELSE 'bc' || lpad((g % ${conversations})::text, 8, '0') END,
             'gen-bench-' || g,
             (${list(MODELS)})[1 + g % ${MODELS.length}],
             CASE WHEN g % 97 = 0 THEN NULL ELSE (${list(MODELS)})[1 + g % ${MODELS.length}] END,
             CASE WHEN g % 97 = 0 THEN NULL ELSE (${list(providers)})[1 + g % ${providers.length}] END,
             100 + g % 3000, 20 + g % 800, g % 50, g % 200,
             CASE WHEN g % 97 = 0 THEN NULL ELSE (1000 + (g::bigint * 7919) % 5000000) END,
             200 + g % 900, 1000 + g % 20000, 'stop',
             now() - ((g::bigint * 31) % (365 * 24 * 3600)) * interval '1 second', now()
      FROM generate_series(${start + 1}, ${end}) g`);
    if ((end / batch) % 4 === 0 || end === rows) log(`seed: ${end} usage rows (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
}

// ---- bulk loading ---------------------------------------------------------------------------

/**
 * Runs `load` with the tables' secondary indexes dropped and their user triggers disabled, then
 * recreates the indexes from their own definitions (one CREATE INDEX is far cheaper than
 * 200,000 incremental GIN inserts) and rebuilds what the triggers maintain with the
 * migrations' own backfill statements (`INSERT INTO … SELECT … FROM "<table>" …`). If a table
 * has triggers but no backfill statement is found, the triggers stay on (slow but exact).
 */
export async function bulkLoad(sql: SqlRunner, tables: string[], load: () => Promise<void>): Promise<void> {
  const list = tables.map((t) => `'${t}'`).join(",");
  const indexes = await sql.query<{ indexname: string; indexdef: string }>(
    `SELECT i.indexname, i.indexdef FROM pg_indexes i
     WHERE i.schemaname = current_schema() AND i.tablename IN (${list})
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
  );
  const triggered = await sql.query<{ table: string }>(
    `SELECT DISTINCT c.relname AS "table" FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
     WHERE NOT t.tgisinternal AND c.relname IN (${list})`,
  );
  const backfills = new Map<string, string[]>();
  for (const { table } of triggered) {
    const statements = backfillStatements(table);
    if (statements.length) backfills.set(table, statements);
    else log(`seed: no backfill statement for the triggers on "${table}"; inserting with triggers on`);
  }
  for (const { indexname } of indexes) await sql.exec(`DROP INDEX "${indexname}"`);
  for (const table of backfills.keys()) await sql.exec(`ALTER TABLE "${table}" DISABLE TRIGGER USER`);
  try {
    await load();
  } finally {
    for (const table of backfills.keys()) await sql.exec(`ALTER TABLE "${table}" ENABLE TRIGGER USER`);
    const t0 = Date.now();
    // More sort memory for the builds, in the same call so a pooled connection keeps it together.
    for (const { indexdef } of indexes) await sql.exec(`SET maintenance_work_mem = '256MB'; ${indexdef}`);
    if (indexes.length) log(`seed: recreated ${indexes.length} indexes on ${tables.join(", ")} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
  for (const [table, statements] of backfills) {
    for (const statement of statements) {
      const target = /INSERT\s+INTO\s+"([^"]+)"/i.exec(statement)![1]!;
      await sql.exec(`DELETE FROM "${target}"`);
    }
    for (const statement of statements) await sql.exec(statement);
    log(`seed: rebuilt what the triggers on "${table}" maintain (${statements.length} backfill statements)`);
  }
}

/** `INSERT INTO "X" … FROM "<table>" …;` statements in the committed migrations. */
export function backfillStatements(table: string): string[] {
  const dir = path.join(root, "prisma", "migrations");
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const file = path.join(dir, name, "migration.sql");
    if (!existsSync(file)) continue;
    const text = readFileSync(file, "utf8").replace(/--[^\n]*\n/g, "\n");
    // Top-level statements only: skip function bodies ($$ … $$).
    const outside = text
      .split("$$")
      .filter((_, i) => i % 2 === 0)
      .join(" ");
    for (const statement of outside.split(";")) {
      const s = statement.trim();
      if (new RegExp(`^INSERT\\s+INTO\\s+"[^"]+"[\\s\\S]*\\bFROM\\s+"${table}"`, "i").test(s)) out.push(s);
    }
  }
  return out;
}
