import { generateId } from "ai";
import { describe, expect, it } from "vitest";
import { findOwnedConversation } from "@/lib/db/conversations";
import { listMessages } from "@/lib/db/messages";
import { appendTurn, insertConversationTurn, type TurnMessage } from "@/lib/db/turns";
import { getDb } from "@/lib/db";
import { makeUser } from "@/tests/helpers/users";

const user = (id = generateId(), text = "hello"): TurnMessage => ({
  id,
  offset: 0,
  variant: 0,
  shown: true,
  role: "user",
  parts: [{ type: "text", text }],
  model: null,
  status: "complete",
  metadata: { createdAt: new Date().toISOString() },
});
const placeholder = (): TurnMessage => ({
  id: generateId(),
  offset: 1,
  variant: 0,
  shown: true,
  role: "assistant",
  parts: [],
  model: "openai/gpt-4o-mini",
  status: "partial",
  metadata: { model: "openai/gpt-4o-mini", status: "streaming" },
});
const conversation = (id = generateId()) => ({
  id,
  model: "openai/gpt-4o-mini",
  title: "hello",
  settings: { systemPrompt: "Be brief.", temperature: 0.5 },
});

describe("the writes of a turn", () => {
  it("create the conversation with its messages, the settings and the searchable text", async () => {
    const owner = await makeUser();
    const first = user(undefined, "find this word");
    const { conversation: row, lastPosition } = await insertConversationTurn(owner.id, conversation(), [first, placeholder()]);
    expect(lastPosition).toBe(1);
    expect(row).toMatchObject({ userId: owner.id, title: "hello", systemPrompt: "Be brief.", settings: { temperature: 0.5 }, pinned: false });
    const messages = await listMessages(owner.id, row.id);
    expect(messages.map((m) => [m.position, m.role, m.status])).toEqual([
      [0, "user", "complete"],
      [1, "assistant", "partial"],
    ]);
    const [text] = await (await getDb()).$queryRaw<{ text: string }[]>`SELECT "text" FROM "Message" WHERE "id" = ${first.id}`;
    expect(text?.text).toBe("find this word");
  });

  it("write nothing when the conversation id is taken or a message was already sent", async () => {
    const owner = await makeUser();
    const other = await makeUser();
    const sent = user();
    const { conversation: row } = await insertConversationTurn(owner.id, conversation(), [sent, placeholder()]);

    // Someone else's id: not found, and their conversation is untouched.
    await expect(insertConversationTurn(other.id, conversation(row.id), [user(), placeholder()])).rejects.toMatchObject({
      code: "not_found:conversation",
    });
    await expect(appendTurn(other.id, row.id, { model: "x/y", replaceFrom: null }, [user(), placeholder()])).rejects.toMatchObject({
      code: "not_found:conversation",
    });
    // The same message again, in a new conversation or in this one: a conflict, and no half-written turn.
    const fresh = generateId();
    await expect(insertConversationTurn(owner.id, conversation(fresh), [sent, placeholder()])).rejects.toMatchObject({ code: "conflict:message" });
    expect(await findOwnedConversation(owner.id, fresh)).toBeNull();
    await expect(appendTurn(owner.id, row.id, { model: "x/y", replaceFrom: null }, [sent, placeholder()])).rejects.toMatchObject({
      code: "conflict:message",
    });
    expect(await listMessages(owner.id, row.id)).toHaveLength(2);
    expect((await findOwnedConversation(owner.id, row.id))?.model).toBe("openai/gpt-4o-mini");
  });

  it("append after the last message, or replace from a position, and record the model and settings", async () => {
    const owner = await makeUser();
    const { conversation: row } = await insertConversationTurn(owner.id, conversation(), [user(), placeholder()]);
    expect((await appendTurn(owner.id, row.id, { model: "a/b", replaceFrom: null }, [user(), placeholder()])).lastPosition).toBe(3);
    expect(await findOwnedConversation(owner.id, row.id)).toMatchObject({ model: "a/b", systemPrompt: "Be brief." });

    const edited = user(undefined, "edited");
    const replaced = await appendTurn(owner.id, row.id, { model: "c/d", settings: { systemPrompt: null, temperature: 1 }, replaceFrom: 2 }, [
      edited,
      placeholder(),
    ]);
    expect(replaced.lastPosition).toBe(3);
    const messages = await listMessages(owner.id, row.id);
    expect(messages.map((m) => m.position)).toEqual([0, 1, 2, 3]);
    expect(messages[2]!.id).toBe(edited.id);
    expect(await findOwnedConversation(owner.id, row.id)).toMatchObject({ model: "c/d", systemPrompt: null, settings: { temperature: 1 } });
  });
});
