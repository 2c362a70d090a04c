// Alternatives (regenerate) and comparisons through the route handlers, against the local
// OpenRouter over HTTP: what went upstream is read from its request log, costs from its
// generation records. Real database; only the session is stood in for (tests/helpers/routes).
import { generateId } from "ai";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/lib/auth";
import type { ChatUIMessage, CompareStarted, ConversationView } from "@/lib/chat/types";
import type { ExportFile } from "@/lib/history/export-format";
import type { LocalOpenRouter } from "@/local-openrouter";
import { APP, jsonRequest, postChatMessage, readUIChunks, sessionMock, signInAs, waitUntilIdle } from "@/tests/helpers/routes";
import { useLocalOpenRouter } from "@/tests/helpers/upstream";
import { makeUser } from "@/tests/helpers/users";

vi.mock("@/lib/auth", () => sessionMock());

const MODELS = ["openai/gpt-4o-mini", "anthropic/claude-haiku-4.5", "google/gemini-2.5-flash"];

let upstream: LocalOpenRouter;
let user: SessionUser;

beforeAll(async () => {
  upstream = await useLocalOpenRouter();
});

beforeEach(async () => {
  user = await makeUser("compare");
  signInAs(user);
});

const params = (id: string) => ({ params: Promise.resolve({ id }) });

async function waitIdle(conversationId: string) {
  expect(await waitUntilIdle(conversationId)).toBe(true);
}

async function post(body: Record<string, unknown>) {
  const { POST } = await import("@/app/api/chat/route");
  return POST(jsonRequest("/api/chat", { trigger: "submit-message", model: MODELS[0], ...body }), undefined);
}

async function conversation(id: string): Promise<ConversationView> {
  const { GET } = await import("@/app/api/conversations/[id]/route");
  const response = await GET(new Request(`${APP}/api/conversations/${id}`), params(id));
  expect(response.status).toBe(200);
  return ((await response.json()) as { conversation: ConversationView }).conversation;
}

async function showAlternative(id: string, messageId: string, keep = false) {
  const { POST } = await import("@/app/api/conversations/[id]/alternatives/route");
  return POST(jsonRequest(`/api/conversations/${id}/alternatives`, { messageId, keep }), params(id));
}

/** The upstream chat requests whose last user message contains `marker`. */
function requestsWith(marker: string) {
  return upstream.log.filter(
    (e) =>
      e.path.startsWith("/api/v1/chat/completions") &&
      (e.body as { stream?: boolean }).stream === true &&
      JSON.stringify((e.body as { messages?: unknown[] }).messages?.at(-1) ?? "").includes(marker),
  );
}

/** One CSV record's fields (quoted fields may hold commas and doubled quotes). */
function csvFields(line: string): string[] {
  const fields: string[] = [];
  for (const match of line.matchAll(/(?:^|,)(?:"((?:[^"]|"")*)"|([^,]*))/g))
    fields.push(match[1] !== undefined ? match[1].replace(/""/g, '"') : (match[2] ?? ""));
  return fields;
}

const textOf = (m: ChatUIMessage) => m.parts.map((p) => (p.type === "text" ? p.text : "")).join("");

