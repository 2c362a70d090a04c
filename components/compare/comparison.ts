"use client";

// The comparison flow: one message to several models. Starting it (send-comparison.ts) puts the
// turn on screen; the columns then attach to their own streams (use-column-stream.ts) and report
// back here as they stream and finish. A comparison the server refuses is shown like a failed
// answer, with a Retry that sends it again.
import type { FileUIPart } from "ai";
import type { ChatUIMessage } from "@/lib/chat/types";
import type { RequestBody } from "@/components/chat/engine/chat-engine";
import { announceConversationsChanged } from "@/components/chat/events";
import type { Store } from "@/components/chat/store/create-store";
import type { Alternatives } from "@/components/chat/store/alternatives";
import { withAlternative } from "@/components/chat/store/alternatives";
import type { TitleActions } from "@/components/chat/store/title";

export type ComparisonState = {
  /** Columns of a comparison streaming right now (the chat is busy while any is). */
  streamingColumns: ReadonlySet<string>;
  /** A comparison the server refused (budget, rate limit…). */
  compareError: Error | null;
};

export type ComparisonStoreState = ComparisonState & {
  id: string;
  messages: ChatUIMessage[];
  alternatives: Alternatives;
  streamedCosts: ReadonlyMap<string, string>;
};

/** What a compared turn's columns call (stable for the conversation's life). */
export type CompareActions = {
  /** A column's answer ended (or was saved): it replaces that column's copy in the list. */
  onColumnFinish: (questionId: string, message: ChatUIMessage) => void;
  /** Continue the conversation with this answer (and its model). */
  onKeep: (questionId: string, messageId: string) => void;
  /** The request body of a retry with this model (the conversation's current settings). */
  retryBody: (model: string) => RequestBody;
  /** Whether any column is streaming, reported by each column. */
  onStreaming: (messageId: string, streaming: boolean) => void;
};

export type ComparisonDependencies = {
  setMessages: (next: ChatUIMessage[]) => void;
  markCreated: () => void;
  receiveTitle: TitleActions["receiveTitle"];
  comparisonCreated: TitleActions["comparisonCreated"];
  showAlternative: (questionId: string, messageId: string, keep: boolean) => void;
  requestBody: (model?: string) => RequestBody;
};

type Sent = { before: ChatUIMessage[]; text: string; files: FileUIPart[]; models: string[]; webSearch: boolean };

const loadComparisonFlow = () => import("./send-comparison");

/** Fetches the code that starts a comparison (when compare mode is about to be switched on). */
export function preloadComparison(): void {
  void loadComparisonFlow();
}

export function createComparison(store: Store<ComparisonStoreState>, deps: ComparisonDependencies) {
  /** The comparison the server refused, to send again on Retry. */
  let failed: Sent | null = null;

  async function send(text: string, files: FileUIPart[], models: string[], webSearch: boolean): Promise<void> {
    store.set({ compareError: null });
    const before = store.get().messages;
    try {
      const { sendComparison } = await loadComparisonFlow();
      await sendComparison(store, deps, { before, text, files, models, webSearch });
    } catch (reason) {
      // Refused before anything was written: the question stays on screen with the reason and a Retry.
      failed = { before, text, files, models, webSearch };
      store.set({ compareError: reason instanceof Error ? reason : new Error(String(reason)) });
    }
  }

  function retry(): void {
    const again = failed;
    if (!again) return;
    failed = null;
    deps.setMessages(again.before);
    void send(again.text, again.files, again.models, again.webSearch);
  }

  const columnActions: CompareActions = {
    onColumnFinish: (questionId, message) => {
      const cost = message.metadata?.costNano;
      store.set((state) => ({
        alternatives: withAlternative(state.alternatives, questionId, message),
        ...(cost ? { streamedCosts: new Map(state.streamedCosts).set(message.id, cost) } : {}),
      }));
      announceConversationsChanged({ id: store.get().id });
    },
    onKeep: (questionId, messageId) => deps.showAlternative(questionId, messageId, true),
    retryBody: (model) => deps.requestBody(model),
    onStreaming: (messageId, streaming) =>
      store.set((state) => {
        if (state.streamingColumns.has(messageId) === streaming) return {};
        const next = new Set(state.streamingColumns);
        if (streaming) next.add(messageId);
        else next.delete(messageId);
        return { streamingColumns: next };
      }),
  };

  return { send, retry, columnActions };
}
