"use client";

// The conversation's streaming engine as the store sees it: loaded on first need
// (../engine/load-engine.ts) and created from the store's messages. Until then the messages are
// the store's own; from then on they are the engine's, and useChat reports them back to the store
// (../engine/engine-state.ts), so setMessages goes to whichever holds them.
import type { ChatOnDataCallback, ChatOnFinishCallback } from "ai";
import type { ChatUIMessage } from "@/lib/chat/types";
import type { ChatEngine, LoadedEngine } from "../engine/chat-engine";
import { loadChatEngine } from "../engine/load-engine";
import type { Store } from "./create-store";

type EngineLinkState = {
  id: string;
  messages: ChatUIMessage[];
  engine: LoadedEngine | null;
  waiting: number;
  loadError: Error | undefined;
};

type Callbacks = { onData: ChatOnDataCallback<ChatUIMessage>; onFinish: ChatOnFinishCallback<ChatUIMessage> };

const asError = (reason: unknown) => (reason instanceof Error ? reason : new Error(String(reason)));

export function createEngineLink(store: Store<EngineLinkState>, { onData, onFinish }: Callbacks) {
  let engine: LoadedEngine | null = null;
  let creating: Promise<LoadedEngine> | null = null;

  /** The engine, loading its code and creating it first when needed. */
  function ensure(): Promise<LoadedEngine> {
    if (engine) return Promise.resolve(engine);
    creating ??= loadChatEngine().then(
      ({ createChatEngine, EngineState }) => {
        const chat = createChatEngine({ id: store.get().id, messages: store.get().messages, onData, onFinish });
        engine = { chat, EngineState };
        store.set({ engine });
        return engine;
      },
      (error: unknown) => {
        creating = null;
        throw error;
      },
    );
    return creating;
  }

  /** Runs an action on the engine; while its code loads the chat reads as "submitted" (waiting). */
  async function run(action: (chat: ChatEngine) => Promise<void>): Promise<void> {
    if (engine) return action(engine.chat);
    store.set((state) => ({ waiting: state.waiting + 1, loadError: undefined }));
    try {
      await action((await ensure()).chat);
    } catch (error) {
      if (!engine) store.set({ loadError: asError(error) });
      throw error;
    } finally {
      store.set((state) => ({ waiting: state.waiting - 1 }));
    }
  }

  return {
    ensure,
    run,
    current: (): ChatEngine | null => engine?.chat ?? null,
    /** The messages as they are right now (the engine's are ahead of the store's while it streams). */
    messages: (): ChatUIMessage[] => (engine ? engine.chat.messages : store.get().messages),
    setMessages(next: ChatUIMessage[]): void {
      if (engine) engine.chat.messages = next;
      else store.set({ messages: next });
    },
  };
}
