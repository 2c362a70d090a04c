import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { deleteConversation, getConversationView, patchConversation, undeleteConversation } from "./conversation";
import { groupItems } from "./groups";
import { listConversations } from "./list";
import { purgeDeletedConversations } from "./purge";
import { makeConversation, makeUser } from "@/tests/helpers/history-data";
import type { ConversationListItem } from "./types";

const DAY = 86_400_000;

async function allPages(userId: string, limit: number): Promise<ConversationListItem[]> {
  const items: ConversationListItem[] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 1000; guard++) {
    const page = await listConversations(userId, { cursor, limit });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    items.push(...page.items);
    if (!page.nextCursor) return items;
    cursor = page.nextCursor;
  }
  throw new Error("too many pages");
}

function expectNotFound(error: unknown) {
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe("not_found:conversation");
  expect((error as AppError).status).toBe(404);
}

// Opening the database (a fresh copy per file) belongs to the hook's longer timeout, not a test's.
beforeAll(async () => {
  await getDb();
});

describe("the sidebar list", () => {
  it("orders pinned first, then by last activity, and groups by day and month", async () => {
    const user = await makeUser();
    const now = new Date();
    const at = (daysAgo: number) => new Date(now.getTime() - daysAgo * DAY);
    const old = await makeConversation(user.id, { title: "old", lastMessageAt: at(400) });
    const today = await makeConversation(user.id, { title: "today", lastMessageAt: at(0) });
    const pinnedOld = await makeConversation(user.id, { title: "pinned old", pinned: true, lastMessageAt: at(90) });
    const twoDays = await makeConversation(user.id, { title: "two days", lastMessageAt: at(2.5) });
    const twenty = await makeConversation(user.id, { title: "twenty days", lastMessageAt: at(20) });
    const yesterday = await makeConversation(user.id, {
      title: "yesterday",
      lastMessageAt: new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1, 12),
    });
    await makeConversation(user.id, { title: "deleted", lastMessageAt: at(0), deletedAt: new Date() });

    const { items, nextCursor } = await listConversations(user.id, { limit: 50 });
    expect(nextCursor).toBeNull();
    expect(items.map((i) => i.id)).toEqual([pinnedOld.id, today.id, yesterday.id, twoDays.id, twenty.id, old.id]);

    const groups = groupItems(items, now);
    expect(groups.map((g) => g.group.label).slice(0, 5)).toEqual(["Pinned", "Today", "Yesterday", "Previous 7 days", "Previous 30 days"]);
    expect(groups[5].group.label).toMatch(/^[A-Z][a-z]+ \d{4}$/);
    expect(groups.flatMap((g) => g.items.map((i) => i.id))).toEqual(items.map((i) => i.id));
  });

  it("pages with a keyset cursor: no duplicates and no gaps, even with equal timestamps and inserts between pages", async () => {
    const user = await makeUser();
    const db = await getDb();
    const base = Date.now() - 10 * DAY;
    // 230 conversations; many share a timestamp (ties are broken by id), some pinned.
    await db.conversation.createMany({
      data: Array.from({ length: 230 }, (_, i) => ({
        id: `k${String(i).padStart(4, "0")}x${(i * 7919) % 1000}`,
        userId: user.id,
        model: "m/x",
        title: `c${i}`,
        pinned: i % 37 === 0,
        lastMessageAt: new Date(base + Math.floor(i / 4) * 60_000),
      })),
    });
    const expected = await db.conversation.findMany({
      where: { userId: user.id, deletedAt: null },
      orderBy: [{ pinned: "desc" }, { lastMessageAt: "desc" }, { id: "desc" }],
      select: { id: true },
    });

    const seen = await allPages(user.id, 17);
    expect(seen.map((i) => i.id)).toEqual(expected.map((e) => e.id));
    expect(new Set(seen.map((i) => i.id)).size).toBe(230);

    // A new conversation arriving between page 1 and page 2 appears at the top, never twice
    // and without pushing a row of page 1 into page 2.
    const first = await listConversations(user.id, { limit: 20 });
    await makeConversation(user.id, { title: "brand new" });
    const rest: ConversationListItem[] = [];
    let cursor = first.nextCursor;
    while (cursor) {
      const page = await listConversations(user.id, { cursor, limit: 50 });
      rest.push(...page.items);
      cursor = page.nextCursor;
    }
    const ids = [...first.items, ...rest].map((i) => i.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expected.map((e) => e.id));
  });

  it("refuses a forged cursor with a 400", async () => {
    const user = await makeUser();
    const error = await listConversations(user.id, { cursor: "not-a-cursor" }).catch((e: unknown) => e);
    expect((error as AppError).code).toBe("bad_request:cursor");
  });
});

