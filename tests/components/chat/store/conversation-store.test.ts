import { afterEach, describe, expect, it, vi } from "vitest";
import type { ChatUIMessage, ConversationView } from "@/lib/chat/types";
import { createConversationStore, selectTotalCostNano } from "@/components/chat/store/conversation-store";

const question: ChatUIMessage = { id: "q1", role: "user", parts: [{ type: "text", text: "Hello" }] };
const answer = (id: string, model: string): ChatUIMessage => ({ id, role: "assistant", parts: [{ type: "text", text: id }], metadata: { model } });

function conversation(overrides: Partial<ConversationView> = {}) {
  const initial: ConversationView = {
    id: "c1",
    title: "Hello",
    model: "m/a",
    settings: {},
    pinned: false,
    messages: [question, answer("a1", "m/a")],
    totalCostNano: "5",
    streaming: false,
    alternatives: { q1: [answer("a1", "m/a"), answer("a2", "m/b"), answer("a3", "m/c")] },
    ...overrides,
  };
  return createConversationStore({ initial, isNew: false, defaultModel: "m/a", prerendered: {} });
}

/** A fetch whose answers the test releases one by one, recording what was asked. */
function heldFetch() {
  const calls: { url: string; body: unknown; release: (response: Response) => void }[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(
      (url: string, init?: RequestInit) =>
        new Promise<Response>((resolve) => {
          calls.push({ url, body: init?.body ? JSON.parse(String(init.body)) : null, release: resolve });
        }),
    ),
  );
  return calls;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("conversation store", () => {
  it("saves answer switches one after another, in click order", async () => {
    const calls = heldFetch();
    const store = conversation();
    store.actions.showAlternative("q1", "a2");
    store.actions.showAlternative("q1", "a3");
    await settle();
    expect(calls.map((c) => c.body)).toEqual([{ messageId: "a2", keep: false }]);
    expect(store.get().messages[1].id).toBe("a3");
    calls[0].release(new Response("{}"));
    await settle();
    expect(calls.map((c) => c.body)).toEqual([
      { messageId: "a2", keep: false },
      { messageId: "a3", keep: false },
    ]);
  });

  it("Keep continues with the kept answer's model", () => {
    heldFetch();
    const store = conversation();
    store.actions.showAlternativeOrKeep("q1", "a2", true);
    expect(store.get().model).toBe("m/b");
    expect(store.get().alternatives.q1.find((m) => m.id === "a2")?.metadata?.compare).toBeUndefined();
  });

  it("takes a title from one channel: first words never replace a generated or given title", () => {
    const store = conversation();
    store.actions.receiveTitle("Hello there", "first-words");
    expect(store.get().title).toBe("Hello there");
    store.actions.receiveTitle("Greetings", "renamed");
    store.actions.receiveTitle("Hello there again", "saved");
    store.actions.receiveTitle("Hello there", "first-words");
    expect(store.get().title).toBe("Greetings");
  });

  it("counts the saved cost of the conversation", () => {
    const store = conversation();
    expect(selectTotalCostNano(store.get())).toBe(5n);
  });
});
