// Fills one account with a large, realistic history, for trying the sidebar, search and
// exports at scale and for benchmarks:
//
//   npx tsx --conditions=react-server scripts/seed-scale.ts --email you@example.com \
//     --conversations 10000 --messages 200000 [--password secret] [--name You] [--seed 1]
//
// Writes into whichever database the environment selects (SWITCHBOARD_DATA_DIR's PGlite, or
// DATABASE_URL). With PGlite, stop the app first: one data folder, one process. The account is
// created when it does not exist (the password is printed); existing history is kept.
//
// Fast by construction: multi-row INSERTs of literal rows, a few thousand at a time (Prisma's
// createMany costs several times more per row here), one Usage row per answer (two for a tool
// loop), and the search columns filled by the database itself.
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { closeDatabase, getDatabase } from "@/lib/db";
import { hashPassword } from "@/lib/auth/password";
import { createUser, findUserForSignIn } from "@/lib/db/users";

const { values } = parseArgs({
  options: {
    email: { type: "string" },
    name: { type: "string" },
    password: { type: "string" },
    conversations: { type: "string", default: "10000" },
    messages: { type: "string", default: "200000" },
    seed: { type: "string", default: "1" },
    batch: { type: "string", default: "2000" },
  },
});

if (!values.email) {
  console.error("Usage: seed-scale.ts --email you@example.com [--conversations 10000] [--messages 200000]");
  process.exit(2);
}
const CONVERSATIONS = positive("conversations");
const MESSAGES = positive("messages");
const BATCH = positive("batch");
if (MESSAGES < CONVERSATIONS) {
  console.error("--messages must be at least --conversations (every conversation gets a message).");
  process.exit(2);
}

function positive(name: "conversations" | "messages" | "batch"): number {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--${name} must be a positive integer`);
    process.exit(2);
  }
  return n;
}

// ---- deterministic randomness ------------------------------------------------------------------

let state = Number(values.seed) >>> 0 || 1;
function rand(): number {
  // mulberry32
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)];

// ---- text ---------------------------------------------------------------------------------------

const COMMON = (
  "the of and to a in is that it for as with was on be by this are or from at an but not have can " +
  "which you we they one all there their will would about more also if when what so than into some " +
  "other its only then these could time may like just first new because how most over such after " +
  "should way even where through well much before each between used make many any same those very"
).split(" ");
const TOPICS = (
  "database index query function variable server client request response cache memory thread process " +
  "network protocol latency throughput schema migration transaction deadlock replica cluster container " +
  "kubernetes docker pipeline deploy release version branch commit merge rebase test fixture mock " +
  "recipe garlic onion butter oven simmer flour sugar bread dough yeast roast pasta tomato basil " +
  "mountain river forest valley glacier volcano desert ocean island climate weather storm rainfall " +
  "history empire dynasty revolution treaty parliament election constitution republic monarchy " +
  "physics energy momentum particle quantum photon electron gravity orbit planet galaxy telescope " +
  "biology cell protein enzyme gene mutation species evolution ecosystem bacteria virus vaccine " +
  "finance budget invoice interest mortgage inflation dividend portfolio equity bond market risk " +
  "guitar melody chord rhythm tempo harmony orchestra violin piano concert album lyrics " +
  "marathon training stretch recovery protein cardio sprint interval endurance muscle"
).split(" ");
const OPENERS = ["Sure", "Good question", "Here is an overview", "In short", "Let me explain", "Great", "Certainly"];
const ASKS = ["How do I", "Can you explain", "What is the best way to", "Why does", "Help me", "Compare", "Summarize"];
const MODELS = [
  "openai/gpt-4o-mini",
  "anthropic/claude-sonnet-4.5",
  "google/gemini-2.5-flash",
  "meta-llama/llama-3.3-70b-instruct",
  "deepseek/deepseek-chat-v3.1",
];

function words(n: number, topic: readonly string[]): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(rand() < 0.3 ? pick(topic) : pick(COMMON));
  return out.join(" ");
}

function sentence(topic: readonly string[]): string {
  const s = words(int(6, 22), topic);
  return s[0].toUpperCase() + s.slice(1) + (rand() < 0.9 ? "." : "?");
}

function userText(topic: readonly string[]): string {
  const body = rand() < 0.7 ? words(int(4, 30), topic) : Array.from({ length: int(2, 5) }, () => sentence(topic)).join(" ");
  return `${pick(ASKS)} ${body}?`;
}

function assistantText(topic: readonly string[]): string {
  const paragraphs: string[] = [`${pick(OPENERS)}. ${sentence(topic)}`];
  const count = int(1, 6);
  for (let p = 0; p < count; p++) {
    if (rand() < 0.15) {
      paragraphs.push(
        "```ts\n" + Array.from({ length: int(2, 8) }, () => `const ${pick(topic)} = ${pick(topic)}(${int(1, 99)});`).join("\n") + "\n```",
      );
    } else if (rand() < 0.25) {
      paragraphs.push(Array.from({ length: int(2, 5) }, () => `- ${sentence(topic)}`).join("\n"));
    } else {
      paragraphs.push(Array.from({ length: int(1, 5) }, () => sentence(topic)).join(" "));
    }
  }
  return paragraphs.join("\n\n");
}

function title(topic: readonly string[]): string {
  const t =
    words(int(2, 5), topic)
      .replace(/\b(the|of|and|to|a|in|is)\b\s*/g, "")
      .trim() || pick(topic);
  return t[0].toUpperCase() + t.slice(1);
}

const id = () => `s${randomBytes(12).toString("base64url")}`;

/** An SQL string literal (standard_conforming_strings: only the quote is special). */
const lit = (text: string) => `'${text.replace(/'/g, "''")}'`;
/** Timestamps are stored as UTC without a zone, as Prisma writes them. */
const ts = (date: Date) => `'${date.toISOString().replace("T", " ").replace("Z", "")}'`;
const row = (values: string[]) => `(${values.join(",")})`;