describe("rename, pin, delete and restore", () => {
  it("changes only the caller's live conversation", async () => {
    const owner = await makeUser("owner");
    const other = await makeUser("other");
    const c = await makeConversation(owner.id, { title: "Before" });

    const renamed = await patchConversation(owner.id, c.id, { title: "After" });
    expect(renamed.title).toBe("After");
    const pinned = await patchConversation(owner.id, c.id, { pinned: true });
    expect(pinned.pinned).toBe(true);
    expect((await listConversations(owner.id, {})).items[0]).toMatchObject({ id: c.id, title: "After", pinned: true });
    expect((await patchConversation(owner.id, c.id, { pinned: false })).pinned).toBe(false);

    // Someone else: 404 for everything, and nothing changes.
    expectNotFound(await patchConversation(other.id, c.id, { title: "Hacked" }).catch((e: unknown) => e));
    expectNotFound(await deleteConversation(other.id, c.id).catch((e: unknown) => e));
    expectNotFound(await getConversationView(other.id, c.id).catch((e: unknown) => e));
    expect((await getConversationView(owner.id, c.id)).title).toBe("After");

    await deleteConversation(owner.id, c.id);
    expect((await listConversations(owner.id, {})).items).toHaveLength(0);
    expectNotFound(await getConversationView(owner.id, c.id).catch((e: unknown) => e));
    expectNotFound(await patchConversation(owner.id, c.id, { title: "x" }).catch((e: unknown) => e));
    expectNotFound(await deleteConversation(owner.id, c.id).catch((e: unknown) => e));
    expectNotFound(await undeleteConversation(other.id, c.id).catch((e: unknown) => e));

    const restored = await undeleteConversation(owner.id, c.id);
    expect(restored).toMatchObject({ id: c.id, title: "After" });
    expect((await listConversations(owner.id, {})).items.map((i) => i.id)).toEqual([c.id]);
    // Restoring a live conversation is harmless.
    expect((await undeleteConversation(owner.id, c.id)).id).toBe(c.id);
  });

  it("the view carries messages and the answers' cost", async () => {
    const user = await makeUser();
    const c = await makeConversation(user.id, {
      title: "Costs",
      messages: [
        { role: "user", text: "hi" },
        { role: "assistant", text: "hello", usage: [{ costNano: 1_234n }, { costNano: 10n }, { costNano: null }] },
      ],
    });
    const view = await getConversationView(user.id, c.id);
    expect(view.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
    expect(view.messages[1].id).toBe(c.messageIds[1]);
    expect(view.totalCostNano).toBe("1244");
  });

  it("purges only what was deleted more than 30 days ago", async () => {
    const user = await makeUser();
    const old = await makeConversation(user.id, {
      deletedAt: new Date(Date.now() - 31 * DAY),
      messages: [{ role: "user", text: "bye" }],
    });
    const recent = await makeConversation(user.id, { deletedAt: new Date(Date.now() - 29 * DAY) });
    const live = await makeConversation(user.id);
    expect(await purgeDeletedConversations()).toBe(1);
    const db = await getDb();
    const left = await db.conversation.findMany({ where: { userId: user.id }, select: { id: true } });
    expect(left.map((r) => r.id).sort()).toEqual([recent.id, live.id].sort());
    expect(await db.message.count({ where: { conversationId: old.id } })).toBe(0);
  });
});
