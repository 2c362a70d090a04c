// A server killed mid-answer leaves its answer marked "streaming": when the next server opens the
// database (lib/chat/recovery.ts), such answers are finished as interrupted — partial, with an
// error saying why — and their generations become due for settlement at once. Answers already
// saved, and answers started after the sweep began, are left alone. PGlite and PostgreSQL.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { INTERRUPTED_ANSWER } from "@/lib/chat/finish";
import { recoverInterruptedAnswers } from "@/lib/chat/recovery";
import { makeConversation, makeUser } from "@/tests/helpers/history-data";

async function answerRow(startedAgoMs: number, metadataStatus: "streaming" | "complete") {
  const db = await getDb();
  const user = await makeUser("interrupted");
  const conversation = await makeConversation(user.id, { messages: [{ role: "user", text: "question" }] });
  const id = `m${randomBytes(10).toString("hex")}`;
  await db.message.create({
    data: {
      id,
      conversationId: conversation.id,
      position: 1,
      role: "assistant",
      parts: [],
      status: metadataStatus,
      metadata: { model: "openai/gpt-4o-mini", status: metadataStatus },
      createdAt: new Date(Date.now() - startedAgoMs),
    },
  });
  const generationId = `gen-${randomBytes(8).toString("hex")}`;
  await db.usage.create({
    data: {
      userId: user.id,
      conversationId: conversation.id,
      messageId: id,
      generationId,
      kind: "chat",
      modelRequested: "openai/gpt-4o-mini",
      nextSettleAt: new Date(Date.now() + 60_000),
    },
  });
  return { id, generationId };
}

describe("answers interrupted by a server that died", () => {
  it("are marked partial with an error, and their cost is due for settlement now", async () => {
    const db = await getDb();
    const orphan = await answerRow(5_000, "streaming");
    const saved = await answerRow(5_000, "complete");
    const sweepStarted = new Date();
    const later = await answerRow(-1_000, "streaming");

    expect(await recoverInterruptedAnswers(db, sweepStarted)).toBeGreaterThanOrEqual(1);
    const rows = await db.message.findMany({ where: { id: { in: [orphan.id, saved.id, later.id] } } });
    const byId = new Map(rows.map((r) => [r.id, r]));

    const fixed = byId.get(orphan.id)!;
    expect(fixed.status).toBe("partial");
    expect(fixed.metadata).toMatchObject({ status: "partial", costPending: true, error: INTERRUPTED_ANSWER, model: "openai/gpt-4o-mini" });
    expect(byId.get(saved.id)!.metadata).toEqual({ model: "openai/gpt-4o-mini", status: "complete" });
    expect(byId.get(later.id)!.metadata, "an answer started after the sweep began is someone's live answer").toMatchObject({ status: "streaming" });

    const usage = await db.usage.findUnique({ where: { generationId: orphan.generationId } });
    expect(usage!.nextSettleAt!.getTime()).toBeLessThanOrEqual(Date.now());
    const untouched = await db.usage.findUnique({ where: { generationId: saved.generationId } });
    expect(untouched!.nextSettleAt!.getTime()).toBeGreaterThan(Date.now() + 30_000);

    // A second sweep finds nothing more to do.
    expect(await recoverInterruptedAnswers(db, sweepStarted)).toBe(0);
  });
});
