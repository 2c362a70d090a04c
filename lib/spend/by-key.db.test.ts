import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { createUser } from "@/lib/db/users";
import { recordGenerationResult, recordGenerationStarted, recordSettledGeneration, type GenerationStart } from "@/lib/spend/ledger";
import { lastDays, spendByDay, spendByKey, spendByModel, splitBySource, spendTotals } from "./aggregates";
import { CSV_HEADER, usageCsvStream } from "./csv";
import { spendGrouped, spendPageData } from "./service";
import type { ByKeyRow } from "./types";

// Spend by personal key and chat vs API: rows written through the ledger as the chat and the
// gateway write them, read back through the rollup ("UsageKeyDaily"), the other views and the CSV.

beforeAll(async () => {
  await getDb();
});

let n = 0;
const unique = () => `${Date.now().toString(36)}-${n++}`;

async function makeUser(label: string) {
  const db = await getDb();
  const user = await createUser({ email: `bykey-${label}-${unique()}@example.com`, name: label, passwordHash: null, role: "user" });
  const conversation = await db.conversation.create({ data: { userId: user.id, title: `${label} chat`, model: "m" }, select: { id: true } });
  return { ...user, conversationId: conversation.id };
}

async function makeKey(userId: string, name: string) {
  const db = await getDb();
  const suffix = unique();
  return db.apiKey.create({
    data: { userId, name, prefix: `sbk_${suffix.slice(-8)}`, hash: `hash-${suffix}` },
    select: { id: true, name: true, prefix: true },
  });
}

type Written = { generationId: string; costNano: bigint | null };

/**
 * One generation through the ledger's two writes (the row at the first response, then what the
 * stream reported); `costNano: null` leaves it pending, as a stream without usage does.
 */
async function generation(start: Omit<GenerationStart, "generationId" | "messageId" | "modelRequested">, costNano: bigint | null): Promise<Written> {
  const generationId = `gen-bykey-${unique()}`;
  await recordGenerationStarted({ ...start, generationId, messageId: null, modelRequested: "openai/gpt-4o-mini" });
  await recordGenerationResult(generationId, {
    modelServed: "openai/gpt-4o-mini",
    provider: "OpenAI",
    promptTokens: 11,
    completionTokens: 7,
    reasoningTokens: 0,
    cachedTokens: 3,
    costNano,
    upstreamCostNano: null,
    isByok: false,
    ttftMs: null,
    durationMs: null,
    finishReason: "stop",
  });
  return { generationId, costNano };
}

const chat = (user: { id: string; conversationId: string }) => ({ userId: user.id, conversationId: user.conversationId, kind: "chat" as const });
const title = (user: { id: string; conversationId: string }) => ({ userId: user.id, conversationId: user.conversationId, kind: "title" as const });
const api = (userId: string, apiKeyId: string) => ({ userId, conversationId: null, kind: "api" as const, apiKeyId });

/** The key rollup must equal Usage grouped the same way, row for row. */
async function expectKeyRollupExact() {
  const db = await getDb();
  const direct = await db.$queryRaw<{ k: string }[]>`
    SELECT concat_ws('|', "userId", "createdAt"::date, COALESCE("apiKeyId", ''),
      CASE WHEN "kind" = 'api' OR "apiKeyId" IS NOT NULL THEN 'api' ELSE 'chat' END,
      COUNT(*), COUNT(*) FILTER (WHERE "costNano" IS NULL), COALESCE(SUM("costNano"), 0),
      SUM("promptTokens"), SUM("completionTokens"), SUM("cachedTokens"), SUM("reasoningTokens")) AS k
    FROM "Usage" GROUP BY "userId", "createdAt"::date, COALESCE("apiKeyId", ''),
      CASE WHEN "kind" = 'api' OR "apiKeyId" IS NOT NULL THEN 'api' ELSE 'chat' END ORDER BY 1`;
  const rolled = await db.$queryRaw<{ k: string }[]>`
    SELECT concat_ws('|', "userId", day, "apiKeyId", source, generations, "pendingCount", "costNano",
      "promptTokens", "completionTokens", "cachedTokens", "reasoningTokens") AS k
    FROM "UsageKeyDaily" ORDER BY 1`;
  expect(rolled.map((r) => r.k)).toEqual(direct.map((r) => r.k));
}

function parseCsv(text: string): string[][] {
  // The fields written here hold no quotes, commas or line breaks (names and ids chosen so).
  return text
    .split("\r\n")
    .filter((line) => line !== "")
    .map((line) => line.split(","));
}

const sum = (rows: { costNano: bigint }[]) => rows.reduce((s, r) => s + r.costNano, 0n);
const sumOf = (written: Written[]) => written.reduce((s, w) => s + (w.costNano ?? 0n), 0n);
const byId = (rows: ByKeyRow[]) => new Map(rows.map((r) => [r.id, r]));

