import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { cleanTitle, fallbackTitle, generateTitleInBackground } from "@/lib/chat/title";
import { getDb } from "@/lib/db";
import { startLocalOpenRouter, type LocalOpenRouter } from "@/local-openrouter";
import { patchConversation } from "./conversation";
import { makeConversation, makeUser } from "@/tests/helpers/history-data";

// Titles come from the local OpenRouter over HTTP, exactly as from openrouter.ai.

let upstream: LocalOpenRouter;

beforeAll(async () => {
  upstream = await startLocalOpenRouter({ apiKey: "sk-or-v1-title-test", tokensPerSecond: 0 });
  // Before anything reads the environment (it is read once, on first use).
  process.env.OPENROUTER_API_KEY = "sk-or-v1-title-test";
  process.env.OPENROUTER_BASE_URL = upstream.baseURL;
  process.env.SWITCHBOARD_TITLE_MODEL = "openai/gpt-4o-mini";
  await getDb();
});

afterAll(async () => {
  await upstream?.close();
});

describe("titles", () => {
  it("asks the title model, saves and reports the title, and records the generation as a title Usage row", async () => {
    const user = await makeUser();
    const c = await makeConversation(user.id);
    const seen: string[] = [];
    const title = await generateTitleInBackground({
      userId: user.id,
      conversationId: c.id,
      firstUserText: 'How do cats see in the dark? [[sb:say text="\\"Feline Night Vision.\\""]]',
      onTitle: (t) => seen.push(t),
    });
    expect(title).toBe("Feline Night Vision");
    expect(seen).toEqual(["Feline Night Vision"]);
    const db = await getDb();
    expect((await db.conversation.findUniqueOrThrow({ where: { id: c.id } })).title).toBe("Feline Night Vision");
    const usage = await db.usage.findMany({ where: { userId: user.id } });
    expect(usage).toHaveLength(1);
    expect(usage[0]).toMatchObject({ kind: "title", conversationId: c.id, messageId: null, modelRequested: "openai/gpt-4o-mini" });
    expect(usage[0].generationId).toMatch(/^gen-/);
    expect(upstream.generations.has(usage[0].generationId!)).toBe(true);
    expect(usage[0].costNano).toBe(upstream.generations.get(usage[0].generationId!)!.costNano);
    expect(usage[0].costNano! > 0n).toBe(true);
    expect(usage[0].settledAt).not.toBeNull();
  });

  it("falls back to the first words of the message when the model fails, leaving the generations to settlement", async () => {
    const user = await makeUser();
    const c = await makeConversation(user.id);
    const title = await generateTitleInBackground({
      userId: user.id,
      conversationId: c.id,
      firstUserText: "Tell me about the history of ancient Rome please [[sb:error status=502]]",
    });
    expect(title).toBe("Tell me about the history of");
    const db = await getDb();
    const rows = await db.usage.findMany({ where: { userId: user.id } });
    expect(rows.length).toBeGreaterThanOrEqual(1);
    expect(rows.every((r) => r.kind === "title" && r.settledAt === null && r.nextSettleAt !== null)).toBe(true);
    // Due within seconds, not after the margin kept for a process that dies mid-request.
    expect(rows.every((r) => r.nextSettleAt!.getTime() <= Date.now() + 5_000)).toBe(true);
    // And settlement then finds each one's true cost, retrying while /generation does not know it yet (404).
    const { settleDueGenerations } = await import("@/lib/spend/settlement");
    await vi.waitFor(
      async () => {
        await settleDueGenerations({ now: new Date(Date.now() + 5_000) });
        expect((await db.usage.findMany({ where: { userId: user.id, settledAt: null } })).length).toBe(0);
      },
      { timeout: 5_000, interval: 100 },
    );
    const settled = await db.usage.findMany({ where: { userId: user.id } });
    for (const row of settled) {
      expect(row.settledAt).not.toBeNull();
      expect(row.costNano).toBe(upstream.generations.get(row.generationId!)!.costNano);
    }
  }, 30_000);

  it("never overwrites a rename made while the title was being generated", async () => {
    const user = await makeUser();
    const c = await makeConversation(user.id);
    const pending = generateTitleInBackground({
      userId: user.id,
      conversationId: c.id,
      firstUserText: '[[sb:say text="Generated" first=1500]]',
    });
    await new Promise((r) => setTimeout(r, 300));
    await patchConversation(user.id, c.id, { title: "Mine" });
    expect(await pending).toBeNull();
    const db = await getDb();
    expect((await db.conversation.findUniqueOrThrow({ where: { id: c.id } })).title).toBe("Mine");
  });

  it("cleans what models say", () => {
    expect(cleanTitle('Title: "Rust lifetimes explained."\nMore text')).toBe("Rust lifetimes explained");
    expect(cleanTitle("**Bold title**")).toBe("Bold title");
    expect(cleanTitle("<think>hmm</think>\n\n  Paris trip  ")).toBe("Paris trip");
    expect(cleanTitle("   ")).toBeNull();
    expect(cleanTitle("x".repeat(200))!.length).toBeLessThanOrEqual(80);
    expect(fallbackTitle("  # Hello   there, how are you doing today my friend")).toBe("Hello there, how are you doing");
    expect(fallbackTitle("")).toBe("New chat");
  });
});
