import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { insertImportedConversations } from "@/lib/db/conversation-import";
import { AppError } from "@/lib/errors";
import { parseWith } from "@/lib/http";
import { getConversationView } from "./conversation";
import { accountExportChunks, conversationExportFile, conversationToMarkdown, exportConversation, exportFileName } from "./export";
import type { ExportFile } from "./export-format";
import { importFileSchema, importForUser, toImported } from "./import";
import { listConversations } from "./list";
import { searchConversations } from "./search";
import { makeConversation, makeUser } from "@/tests/helpers/history-data";

async function collect(gen: AsyncGenerator<string>): Promise<string> {
  let out = "";
  for await (const chunk of gen) out += chunk;
  return out;
}

const toolAnswer = [
  { type: "step-start" },
  { type: "reasoning", text: "Let me compute that.", state: "done" },
  {
    type: "tool-calculator",
    toolCallId: "call_1",
    state: "output-available",
    input: { expression: "6*7" },
    output: { expression: "6*7", result: "42" },
  },
  { type: "text", text: "The answer is **42**." },
];

async function seedRich(userId: string) {
  return makeConversation(userId, {
    title: "Math ```with``` ticks",
    model: "openai/gpt-4o-mini",
    pinned: true,
    messages: [
      { role: "user", text: "What is 6*7?" },
      {
        role: "assistant",
        parts: toolAnswer,
        text: "The answer is **42**.",
        model: "openai/gpt-4o-mini",
        usage: [
          { costNano: 12_345_678_901n, promptTokens: 100, completionTokens: 20 },
          { costNano: 5n, promptTokens: 130, completionTokens: 8 },
        ],
      },
      { role: "user", text: "Thanks!" },
      { role: "assistant", text: "You're welcome.", usage: [{ costNano: null }] },
    ],
  });
}

// Opening the database (a fresh copy per file) belongs to the hook's longer timeout, not a test's.
beforeAll(async () => {
  await getDb();
});

