// A key's kept log as its owner reads it: newest first, a page at a time without repeats or gaps
// (entries sharing a timestamp included), the whole log as one JSON file, and nothing of it for
// anyone else. Real database; the rows are written as the gateway writes them.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { makeUser } from "@/tests/helpers/users";
import { API_LOG_PAGE_SIZE, type ApiLogView } from "./log-types";
import { apiLogQuerySchema } from "./logs";

async function makeKey(userId: string, name = "script") {
  const { getDb } = await import("@/lib/db");
  const db = await getDb();
  const hash = randomBytes(32).toString("hex");
  return db.apiKey.create({ data: { userId, name, prefix: `sbk_${hash.slice(0, 8)}`, hash, keepLog: true } });
}

/** `count` entries, two per millisecond (the second half of each pair shares its time with the first). */
async function writeLogs(userId: string, apiKeyId: string, count: number, start = Date.UTC(2026, 11, 1)) {
  const { getDb } = await import("@/lib/db");
  const db = await getDb();
  for (let i = 0; i < count; i++) {
    await db.apiLog.create({
      data: {
        userId,
        apiKeyId,
        endpoint: "chat.completions",
        model: "openai/gpt-4o-mini",
        status: 200,
        generationId: `gen-${i}`,
        request: { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: `question ${i} <b>not html</b>` }] },
        response: { choices: [{ message: { role: "assistant", content: `answer ${i}` } }] },
        createdAt: new Date(start + Math.floor(i / 2)),
      },
    });
  }
}

async function readAll(userId: string, apiKeyId: string): Promise<ApiLogView[]> {
  const { listApiLogs } = await import("./logs");
  const seen: ApiLogView[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const query = apiLogQuerySchema.parse(cursor ? { cursor } : {});
    const page = await listApiLogs(userId, apiKeyId, query);
    expect(page.logs.length).toBeLessThanOrEqual(API_LOG_PAGE_SIZE);
    seen.push(...page.logs);
    cursor = page.nextCursor;
    pages++;
  } while (cursor && pages < 100);
  return seen;
}

describe("a key's log", () => {
  it("pages newest first, every entry once, entries sharing a millisecond included", async () => {
    const owner = await makeUser("logowner");
    const key = await makeKey(owner.id);
    await writeLogs(owner.id, key.id, 45);
    const { listApiLogs } = await import("./logs");
    const first = await listApiLogs(owner.id, key.id);
    expect(first.logs).toHaveLength(API_LOG_PAGE_SIZE);
    expect(first.nextCursor).toMatch(/^\d+-/);

    const all = await readAll(owner.id, key.id);
    expect(all).toHaveLength(45);
    expect(new Set(all.map((l) => l.id)).size).toBe(45);
    const times = all.map((l) => Date.parse(l.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(all[0]).toMatchObject({
      endpoint: "chat.completions",
      model: "openai/gpt-4o-mini",
      status: 200,
      request: { messages: [{ role: "user", content: expect.stringMatching(/^question (43|44) <b>not html<\/b>$/) }] },
      response: { choices: [{ message: { content: expect.stringMatching(/^answer (43|44)$/) } }] },
    });
  });

  it("is the owner's alone: another user gets 404 for the key, and never sees its entries", async () => {
    const owner = await makeUser("logowner");
    const other = await makeUser("logother");
    const key = await makeKey(owner.id);
    const othersKey = await makeKey(other.id);
    await writeLogs(owner.id, key.id, 3);
    await writeLogs(other.id, othersKey.id, 2);
    const { listApiLogs, requireOwnApiKey } = await import("./logs");
    await expect(listApiLogs(other.id, key.id)).rejects.toMatchObject({ code: "not_found:api_key", status: 404 });
    await expect(requireOwnApiKey(other.id, key.id)).rejects.toMatchObject({ code: "not_found:api_key" });
    await expect(listApiLogs(owner.id, "no-such-key-id")).rejects.toMatchObject({ code: "not_found:api_key" });
    expect((await listApiLogs(other.id, othersKey.id)).logs).toHaveLength(2);
    expect((await listApiLogs(owner.id, key.id)).logs).toHaveLength(3);
  });

  it("refuses a cursor that is not one", () => {
    for (const cursor of ["abc", "12", "-abcdefgh", "1-short", "1-abc def gh", `${"9".repeat(16)}-abcdefghij`]) {
      expect(apiLogQuerySchema.safeParse({ cursor }).success, cursor).toBe(false);
    }
    expect(apiLogQuerySchema.safeParse({ cursor: "1733011200000-clx0abcdefgh" }).success).toBe(true);
    expect(apiLogQuerySchema.safeParse({ other: "x" }).success).toBe(false);
  });

  it("exports as one JSON document, newest first, across several batches", async () => {
    const owner = await makeUser("logexport");
    const key = await makeKey(owner.id, "nightly job");
    await writeLogs(owner.id, key.id, 230);
    const { apiLogExportChunks, requireOwnApiKey } = await import("./logs");
    let text = "";
    for await (const chunk of apiLogExportChunks(owner.id, await requireOwnApiKey(owner.id, key.id), new Date("2026-12-07T12:00:00Z"))) text += chunk;
    const parsed = JSON.parse(text) as { exportedAt: string; apiKey: { id: string; name: string; prefix: string }; logs: ApiLogView[] };
    expect(parsed.exportedAt).toBe("2026-12-07T12:00:00.000Z");
    expect(parsed.apiKey).toEqual({ id: key.id, name: "nightly job", prefix: key.prefix });
    expect(parsed.logs).toHaveLength(230);
    expect(new Set(parsed.logs.map((l) => l.id)).size).toBe(230);
    expect(parsed.logs.map((l) => l.id)).toEqual((await readAll(owner.id, key.id)).map((l) => l.id));
    expect(text).not.toContain(key.hash);
  });

  it("exports an empty log as an empty list", async () => {
    const owner = await makeUser("logempty");
    const key = await makeKey(owner.id);
    const { apiLogExportChunks } = await import("./logs");
    let text = "";
    for await (const chunk of apiLogExportChunks(owner.id, key)) text += chunk;
    expect((JSON.parse(text) as { logs: unknown[] }).logs).toEqual([]);
  });
});
