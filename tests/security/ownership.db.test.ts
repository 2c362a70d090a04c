// Every query that reads or changes a user's data is scoped by the caller's id at the database:
// given another user's id, each one answers "not found" (never "forbidden", which would confirm the
// id exists) and returns not one byte of the owner's data. Runs on PGlite and, with
// TEST_DATABASE_URL, on PostgreSQL.
import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { findLiveSessionUser, createAuthSession, revokeAllSessionsOfUser, revokeAuthSession } from "@/lib/db/users";
import { findOwnedConversation } from "@/lib/db/conversations";
import { sumConversationCost } from "@/lib/db/conversation-usage";
import { deleteMessagesFrom, listMessages } from "@/lib/db/messages";
import { getDb } from "@/lib/db";
import { requireOwnedConversation } from "@/lib/chat/ownership";
import { attachStream, stopStream } from "@/lib/chat/streams";
import { AppError } from "@/lib/errors";
import { deleteConversation, getConversationView, patchConversation, undeleteConversation } from "@/lib/history/conversation";
import { accountExportChunks, exportConversation } from "@/lib/history/export";
import { listConversations } from "@/lib/history/list";
import { searchConversations } from "@/lib/history/search";
import { makeConversation, makeUser } from "@/tests/helpers/history-data";
import { usageCsvStream } from "@/lib/spend/csv";
import { spendGrouped } from "@/lib/spend/service";

const marker = `LEAK${randomBytes(6).toString("hex").toUpperCase()}`;

let owner: { id: string };
let other: { id: string };
let live: string;
let deleted: string;

async function text(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

async function collect(chunks: AsyncGenerator<string>): Promise<string> {
  let out = "";
  for await (const chunk of chunks) out += chunk;
  return out;
}

async function notFound(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    if (error instanceof AppError) return `${error.status}`;
    throw error;
  }
  return "succeeded";
}

const range = () => ({ from: new Date(Date.now() - 86_400_000), to: new Date(Date.now() + 86_400_000) });

beforeAll(async () => {
  owner = await makeUser("owner");
  other = await makeUser("other");
  const seeded = await makeConversation(owner.id, {
    title: `Title ${marker}`,
    messages: [
      { role: "user", text: `private words ${marker}` },
      { role: "assistant", text: `an answer about ${marker}`, usage: [{ costNano: 1234n }] },
    ],
  });
  live = seeded.id;
  deleted = (await makeConversation(owner.id, { title: `Deleted ${marker}`, deletedAt: new Date(), messages: [{ role: "user", text: marker }] })).id;
  await makeConversation(other.id, { title: "Other's own chat", messages: [{ role: "user", text: "hello" }] });
});

describe("another user's id is not found, everywhere", () => {
  it("reads", async () => {
    expect(await findOwnedConversation(other.id, live)).toBeNull();
    expect(await listMessages(other.id, live)).toEqual([]);
    expect(await sumConversationCost(other.id, live)).toBe(0n);
    expect(await notFound(() => getConversationView(other.id, live))).toBe("404");
    expect(await notFound(() => exportConversation(other.id, live))).toBe("404");
    expect(await notFound(() => requireOwnedConversation(other.id, live))).toBe("404");
  });

  it("changes, which then leave the owner's data exactly as it was", async () => {
    const before = await getConversationView(owner.id, live);
    expect(await notFound(() => patchConversation(other.id, live, { title: "hijacked", pinned: true }))).toBe("404");
    expect(await notFound(() => deleteConversation(other.id, live))).toBe("404");
    expect(await notFound(() => undeleteConversation(other.id, deleted))).toBe("404");
    expect(await deleteMessagesFrom(other.id, live, 0)).toBe(0);
    expect(await getConversationView(owner.id, live)).toEqual(before);
    expect(await findOwnedConversation(owner.id, deleted)).toBeNull();
  });

  it("lists, searches, exports and spend show the caller's own data only", async () => {
    const lists = [
      JSON.stringify(await listConversations(other.id, { limit: 100 })),
      // (A search answer echoes its query: the results are what must stay empty.)
      JSON.stringify((await searchConversations(other.id, marker)).results),
      JSON.stringify((await searchConversations(other.id, "private words")).results),
      await collect(accountExportChunks(other.id, { name: "Other", email: "other@example.com" })),
      await text(usageCsvStream(other.id, range())),
      JSON.stringify(await spendGrouped({ userId: other.id }, range(), "conversation"), (_k, v) => (typeof v === "bigint" ? v.toString() : v)),
    ];
    for (const seen of lists) {
      expect(seen).not.toContain(marker);
      expect(seen).not.toContain(live);
    }
    // The same reads for the owner do show it (so the checks above could have seen a leak).
    expect(JSON.stringify((await searchConversations(owner.id, marker)).results)).toContain(marker);
    expect(await collect(accountExportChunks(owner.id, { name: "Owner", email: "owner@example.com" }))).toContain(marker);
    expect(await text(usageCsvStream(owner.id, range()))).toContain(marker);
  });

  it("live answers: another user can neither read nor stop the owner's stream", async () => {
    const { runStream } = await import("@/lib/chat/streams");
    const abort = new AbortController();
    let finish: () => void = () => undefined;
    const source = new ReadableStream({
      start(controller) {
        controller.enqueue({ type: "text-delta", id: "t", delta: marker });
        finish = () => controller.close();
      },
    });
    runStream(live, live, owner.id, abort, source);
    expect(attachStream(live, other.id)).toBeNull();
    expect(stopStream(live, other.id)).toBe(false);
    expect(abort.signal.aborted).toBe(false);
    expect(attachStream(live, owner.id)).not.toBeNull();
    finish();
  });
});

describe("sessions", () => {
  it("a session is live only for its own user, unrevoked, unexpired and enabled", async () => {
    const user = await makeUser("session");
    const sid = await createAuthSession(user.id, 3600);
    expect((await findLiveSessionUser(sid, user.id))?.id).toBe(user.id);
    expect(await findLiveSessionUser(sid, other.id), "someone else's session id").toBeNull();

    const expired = await createAuthSession(user.id, -1);
    expect(await findLiveSessionUser(expired, user.id)).toBeNull();

    const revoked = await createAuthSession(user.id, 3600);
    await revokeAuthSession(revoked);
    expect(await findLiveSessionUser(revoked, user.id)).toBeNull();
    expect((await findLiveSessionUser(sid, user.id))?.id, "revoking one leaves the others").toBe(user.id);

    const db = await getDb();
    await db.user.update({ where: { id: user.id }, data: { disabled: true } });
    expect(await findLiveSessionUser(sid, user.id), "a disabled account has no live session").toBeNull();
    await db.user.update({ where: { id: user.id }, data: { disabled: false } });
    expect((await findLiveSessionUser(sid, user.id))?.id).toBe(user.id);
  });

  it("revoking all of a user's sessions touches no one else's", async () => {
    const a = await makeUser("all-a");
    const b = await makeUser("all-b");
    const a1 = await createAuthSession(a.id, 3600);
    const a2 = await createAuthSession(a.id, 3600);
    const b1 = await createAuthSession(b.id, 3600);
    await revokeAllSessionsOfUser(a.id);
    expect(await findLiveSessionUser(a1, a.id)).toBeNull();
    expect(await findLiveSessionUser(a2, a.id)).toBeNull();
    expect((await findLiveSessionUser(b1, b.id))?.id).toBe(b.id);
  });
});