describe("export", () => {
  it("JSON: messages with parts and tool calls, models, and usage and cost per answer as decimal strings", async () => {
    const user = await makeUser();
    const c = await seedRich(user.id);
    const exported = await exportConversation(user.id, c.id);
    expect(exported).toMatchObject({ id: c.id, title: "Math ```with``` ticks", pinned: true, totalCostNano: "12345678906" });
    expect(exported.messages).toHaveLength(4);
    const answer = exported.messages[1];
    expect(answer.parts).toEqual(toolAnswer);
    expect(answer.model).toBe("openai/gpt-4o-mini");
    expect(answer.costNano).toBe("12345678906");
    expect(answer.costPending).toBe(false);
    expect(answer.usage.map((u) => u.costNano)).toEqual(["12345678901", "5"]);
    expect(answer.usage[0]).toMatchObject({ kind: "chat", promptTokens: 100, completionTokens: 20, modelServed: "openai/gpt-4o-mini" });
    expect(exported.messages[3]).toMatchObject({ costNano: null, costPending: true });
    expect(exported.messages[0]).toMatchObject({ role: "user", usage: [], costNano: null });
    // A file is valid JSON that the importer accepts as is.
    const text = JSON.stringify(conversationExportFile(exported));
    expect(() => parseWith(importFileSchema, JSON.parse(text))).not.toThrow();
  });

  it("Markdown: readable, with tool calls fenced safely and costs", async () => {
    const user = await makeUser();
    const c = await seedRich(user.id);
    const md = conversationToMarkdown(await exportConversation(user.id, c.id));
    expect(md).toMatch(/^# Math ```with``` ticks\n/);
    expect(md).toContain("### You");
    expect(md).toContain("### Assistant (openai/gpt-4o-mini)");
    expect(md).toContain("**Tool call: `calculator`**");
    expect(md).toContain('"expression": "6*7"');
    expect(md).toContain('"result": "42"');
    expect(md).toContain("The answer is **42**.");
    expect(md).toContain("> **Reasoning**");
    expect(md).toContain("$12.35");
    expect(exportFileName('Math ```with``` ticks / "quotes"', "md")).toBe("math-with-ticks-quotes.md");
    expect(exportFileName("日本語", "json")).toBe("conversation.json");
  });

  it("another user gets nothing", async () => {
    const owner = await makeUser("owner");
    const other = await makeUser("other");
    const c = await seedRich(owner.id);
    const error = await exportConversation(other.id, c.id).catch((e: unknown) => e);
    expect((error as AppError).code).toBe("not_found:conversation");
    const theirs = JSON.parse(await collect(accountExportChunks(other.id, { name: "o", email: "o@x" }))) as ExportFile;
    expect(theirs.conversations).toEqual([]);
  });
});

describe("import", () => {
  it("round-trips a whole account into another user's history with new ids", async () => {
    const source = await makeUser("source");
    const target = await makeUser("target");
    const rich = await seedRich(source.id);
    const plain = await makeConversation(source.id, {
      title: "Quokka chat",
      lastMessageAt: new Date("2025-03-04T05:06:07.000Z"),
      messages: [
        { role: "user", text: "Tell me about quokkas", createdAt: new Date("2025-03-04T05:06:00.000Z") },
        { role: "assistant", text: "Quokkas are small marsupials.", createdAt: new Date("2025-03-04T05:06:07.000Z") },
      ],
    });
    await makeConversation(source.id, { title: "Deleted", deletedAt: new Date() });

    // Small batches, so the streamed export crosses batch boundaries.
    const text = await collect(accountExportChunks(source.id, { name: source.name, email: source.email }, 1));
    const file = JSON.parse(text) as ExportFile;
    expect(file).toMatchObject({ format: "switchboard-export", version: 1, account: { email: source.email } });
    expect(file.conversations.map((c) => c.id).sort()).toEqual([rich.id, plain.id].sort());

    const result = await importForUser(target.id, parseWith(importFileSchema, JSON.parse(text)));
    expect(result.imported).toEqual({ conversations: 2, messages: 6 });
    const list = await listConversations(target.id, {});
    expect(list.items.map((i) => i.title)).toEqual(["Math ```with``` ticks", "Quokka chat"]);
    expect(list.items.every((i) => i.id !== rich.id && i.id !== plain.id)).toBe(true);
    expect(list.items[1].lastMessageAt).toBe("2025-03-04T05:06:07.000Z");
    expect(list.items[0].pinned).toBe(true);

    const view = await getConversationView(target.id, list.items[0].id);
    expect(view.messages[1].parts).toEqual(toolAnswer);
    expect(view.messages[1].metadata?.costNano).toBe("12345678906");
    expect(view.messages.map((m) => m.id).some((id) => rich.messageIds.includes(id))).toBe(false);
    // The text column is rebuilt, so imported history is searchable.
    const found = await searchConversations(target.id, "marsupials");
    expect(found.results.map((r) => r.conversationId)).toEqual([list.items[1].id]);
    // Usage rows are the instance's spending record: an import adds none.
    const db = await getDb();
    expect(await db.usage.count({ where: { userId: target.id } })).toBe(0);
    // The source is untouched.
    expect((await listConversations(source.id, {})).items).toHaveLength(2);

    // Importing twice makes a second copy, again with new ids.
    await importForUser(target.id, parseWith(importFileSchema, JSON.parse(text)));
    expect((await listConversations(target.id, {})).items).toHaveLength(4);
  });

  it("refuses files that are not ours or are malformed", () => {
    const bad = [
      {},
      { format: "other", version: 1, conversations: [] },
      { format: "switchboard-export", version: 2, conversations: [] },
      { format: "switchboard-export", version: 1, conversations: [{ title: "x", model: "", messages: [] }] },
      {
        format: "switchboard-export",
        version: 1,
        conversations: [{ title: "x", model: "m", messages: [{ role: "system", parts: [] }] }],
      },
      {
        format: "switchboard-export",
        version: 1,
        conversations: [{ title: "x", model: "m", messages: [{ role: "user", parts: [{ type: "text" }] }] }],
      },
    ];
    for (const file of bad) {
      const error = (() => {
        try {
          parseWith(importFileSchema, file, "import");
        } catch (e) {
          return e;
        }
      })();
      expect(error, JSON.stringify(file)).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe("bad_request:import");
    }
  });

  it("is all or nothing", async () => {
    const user = await makeUser();
    const file = parseWith(importFileSchema, {
      format: "switchboard-export",
      version: 1,
      conversations: Array.from({ length: 3 }, (_, i) => ({
        title: `c${i}`,
        model: "m/x",
        messages: [{ role: "user", parts: [{ type: "text", text: `hello ${i}` }] }],
      })),
    });
    // The conversations go in, then the third message reuses an id: the insert fails half-way,
    // and nothing stays.
    let n = 0;
    const ids = ["conv-00001", "conv-00002", "conv-00003", "msg-000001", "msg-000002", "msg-000001"];
    const error = await insertImportedConversations(user.id, await toImported(file), () => ids[n++] ?? `x${n}`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    const db = await getDb();
    expect(await db.conversation.count({ where: { userId: user.id } })).toBe(0);
    expect(await db.message.count({ where: { conversation: { userId: user.id } } })).toBe(0);
  });
});