describe("spend by key and chat vs API", () => {
  it("by-key rows sum exactly to the totals, the split is right, pending rows count as pending, and a user sees only their own keys", async () => {
    const db = await getDb();
    const alice = await makeUser("alice");
    const bob = await makeUser("bob");
    const laptop = await makeKey(alice.id, "laptop");
    const ci = await makeKey(alice.id, "ci");
    const bobKey = await makeKey(bob.id, "bob-notebook");

    // Odd sub-cent amounts, so a lost or doubled row would show in the sums.
    const aliceChat = [
      await generation(chat(alice), 1_234_567n),
      await generation(chat(alice), 89_001n),
      await generation(title(alice), 3_003n),
      await generation(chat(alice), null),
    ];
    const aliceLaptop = [
      await generation(api(alice.id, laptop.id), 7_777_777n),
      await generation(api(alice.id, laptop.id), 1n),
      await generation(api(alice.id, laptop.id), null),
      await generation(api(alice.id, laptop.id), null),
    ];
    const aliceCi = await Promise.all(Array.from({ length: 12 }, (_, i) => generation(api(alice.id, ci.id), 100_003n * BigInt(i + 1))));
    const bobChat = [await generation(chat(bob), 55_555n)];
    const bobApi = [await generation(api(bob.id, bobKey.id), 999_999_999n), await generation(api(bob.id, bobKey.id), null)];
    await db.apiKey.update({ where: { id: ci.id }, data: { revokedAt: new Date() } });
    await expectKeyRollupExact();

    const now = new Date();
    const range = lastDays(30, now);
    const scope = { userId: alice.id };
    const rows = await spendByKey(scope, range);
    const rowsById = byId(rows);

    // Alice's keys and her chat, never Bob's key.
    expect([...rowsById.keys()].sort()).toEqual([ci.id, laptop.id, "chat"].sort());
    expect(rows.some((r) => r.id === bobKey.id || r.name === "bob-notebook")).toBe(false);

    // Each row is its own generations, to the nano-dollar; pending ones are counted as pending.
    const laptopRow = rowsById.get(laptop.id)!;
    expect(laptopRow).toMatchObject({ name: "laptop", prefix: laptop.prefix, revoked: false, source: "api", ownerEmail: null });
    expect(laptopRow.costNano).toBe(sumOf(aliceLaptop));
    expect(laptopRow.generations).toBe(4);
    expect(laptopRow.pendingCount).toBe(2);
    expect(laptopRow.promptTokens).toBe(4 * 11);
    expect(laptopRow.completionTokens).toBe(4 * 7);
    const ciRow = rowsById.get(ci.id)!;
    expect(ciRow).toMatchObject({ name: "ci", revoked: true, source: "api", generations: 12, pendingCount: 0 });
    expect(ciRow.costNano).toBe(sumOf(aliceCi));
    const chatRow = rowsById.get("chat")!;
    // Titles are chat.
    expect(chatRow).toMatchObject({ name: "Chat", prefix: null, revoked: false, source: "chat", generations: 4, pendingCount: 1 });
    expect(chatRow.costNano).toBe(sumOf(aliceChat));
    // Largest first.
    for (let i = 1; i < rows.length; i++) expect(rows[i - 1]!.costNano >= rows[i]!.costNano).toBe(true);

    // The rows add up to the figures the page already shows for the same range.
    const total = sum(rows);
    expect(total).toBe(sum(await spendByModel(scope, range)));
    expect(total).toBe(sum(await spendByDay(scope, range)));
    expect(total).toBe((await spendTotals(scope, now)).allTimeNano);
    expect(rows.reduce((s, r) => s + r.pendingCount, 0)).toBe((await spendTotals(scope, now)).pendingCount);

    // Chat vs API.
    const split = splitBySource(rows);
    expect(split.chat).toEqual({ costNano: sumOf(aliceChat), generations: 4, pendingCount: 1, promptTokens: 44, completionTokens: 28 });
    expect(split.api.costNano).toBe(sumOf(aliceLaptop) + sumOf(aliceCi));
    expect(split.api.generations).toBe(16);
    expect(split.api.pendingCount).toBe(2);
    expect(split.chat.costNano + split.api.costNano).toBe(total);

    // The JSON API's grouping and the page's data carry the same rows and split.
    const grouped = await spendGrouped(scope, range, "key");
    expect(grouped).toEqual({ groupBy: "key", rows, bySource: split });
    const page = await spendPageData(alice.id, range, now);
    expect(page.byKey).toEqual(rows);
    expect(page.bySource).toEqual(split);

    // Bob sees his key and his chat only.
    const bobRows = await spendByKey({ userId: bob.id }, range);
    expect(bobRows.map((r) => r.id).sort()).toEqual([bobKey.id, "chat"].sort());
    expect(sum(bobRows)).toBe(sumOf(bobChat) + sumOf(bobApi));

    // A pending row settled from /generation moves from pending to cost on its key's row.
    const settledCost = 4_444_444n;
    expect(
      await recordSettledGeneration(aliceLaptop[2]!.generationId, {
        id: aliceLaptop[2]!.generationId,
        model: "openai/gpt-4o-mini",
        provider: "OpenAI",
        costNano: settledCost,
        upstreamCostNano: null,
        isByok: false,
        promptTokens: 11,
        completionTokens: 7,
        reasoningTokens: 0,
        cachedTokens: 3,
        finishReason: "stop",
        cancelled: false,
      }),
    ).toBe(true);
    const afterSettle = byId(await spendByKey(scope, range)).get(laptop.id)!;
    expect(afterSettle.pendingCount).toBe(1);
    expect(afterSettle.costNano).toBe(sumOf(aliceLaptop) + settledCost);
    await expectKeyRollupExact();
  });

  it("the admin sees every key with its owner; a deleted key's calls stay API spend; the CSV names the key and the source", async () => {
    const db = await getDb();
    const carol = await makeUser("carol");
    const dave = await makeUser("dave");
    const carolKey = await makeKey(carol.id, "carol-script");
    const daveKey = await makeKey(dave.id, "dave-editor");
    const doomed = await makeKey(carol.id, "old-key");
    const carolChat = [await generation(chat(carol), 10_000_001n), await generation(title(carol), 17n)];
    const carolApi = [await generation(api(carol.id, carolKey.id), 3_000_003n), await generation(api(carol.id, carolKey.id), null)];
    const doomedApi = [await generation(api(carol.id, doomed.id), 123_456_789n)];
    const daveChat = [await generation(chat(dave), 42n)];
    const daveApi = [await generation(api(dave.id, daveKey.id), 600_000_006n)];

    const now = new Date();
    const range = lastDays(1, now);

    // Across all users: each key with its owner's email; the chat of everyone in one row.
    const all = byId(await spendByKey({}, range));
    expect(all.get(carolKey.id)).toMatchObject({ name: "carol-script", ownerEmail: carol.email, costNano: sumOf(carolApi), pendingCount: 1 });
    expect(all.get(daveKey.id)).toMatchObject({ name: "dave-editor", ownerEmail: dave.email, costNano: sumOf(daveApi) });
    expect(all.get(doomed.id)).toMatchObject({ name: "old-key", ownerEmail: carol.email });
    expect(all.get("chat")!.ownerEmail).toBeNull();
    // Everyone's chat is one row (other test files' users may add to it).
    expect(all.get("chat")!.costNano >= sumOf(carolChat) + sumOf(daveChat)).toBe(true);
    // Other test files' users may share the database: the all-users figures agree with themselves.
    const allRows = [...all.values()];
    expect(sum(allRows)).toBe(sum(await spendByModel({}, range)));
    const grouped = await spendGrouped({}, range, "key");
    expect(grouped.groupBy).toBe("key");

    // Deleting a key (its usage keeps the cost; the key column is set null) moves its calls to
    // "Deleted key", still API spend, and the totals do not move.
    const before = await spendByKey({ userId: carol.id }, range);
    await db.apiKey.delete({ where: { id: doomed.id } });
    await expectKeyRollupExact();
    const after = await spendByKey({ userId: carol.id }, range);
    expect(sum(after)).toBe(sum(before));
    expect(byId(after).get("deleted-key")).toMatchObject({ name: "Deleted key", source: "api", prefix: null, costNano: sumOf(doomedApi) });
    expect(splitBySource(after)).toEqual(splitBySource(before));
    expect(splitBySource(after).chat.costNano).toBe(sumOf(carolChat));
    expect(splitBySource(after).api.costNano).toBe(sumOf(carolApi) + sumOf(doomedApi));

    // The CSV: one line per generation, the key's name (empty for chat and the deleted key), the
    // source; per source its nano column sums to the split, and Dave's key never appears.
    const text = await new Response(usageCsvStream(carol.id, range)).text();
    const [header, ...lines] = parseCsv(text);
    expect(header).toEqual([...CSV_HEADER]);
    const col = (name: (typeof CSV_HEADER)[number]) => CSV_HEADER.indexOf(name);
    expect(lines).toHaveLength(carolChat.length + carolApi.length + doomedApi.length);
    const bySource = (source: string) =>
      lines.filter((l) => l[col("source")] === source).reduce((s, l) => s + BigInt(l[col("cost_nano_usd")] || "0"), 0n);
    expect(bySource("chat")).toBe(sumOf(carolChat));
    expect(bySource("api")).toBe(sumOf(carolApi) + sumOf(doomedApi));
    const keyed = (name: string) => lines.filter((l) => l[col("key")] === name);
    expect(keyed("carol-script")).toHaveLength(2);
    expect(keyed("carol-script").every((l) => l[col("kind")] === "api" && l[col("source")] === "api")).toBe(true);
    expect(keyed("carol-script").filter((l) => l[col("status")] === "pending")).toHaveLength(1);
    const unnamed = keyed("");
    expect(unnamed.map((l) => `${l[col("kind")]}/${l[col("source")]}`).sort()).toEqual(["api/api", "chat/chat", "title/chat"]);
    expect(text).not.toContain("dave-editor");
    expect(text).not.toContain("old-key");

    // Deleting an account (its keys and its usage go with it) leaves nothing of it in the rollup.
    await db.user.delete({ where: { id: dave.id } });
    expect(await db.usageKeyDaily.count({ where: { userId: dave.id } })).toBe(0);
    await expectKeyRollupExact();
  });
});
