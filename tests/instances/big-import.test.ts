// A big import must not stall the instance: one production server on PGlite (the database that
// runs on the server's own thread), a 300,000-message file refused before any work, and the
// largest file allowed imported while /api/health is asked every ~50 ms and answers each time
// in under 200 ms (the timed bound of the issue).
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalOpenRouter, type LocalOpenRouter } from "@/local-openrouter";
import { openDatabase } from "@/lib/db/client";
import { startApp, type RunningApp } from "../helpers/app";
import { registerAndSignIn, type User } from "./client";
import { requireBuild, UPSTREAM_KEY } from "./cluster";

const MAX_MESSAGES = 20_000; // SWITCHBOARD_IMPORT_MAX_MESSAGES's default
const HEALTH_BOUND_MS = 200;

function exportFile(
  conversations: number,
  messagesEach: number,
  text = (c: number, i: number) => `Message ${i} of chat ${c}: a sentence or two, as people write them in a chat.`,
): string {
  return JSON.stringify({
    format: "switchboard-export",
    version: 1,
    exportedAt: new Date().toISOString(),
    conversations: Array.from({ length: conversations }, (_, c) => ({
      title: `Imported chat ${c}`,
      model: "openai/gpt-4o-mini",
      createdAt: "2025-06-01T10:00:00.000Z",
      messages: Array.from({ length: messagesEach }, (_, i) => ({
        position: i,
        role: i % 2 ? "assistant" : "user",
        parts: [{ type: "text", text: text(c, i) }],
        createdAt: "2025-06-01T10:00:00.000Z",
      })),
    })),
  });
}

type Timed = { ms: number; status: number };

/** Asks /api/health every ~50 ms until `until` settles; each answer's time. */
async function pollHealth(url: string, until: Promise<unknown>): Promise<Timed[]> {
  let settled = false;
  void until.finally(() => (settled = true)).catch(() => undefined);
  const answers: Timed[] = [];
  while (!settled) {
    const started = performance.now();
    const response = await fetch(`${url}/api/health`);
    await response.arrayBuffer();
    const ms = performance.now() - started;
    answers.push({ ms, status: response.status });
    await new Promise((r) => setTimeout(r, Math.max(0, 50 - ms)));
  }
  return answers;
}

describe("a big import on one production server (PGlite)", () => {
  let upstream: LocalOpenRouter;
  let app: RunningApp;
  let user: User;

  beforeAll(async () => {
    requireBuild();
    upstream = await startLocalOpenRouter({ apiKey: UPSTREAM_KEY, tokensPerSecond: 0 });
    app = await startApp({
      env: {
        AUTH_SECRET: `import-${randomBytes(24).toString("hex")}`,
        OPENROUTER_API_KEY: UPSTREAM_KEY,
        OPENROUTER_BASE_URL: upstream.baseURL,
        // Inherited from this Vitest process, it would turn the server's background jobs off.
        VITEST: "",
      },
    });
    user = await registerAndSignIn(app.url, "import");
  }, 120_000);

  afterAll(async () => {
    await app?.stop().catch(() => app.kill());
    await upstream?.close();
  }, 60_000);

  const postImport = (body: string) =>
    fetch(`${app.url}/api/account/import`, { method: "POST", headers: { "content-type": "application/json", cookie: user.cookie }, body });

  it("refuses a 300,000-message import before any work, at once", async () => {
    const body = exportFile(1_000, 300, () => "Hi");
    expect(body.length).toBeLessThan(50 * 1024 * 1024);
    const started = performance.now();
    const response = await postImport(body);
    const ms = performance.now() - started;
    expect(response.status).toBe(413);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(error).toEqual({
      code: "payload_too_large:import_messages",
      message: `This file has more than ${MAX_MESSAGES} messages; one import takes at most ${MAX_MESSAGES}. Export fewer conversations at a time and import them in turns.`,
      details: { maxMessages: MAX_MESSAGES },
    });
    // Sending the file and counting it; parsing and checking it alone would take longer.
    expect(ms).toBeLessThan(3_000);
    const list = (await (await fetch(`${app.url}/api/conversations`, { headers: { cookie: user.cookie } })).json()) as { items: unknown[] };
    expect(list.items).toEqual([]);
  });

  it(`imports ${MAX_MESSAGES} messages while /api/health answers every time in under ${HEALTH_BOUND_MS} ms`, async () => {
    // A first small import, as a server that has been serving has already run one.
    expect((await postImport(exportFile(2, 10))).status).toBe(201);

    const body = exportFile(100, MAX_MESSAGES / 100);
    const importing = postImport(body).then(async (r) => ({ status: r.status, body: (await r.json()) as { imported?: unknown } }));
    const answers = await pollHealth(app.url, importing);
    const result = await importing;
    expect(result).toMatchObject({ status: 201, body: { imported: { conversations: 100, messages: MAX_MESSAGES } } });
    expect(answers.every((a) => a.status === 200)).toBe(true);
    // Asked all along the import, not only before or after it.
    expect(answers.length).toBeGreaterThanOrEqual(20);
    const slowest = Math.max(...answers.map((a) => a.ms));
    expect(slowest, `health answers (ms): ${answers.map((a) => Math.round(a.ms)).join(", ")}`).toBeLessThan(HEALTH_BOUND_MS);
  }, 90_000);

  it("wrote the imports allowed and nothing of the refused one", async () => {
    await app.stop();
    const database = await openDatabase({ kind: "pglite", dataDir: app.dataDir });
    try {
      const [row] = await database.sql.query<{ conversations: number; hidden: number; messages: number }>(
        `SELECT (SELECT count(*)::int FROM "Conversation" c JOIN "User" u ON u."id" = c."userId" WHERE u."email" = $1) AS conversations,
                (SELECT count(*)::int FROM "Conversation" c JOIN "User" u ON u."id" = c."userId" WHERE u."email" = $1 AND c."deletedAt" IS NOT NULL) AS hidden,
                (SELECT count(*)::int FROM "Message" m JOIN "Conversation" c ON c."id" = m."conversationId" JOIN "User" u ON u."id" = c."userId" WHERE u."email" = $1) AS messages`,
        [user.email],
      );
      expect(row).toEqual({ conversations: 102, hidden: 0, messages: MAX_MESSAGES + 20 });
    } finally {
      await database.close();
    }
  }, 60_000);
});