// ---- plan ---------------------------------------------------------------------------------------

/** Message counts per conversation: at least 1, summing exactly to MESSAGES, skewed like real use. */
function messageCounts(): number[] {
  const weights = Array.from({ length: CONVERSATIONS }, () => -Math.log(1 - rand() * 0.999));
  const total = weights.reduce((a, b) => a + b, 0);
  const spare = MESSAGES - CONVERSATIONS;
  const counts = weights.map((w) => 1 + Math.floor((w / total) * spare));
  let left = MESSAGES - counts.reduce((a, b) => a + b, 0);
  for (let i = 0; left > 0; i = (i + 1) % CONVERSATIONS, left--) counts[i]++;
  return counts;
}

/** Time spent per table, printed after each batch when SEED_DEBUG is set. */
const timings: Record<string, number> = {};
async function timed(label: string, fn: () => Promise<void>) {
  const t = Date.now();
  await fn();
  timings[label] = (timings[label] ?? 0) + Date.now() - t;
  if (process.env.SEED_DEBUG) console.log(JSON.stringify(timings));
}

async function main() {
  const started = Date.now();
  const { kind } = await getDatabase();
  console.log(`seeding ${CONVERSATIONS} conversations and ${MESSAGES} messages into ${kind}`);

  const email = values.email!.trim().toLowerCase();
  let user = await findUserForSignIn(email);
  if (!user) {
    const password = values.password ?? `seed-${randomBytes(6).toString("hex")}`;
    const created = await createUser({ email, name: values.name ?? "Seed user", passwordHash: await hashPassword(password) });
    user = { ...created, passwordHash: null };
    console.log(`created ${email} (password: ${password})`);
  }
  const userId = user.id;

  const counts = messageCounts();
  const { sql } = await getDatabase();
  const now = Date.now();
  const DAY = 86_400_000;
  let conversations: string[] = [];
  let messages: string[] = [];
  let usages: string[] = [];
  let written = 0;
  let pinned = 0;

  const insert = (table: string, columns: string, rows: string[]) =>
    rows.length === 0 ? Promise.resolve() : timed(table, () => sql.exec(`INSERT INTO "${table}" (${columns}) VALUES ${rows.join(",\n")}`));

  const flush = async (force: boolean) => {
    if (!force && messages.length < BATCH) return;
    await insert("Conversation", `"id","userId","title","model","pinned","createdAt","updatedAt","lastMessageAt"`, conversations);
    await insert("Message", `"id","conversationId","position","role","parts","text","model","status","metadata","createdAt","updatedAt"`, messages);
    await insert(
      "Usage",
      `"id","userId","conversationId","messageId","generationId","kind","modelRequested","modelServed","provider",` +
        `"promptTokens","completionTokens","costNano","upstreamCostNano","durationMs","finishReason","settledAt","createdAt","updatedAt"`,
      usages,
    );
    written += messages.length;
    conversations = [];
    messages = [];
    usages = [];
    const seconds = (Date.now() - started) / 1000;
    process.stdout.write(`\r${written} / ${MESSAGES} messages (${Math.round(written / seconds)}/s)   `);
  };

  for (let c = 0; c < CONVERSATIONS; c++) {
    const topic = Array.from({ length: 6 }, () => pick(TOPICS));
    const model = pick(MODELS);
    // Most activity is recent: an exponential spread over about two years.
    const last = now - Math.min(730 * DAY, Math.floor(-Math.log(1 - rand()) * 90 * DAY)) - int(0, DAY);
    const n = counts[c];
    const spanMs = Math.min(n * int(20_000, 600_000), 3 * DAY);
    const conversationId = id();
    const isPinned = pinned < 12 && rand() < 0.002;
    if (isPinned) pinned++;
    conversations.push(
      row([
        lit(conversationId),
        lit(userId),
        lit(title(topic)),
        lit(model),
        isPinned ? "true" : "false",
        ts(new Date(last - spanMs)),
        ts(new Date(last)),
        ts(new Date(last)),
      ]),
    );
    for (let m = 0; m < n; m++) {
      const at = new Date(last - spanMs + Math.floor((spanMs * (m + 1)) / n));
      const role = m % 2 === 0 ? "user" : "assistant";
      const text = role === "user" ? userText(topic) : assistantText(topic);
      const messageId = id();
      let metadata: Record<string, unknown> = { status: "complete", createdAt: at.toISOString() };
      if (role === "assistant") {
        const steps = rand() < 0.1 ? 2 : 1;
        let cost = 0n;
        let promptTotal = 0;
        let completionTotal = 0;
        for (let s = 0; s < steps; s++) {
          const promptTokens = int(30, 4000) + m * 40;
          const completionTokens = Math.ceil(text.length / 4 / steps);
          const costNano = BigInt(promptTokens) * 150n + BigInt(completionTokens) * 600n;
          cost += costNano;
          promptTotal += promptTokens;
          completionTotal += completionTokens;
          usages.push(
            row([
              lit(id()),
              lit(userId),
              lit(conversationId),
              lit(messageId),
              lit(`gen-seed-${randomBytes(10).toString("hex")}`),
              lit("chat"),
              lit(model),
              lit(model),
              lit("Seed"),
              String(promptTokens),
              String(completionTokens),
              costNano.toString(),
              costNano.toString(),
              String(int(400, 9000)),
              lit("stop"),
              ts(at),
              ts(at),
              ts(at),
            ]),
          );
        }
        metadata = {
          ...metadata,
          model,
          modelServed: model,
          provider: "Seed",
          promptTokens: promptTotal,
          completionTokens: completionTotal,
          costNano: cost.toString(),
        };
      }
      messages.push(
        row([
          lit(messageId),
          lit(conversationId),
          String(m),
          lit(role),
          `${lit(JSON.stringify([{ type: "text", text }]))}::jsonb`,
          lit(text),
          role === "assistant" ? lit(model) : "NULL",
          `'complete'`,
          `${lit(JSON.stringify(metadata))}::jsonb`,
          ts(at),
          ts(at),
        ]),
      );
    }
    await flush(false);
  }
  await flush(true);
  process.stdout.write("\n");

  await sql.exec(`ANALYZE "Conversation"; ANALYZE "Message"; ANALYZE "Usage";`);
  console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s (${pinned} pinned)`);
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => closeDatabase());
