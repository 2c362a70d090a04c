"use client";

// One conversation in the browser: the store of its state (conversation-state.ts, with the
// selectors) and the named actions that change it. Components call these actions and never
// fetch: the requests are in ../api.ts, the answer streams in ../engine/, the title in
// ./title.ts, answer switching in ./answer-switching.ts and the comparison flow in
// components/compare/comparison.ts.
import { noteRecentModel } from "@/components/models/use-model-preferences";
import { toast } from "@/components/ui/toaster";
import type { ChatUIMessage, ConversationSettings } from "@/lib/chat/types";
import { describeError } from "@/lib/errors";
import type { ModelSummary } from "@/lib/openrouter/types";
import { createComparison } from "@/components/compare/comparison";
import { saveConversationSettings } from "../api";
import { describeChatError } from "../chat-error";
import type { ComposedExtras } from "../composer/composer";
import type { EngineSnapshot, RequestBody } from "../engine/chat-engine";
import { stopAnswer } from "../engine/stop-answer";
import { announceConversationsChanged } from "../events";
import { preloadMarkdown } from "../markdown/message-markdown";
import { isToolPart, messageFiles, messageText } from "../message/message-parts";
import { createAnswerSwitching } from "./answer-switching";
import { questionIdAt, withAlternative } from "./alternatives";
import { initialState, requestBodyFor, selectBusy, selectError, type ConversationInit, type ConversationState } from "./conversation-state";
import { createStore, useStoreSelector, type Store } from "./create-store";
import { createEngineLink } from "./engine-link";
import { createTitleActions } from "./title";

export * from "./conversation-state";

const asError = (reason: unknown) => (reason instanceof Error ? reason : new Error(String(reason)));

function fail(reason: unknown): void {
  toast({ title: "Could not send", description: asError(reason).message, variant: "destructive" });
}

// --- the store -------------------------------------------------------------------------------