describe("alternatives", () => {
  it("regenerating twice keeps three answers: switchable, in the history API, the export and an import", async () => {
    const id = generateId();
    // The local model's default answer names the model: each alternative reads differently.
    const first = await postChatMessage(id, "alternatives please");
    await readUIChunks(first);
    await waitIdle(id);
    for (let i = 1; i <= 2; i++) {
      const again = await post({ id, trigger: "regenerate-message", model: MODELS[i] });
      expect(again.status).toBe(200);
      await readUIChunks(again);
      await waitIdle(id);
    }
    const view = await conversation(id);
    expect(view.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
    const question = view.messages[0]!;
    const answers = view.alternatives?.[question.id] ?? [];
    expect(answers).toHaveLength(3);
    // The newest is shown; each is its own answer with its own Usage row.
    expect(view.messages[1]!.id).toBe(answers[2]!.id);
    const { getDb } = await import("@/lib/db");
    const usage = await (await getDb()).usage.findMany({ where: { userId: user.id, conversationId: id, kind: "chat" } });
    expect(new Set(usage.map((u) => u.messageId))).toEqual(new Set(answers.map((a) => a.id)));

    // Switch to the first: the conversation continues from it (the next request's history).
    expect((await showAlternative(id, answers[0]!.id)).status).toBe(200);
    expect((await conversation(id)).messages[1]!.id).toBe(answers[0]!.id);
    const marker = `next-${generateId()}`;
    await readUIChunks(await postChatMessage(id, `[[sb:text tokens=3]] ${marker}`));
    await waitIdle(id);
    const [sent] = requestsWith(marker);
    expect(new Set(answers.map(textOf)).size).toBe(3);
    const history = (sent!.body as { messages: { role: string; content: unknown }[] }).messages.filter((m) => m.role === "assistant");
    expect(history.map((m) => m.content)).toEqual([textOf(answers[0]!)]);

    // Export keeps all three, marked; an import of it has the same three, the same one shown.
    const { GET: exportRoute } = await import("@/app/api/conversations/[id]/export/route");
    const exported = (await (await exportRoute(new Request(`${APP}/api/conversations/${id}/export?format=json`), params(id))).json()) as ExportFile;
    const turn = exported.conversations[0]!.messages.filter((m) => m.position === 1);
    expect(turn.map((m) => [m.variant, m.shown])).toEqual([
      [0, true],
      [1, false],
      [2, false],
    ]);
    const { POST: importRoute } = await import("@/app/api/account/import/route");
    const imported = await importRoute(jsonRequest("/api/account/import", exported), undefined);
    expect(imported.status).toBe(201);
    const { conversations } = (await imported.json()) as { conversations: { id: string }[] };
    const copy = await conversation(conversations[0]!.id);
    const copied = copy.alternatives?.[copy.messages[0]!.id] ?? [];
    expect(copied.map(textOf)).toEqual(answers.map(textOf));
    expect(copy.messages[1]!.id).toBe(copied[0]!.id);
  });

  it("refuses to regenerate an answer that later messages follow from, and someone else's switch", async () => {
    const id = generateId();
    await readUIChunks(await postChatMessage(id, "[[sb:text tokens=3]] one"));
    await waitIdle(id);
    const firstAnswer = (await conversation(id)).messages[1]!;
    await readUIChunks(await postChatMessage(id, "[[sb:text tokens=3]] two"));
    await waitIdle(id);
    const response = await post({ id, trigger: "regenerate-message", messageId: firstAnswer.id });
    expect(response.status).toBe(400);
    expect((await conversation(id)).messages).toHaveLength(4);

    signInAs(await makeUser("stranger"));
    expect((await showAlternative(id, firstAnswer.id)).status).toBe(404);
  });
});

describe("compare", () => {
  async function compare(id: string, text: string, models = MODELS) {
    const response = await postChatMessage(id, text, { models });
    expect(response.status).toBe(201);
    return (await response.json()) as CompareStarted;
  }

  async function columnChunks(id: string, messageId: string) {
    const { GET } = await import("@/app/api/chat/[id]/stream/route");
    const response = await GET(new Request(`${APP}/api/chat/${id}/stream?message=${messageId}`), params(id));
    expect(response.status).toBe(200);
    return readUIChunks(response);
  }

  it("answers one prompt with each model at once; each column is its own answer and Usage row, summing exactly into spend", async () => {
    const id = generateId();
    const marker = `cmp-${generateId()}`;
    const started = await compare(id, `[[sb:text tokens=12 rates="openai/gpt-4o-mini:400,anthropic/claude-haiku-4.5:200"]] ${marker}`);
    expect(started.conversation).toMatchObject({ id, created: true });
    expect(started.columns.map((c) => c.model)).toEqual(MODELS);
    // Every column streams on its own, each from its own upstream request, all at once.
    const streams = await Promise.all(started.columns.map((c) => columnChunks(id, c.messageId)));
    for (const [i, chunks] of streams.entries()) {
      expect(chunks[0]).toMatchObject({ type: "start", messageId: started.columns[i]!.messageId });
      expect(chunks.some((c) => c.type === "text-delta")).toBe(true);
    }
    await waitIdle(id);
    expect(
      requestsWith(marker)
        .map((e) => (e.body as { model: string }).model)
        .sort(),
    ).toEqual([...MODELS].sort());

    const view = await conversation(id);
    const answers = view.alternatives?.[view.messages[0]!.id] ?? [];
    expect(answers.map((a) => a.metadata?.compare?.column)).toEqual([0, 1, 2]);
    expect(answers.every((a) => a.metadata?.status === "complete" && a.metadata.compare?.group === started.group)).toBe(true);
    // Until one is kept the conversation continues from the first and keeps its model.
    expect(view.messages[1]!.id).toBe(started.columns[0]!.messageId);

    const { getDb } = await import("@/lib/db");
    const usage = await (await getDb()).usage.findMany({ where: { userId: user.id, conversationId: id, kind: "chat" } });
    expect(usage).toHaveLength(3);
    for (const column of started.columns) {
      const row = usage.find((u) => u.messageId === column.messageId)!;
      expect(row.modelRequested).toBe(column.model);
      expect(row.costNano).toBe(upstream.generations.get(row.generationId!)!.costNano);
    }
    const sum = usage.reduce((n, u) => n + u.costNano!, 0n);
    // The title (generated alongside the first column) settles too before the totals are read.
    await vi.waitFor(async () => expect(await (await getDb()).usage.count({ where: { userId: user.id, costNano: null } })).toBe(0));
    const { spendTotals } = await import("@/lib/spend/aggregates");
    const { GET: csvRoute } = await import("@/app/api/spend/export.csv/route");
    const totals = await spendTotals({ userId: user.id });
    const title = await (await getDb()).usage.aggregate({ where: { userId: user.id, kind: "title" }, _sum: { costNano: true } });
    expect(totals.allTimeNano).toBe(sum + (title._sum.costNano ?? 0n));
    const csv = await (await csvRoute(new Request(`${APP}/api/spend/export.csv`), undefined)).text();
    const header = csvFields(csv.split("\r\n")[0]!);
    const nanoColumn = header.indexOf("cost_nano_usd");
    const kindColumn = header.indexOf("kind");
    const chatRows = csv
      .split("\r\n")
      .slice(1)
      .filter(Boolean)
      .map(csvFields)
      .filter((cells) => cells[kindColumn] === "chat");
    expect(chatRows.reduce((n, cells) => n + BigInt(cells[nanoColumn]!), 0n)).toBe(sum);

    // Keep the second: it is shown, its model is the conversation's, and the next request's history holds it only.
    const kept = await showAlternative(id, started.columns[1]!.messageId, true);
    expect(await kept.json()).toMatchObject({ model: MODELS[1] });
    const after = await conversation(id);
    expect(after.model).toBe(MODELS[1]);
    expect(after.messages[1]!.id).toBe(started.columns[1]!.messageId);
    const next = `next-${generateId()}`;
    await readUIChunks(await postChatMessage(id, `[[sb:text tokens=3]] ${next}`, { model: MODELS[1] }));
    await waitIdle(id);
    const history = (requestsWith(next)[0]!.body as { messages: { role: string; content: unknown }[] }).messages;
    const assistants = history.filter((m) => m.role === "assistant");
    expect(assistants).toHaveLength(1);
    expect(JSON.stringify(assistants[0]!.content)).toContain(JSON.stringify(textOf(answers[1]!)).slice(1, -1).slice(0, 40));
  });

  it("stopping one column leaves the others streaming and keeps its partial answer; a retry replaces only that column", async () => {
    const id = generateId();
    const started = await compare(
      id,
      `[[sb:text tokens=20 rates="openai/gpt-4o-mini:8,anthropic/claude-haiku-4.5:400,google/gemini-2.5-flash:400"]] stop one`,
    );
    const slow = started.columns[0]!;
    const reading = started.columns.map((c) => columnChunks(id, c.messageId));
    await new Promise((r) => setTimeout(r, 400));
    const { POST: stop } = await import("@/app/api/chat/[id]/stop/route");
    const stopped = await stop(jsonRequest(`/api/chat/${id}/stop?message=${slow.messageId}`, {}), params(id));
    expect(await stopped.json()).toEqual({ stopped: true });
    const chunks = await Promise.all(reading);
    expect(chunks[0]!.at(-1)?.type).toBe("abort");
    expect(chunks[1]!.some((c) => c.type === "finish")).toBe(true);
    await waitIdle(id);
    const answers = (await conversation(id)).alternatives![started.questionId]!;
    expect(answers.map((a) => a.metadata?.status)).toEqual(["partial", "complete", "complete"]);
    expect(textOf(answers[0]!).length).toBeGreaterThan(0);

    // A retry of the stopped column: a new answer in column 0, the others untouched.
    const retry = await post({ id, trigger: "regenerate-message", messageId: slow.messageId, model: slow.model });
    expect(retry.status).toBe(200);
    await readUIChunks(retry);
    await waitIdle(id);
    const again = (await conversation(id)).alternatives![started.questionId]!;
    expect(again).toHaveLength(4);
    expect(again[3]!.metadata?.compare).toMatchObject({ group: started.group, column: 0 });
  });

  it("holds every column's worst case before any upstream call, and refuses the whole turn when they do not fit", async () => {
    const id = generateId();
    const marker = `budget-${generateId()}`;
    const { getDb } = await import("@/lib/db");
    const db = await getDb();
    // A budget one answer fits but three do not.
    await db.user.update({ where: { id: user.id }, data: { monthlyBudgetNano: 1n } });
    const single = await postChatMessage(generateId(), `${marker} probe`);
    const worst = BigInt(((await single.json()) as { error: { details: { amountNano: string } } }).error.details.amountNano);
    await db.user.update({ where: { id: user.id }, data: { monthlyBudgetNano: worst * 2n } });
    const refused = await postChatMessage(id, `${marker} three`, { models: MODELS });
    expect(refused.status).toBe(402);
    const error = ((await refused.json()) as { error: { code: string; message: string } }).error;
    expect(error.code).toBe("budget_exceeded:spend");
    expect(error.message).toMatch(/comparing 3 models could cost up to/);
    // Nothing was written or sent, and nothing stays held.
    expect(await db.conversation.count({ where: { id } })).toBe(0);
    expect(requestsWith(marker)).toHaveLength(0);
    expect(await db.reservation.count({ where: { userId: user.id } })).toBe(0);
  });

  it("refuses bad model lists and an edit with several models, changing nothing", async () => {
    const id = generateId();
    for (const models of [[MODELS[0], MODELS[0]], [MODELS[0]], [...MODELS, "openai/gpt-4o", "x-ai/grok-4"], [MODELS[0], "nobody/none"]]) {
      const response = await postChatMessage(id, "bad list", { models });
      expect([400, 404]).toContain(response.status);
    }
    const edit = await postChatMessage(id, "edit", { models: MODELS.slice(0, 2), messageId: generateId() });
    expect(edit.status).toBe(400);
    const { getDb } = await import("@/lib/db");
    expect(await (await getDb()).conversation.count({ where: { id } })).toBe(0);
  });
});