export function createConversationStore(init: ConversationInit) {
  const { initial, loadEarlier } = init;
  const id = initial.id;
  const store: Store<ConversationState> = createStore(initialState(init));
  const knownCostIds = new Set(initial.messages.filter((m) => m.metadata?.costNano).map((m) => m.id));
  /** Whether the last request sent a new question ("new") or acted on saved messages ("saved"). */
  let lastRequest: "new" | "saved" = "saved";
  /** The last new question asked for a web search (a retry asks again). */
  let lastWebSearch = false;
  /** The question whose answer is being regenerated: the new answer joins its alternatives. */
  let regenerating: string | null = null;
  /** Whether the page shows the conversation, and whether it reattached to its answer in flight. */
  let shown = false;
  let resumed = false;

  const title = createTitleActions(store);

  /** The server accepted the first message: the conversation exists now. */
  function markCreated(): void {
    if (store.get().created) return;
    store.set({ created: true });
    const path = `/c/${encodeURIComponent(id)}`;
    if (window.location.pathname !== path) window.history.replaceState(null, "", path);
    announceConversationsChanged({ id });
  }

  function noteStreamedCost(message: ChatUIMessage): void {
    const cost = message.metadata?.costNano;
    if (message.role !== "assistant" || !cost || knownCostIds.has(message.id)) return;
    store.set((state) => (state.streamedCosts.get(message.id) === cost ? {} : { streamedCosts: new Map(state.streamedCosts).set(message.id, cost) }));
  }

  const engine = createEngineLink(store, {
    onData: (part) => {
      if (part.type === "data-conversation") {
        markCreated();
        title.receiveTitle(part.data.title, "first-words");
      } else if (part.type === "data-title") {
        title.receiveTitle(part.data.title, "generated");
      }
    },
    onFinish: ({ message, isError }) => {
      const questionId = regenerating;
      if (questionId && message.role === "assistant") {
        regenerating = null;
        store.set((state) => ({ alternatives: withAlternative(state.alternatives, questionId, message) }));
      }
      title.answerFinished(message, isError);
      noteStreamedCost(message);
      if (!isError || message.parts.length > 0) announceConversationsChanged({ id });
    },
  });
  const { setMessages, run: withEngine } = engine;

  const switching = createAnswerSwitching(store, setMessages);
  const afterSwitchSaved = (request: () => Promise<void>) => switching.afterSwitchSaved(request, fail);

  const comparison = createComparison(store, {
    setMessages,
    markCreated,
    receiveTitle: title.receiveTitle,
    comparisonCreated: title.comparisonCreated,
    showAlternative: switching.showAlternative,
    requestBody: (model) => requestBodyFor(store.get(), model),
  });

  // Retry a failed answer by asking its question again.
  // - The request was refused before anything was written (an HTTP error: budget, rate limit,
  //   conflict) and the question was new: the server never saved it, so send it afresh.
  // - Otherwise the question is saved: resend it in place (the server drops it and everything
  //   after it, e.g. the failed answer, and answers again).
  function retryWith(body: RequestBody): void {
    const state = store.get();
    const index = state.messages.findLastIndex((m) => m.role === "user");
    if (index < 0) return;
    const question = state.messages[index];
    const text = messageText(question);
    const files = messageFiles(question);
    const refusedBeforeWriting = typeof (selectError(state) as { statusCode?: unknown } | undefined)?.statusCode === "number";
    if (refusedBeforeWriting && lastRequest === "new") {
      setMessages(state.messages.slice(0, index));
      const webSearch = lastWebSearch;
      afterSwitchSaved(() => withEngine((chat) => chat.sendMessage({ text, files }, { body: { ...body, webSearch } })));
      return;
    }
    lastRequest = "saved";
    afterSwitchSaved(() => withEngine((chat) => chat.sendMessage({ text, files, messageId: question.id }, { body })));
  }

  function saveModelAndSettings(model: string, settings: ConversationSettings): void {
    if (!store.get().created) return;
    saveConversationSettings(id, { model, settings }).catch((reason: unknown) =>
      toast({ title: "Could not save the conversation settings", description: describeChatError(asError(reason)).message, variant: "destructive" }),
    );
  }

  const actions = {
    /** The engine's state as useChat reports it (../engine/engine-state.tsx). */
    engineChanged({ messages, status, error }: EngineSnapshot): void {
      store.set({ messages, engineStatus: status, engineError: error });
      if (status === "streaming") markCreated();
    },
    /** Start fetching the engine (the user is about to do something). */
    preload(): void {
      engine.ensure().catch(() => {
        /* retried by the action itself */
      });
    },
    /**
     * The page shows the conversation: reattach to an answer in flight on the server. The returned
     * function is for leaving it, which ends this tab's connection (the server finishes the answer anyway).
     */
    open(): () => void {
      shown = true;
      if (initial.streaming && !resumed) {
        resumed = true;
        engine
          .ensure()
          .then(({ chat }) => {
            if (shown && chat.status !== "submitted" && chat.status !== "streaming") void chat.resumeStream();
          })
          .catch((error: unknown) => store.set({ loadError: asError(error) }));
      }
      return () => {
        shown = false;
        void engine.current()?.stop();
      };
    },
    setCatalog(catalog: ReadonlyMap<string, ModelSummary>): void {
      store.set({ catalog });
    },
    changeModel(model: string): void {
      store.set({ model });
      saveModelAndSettings(model, store.get().settings);
    },
    changeSettings(settings: ConversationSettings): void {
      store.set({ settings });
      saveModelAndSettings(store.get().model, settings);
    },
    receiveTitle: title.receiveTitle,

    /** Sends the composer's message (to several models when comparing); false when busy. */
    send(text: string, { files, webSearch, compareModels }: ComposedExtras): boolean {
      if (selectBusy(store.get())) return false;
      lastRequest = "new";
      preloadMarkdown(); // the answer will need it
      if (compareModels) {
        afterSwitchSaved(() => comparison.send(text, files, compareModels, webSearch));
        compareModels.forEach(noteRecentModel);
        return true;
      }
      store.set({ compareError: null });
      lastWebSearch = webSearch;
      const body = requestBodyFor(store.get());
      afterSwitchSaved(() => withEngine((chat) => chat.sendMessage({ text, files }, { body: { ...body, webSearch } })));
      noteRecentModel(body.model);
      return true;
    },
    regenerate(messageId: string): void {
      lastRequest = "saved";
      const state = store.get();
      const index = state.messages.findIndex((m) => m.id === messageId);
      const questionId = questionIdAt(state.messages, index);
      if (questionId) {
        // The answer being replaced on screen stays one of the turn's answers.
        regenerating = questionId;
        store.set({ alternatives: withAlternative(state.alternatives, questionId, state.messages[index]) });
      }
      // An answer that searched the web searches again: its question asked for that.
      const searched = state.messages[index]?.metadata?.webSearch !== undefined;
      const body = searched ? { ...requestBodyFor(state), webSearch: true } : requestBodyFor(state);
      afterSwitchSaved(() => withEngine((chat) => chat.regenerate({ messageId, body })));
    },
    /** Sends an edited question in place of the saved one (it keeps its attachments). */
    edit(messageId: string, text: string): void {
      lastRequest = "saved";
      const state = store.get();
      const original = state.messages.find((m) => m.id === messageId);
      const files = original ? messageFiles(original) : [];
      const body = requestBodyFor(state);
      afterSwitchSaved(() => withEngine((chat) => chat.sendMessage({ text, files, messageId }, { body })));
    },
    /**
     * The user's answer to one of the last answer's tool approval requests; once each of them is
     * answered, the answer goes on. "Always allow" also lets the conversation run that tool without asking.
     */
    answerToolApproval(approvalId: string, approved: boolean, alwaysAllowTool?: string): void {
      if (selectBusy(store.get())) return;
      if (alwaysAllowTool) {
        const { settings } = store.get();
        store.set({ settings: { ...settings, alwaysAllowTools: [...new Set([...(settings.alwaysAllowTools ?? []), alwaysAllowTool])] } });
      }
      lastRequest = "saved";
      const body = requestBodyFor(store.get());
      withEngine(async (chat) => {
        await chat.addToolApprovalResponse({ id: approvalId, approved });
        const last = chat.messages.at(-1);
        if (last && !last.parts.some((part) => isToolPart(part) && part.state === "approval-requested")) await chat.sendMessage(undefined, { body });
      }).catch(fail);
    },
    /** Retry of the failed answer shown below the list (a failed answer's, else a refused comparison's). */
    retry(): void {
      if (selectError(store.get())) retryWith(requestBodyFor(store.get()));
      else comparison.retry();
    },
    /** The model could not read the question's attachment: switch to a suggested one and ask again. */
    retryWithModel(model: string): void {
      actions.changeModel(model);
      retryWith(requestBodyFor(store.get(), model));
    },
    /** Stops every answer of the conversation, compared columns included. */
    stop(): void {
      const { messages, streamingColumns } = store.get();
      const last = messages.at(-1);
      const answerId = last?.role === "assistant" ? last.id : null;
      store.set((state) => ({ stoppedIds: new Set([...state.stoppedIds, ...(answerId ? [answerId] : []), ...streamingColumns]) }));
      void stopAnswer(id, undefined, engine.current);
    },
    showAlternative: (questionId: string, messageId: string) => switching.showAlternative(questionId, messageId, false),
    showAlternativeOrKeep: switching.showAlternative,
    compare: comparison.columnActions,

    /** Loads the page of messages before the first one shown, with their answers rendered. */
    async showEarlier(): Promise<void> {
      const before = store.get().messages[0]?.id;
      if (!loadEarlier || !before) return;
      try {
        const result = await loadEarlier(id, before);
        if ("error" in result) throw new Error(describeError(result).message);
        const { messages: older, ...page } = result;
        store.set((state) => ({
          prerendered: { ...state.prerendered, ...page.prerendered },
          alternatives: { ...page.alternatives, ...state.alternatives },
          earlierCount: page.earlierCount,
        }));
        if (older.length > 0) setMessages([...older, ...engine.messages()]);
      } catch (reason) {
        toast({ title: "Could not load earlier messages", description: asError(reason).message, variant: "destructive" });
      }
    },
  };

  return { ...store, actions };
}

export type ConversationStore = ReturnType<typeof createConversationStore>;
export type ConversationActions = ConversationStore["actions"];

/** What `selector` picks from the conversation (a field or a primitive; see useStoreSelector). */
export function useConversation<T>(conversation: ConversationStore, selector: (state: ConversationState) => T): T {
  return useStoreSelector(conversation, selector);
}
