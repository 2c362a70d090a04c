"use client";

// The chat page's root: one conversation, streamed with the AI SDK's useChat.
// The browser sends only the new message (or the message being regenerated), the model and
// the settings; the server loads the history, streams the answer and saves everything.
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import { useSearchParams } from "next/navigation";
import { shortModelName } from "@/components/models/format";
import { useModelCatalog } from "@/components/models/use-model-catalog";
import { noteRecentModel } from "@/components/models/use-model-preferences";
import { toast } from "@/components/ui/toaster";
import { attachmentIdOf } from "@/lib/attachments/types";
import type { ChatRequest, ChatUIMessage, CompareStarted, ConversationSettings, ConversationView } from "@/lib/chat/types";
import type { CompareActions } from "@/components/compare/compare-turn";
import { markKept, questionIdAt, requestShowAlternative, withAlternative, type Alternatives } from "./store/alternatives";
import { ChatBusyContext, StoppedAnswersContext } from "./chat-context";
import { ChatError, describeChatError } from "./chat-error";
import { ChatHeader } from "./chat-header";
import { Composer, type ComposedExtras } from "./composer/composer";
import { announceConversationsChanged, CONVERSATIONS_CHANGED_EVENT, type ConversationsChangedDetail } from "./events";
import { sumNano } from "./message/format";
import { MessageList, type MessageActions } from "./list/message-list";
import { preloadMarkdown } from "./markdown/message-markdown";
import { messageFiles, messageText } from "./message/message-parts";
import type { RequestBody } from "./engine/chat-engine";
import type { PrerenderedMarkdown } from "./markdown/prerender-key";
import { PrerenderedContext } from "./markdown/prerendered";
import { useLazyChat } from "./engine/load-engine";

const subscribeToNothing = () => () => {};

export type ChatProps = {
  initial: ConversationView;
  /** A conversation that does not exist yet (the "/" page): the URL moves to /c/{id} once it does. */
  isNew: boolean;
  defaultModel: string;
  /** Saved answers' Markdown rendered by the server (markdown-server.tsx), by prerenderKey. */
  prerendered?: PrerenderedMarkdown;
  /** Fetches the saved messages before a message (paging up a long conversation), with their answers rendered. */
  loadEarlier?: (
    conversationId: string,
    beforeMessageId: string,
  ) => Promise<{ messages: ChatUIMessage[]; earlierCount: number; prerendered: PrerenderedMarkdown; alternatives: Alternatives }>;
  /** Overrides the composer's own cost preview (nano-USD); leave unset to use it. */
  estimateInputCostNano?: bigint | string | null;
};

/** One conversation. Remounts when the page hands it another conversation id. */
export function Chat(props: ChatProps) {
  return <ChatView key={props.initial.id} {...props} />;
}

function wireSettings(settings: ConversationSettings, allowReasoning: boolean): NonNullable<ChatRequest["settings"]> {
  return {
    systemPrompt: settings.systemPrompt || null,
    temperature: settings.temperature ?? null,
    maxTokens: settings.maxTokens ?? null,
    topP: settings.topP ?? null,
    reasoningEffort: allowReasoning ? (settings.reasoningEffort ?? null) : null,
    routing: settings.routing ?? null,
  };
}

async function patchConversation(id: string, body: { model?: string; settings?: ConversationSettings }): Promise<void> {
  try {
    const response = await fetch(`/api/conversations/${encodeURIComponent(id)}`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    // 404: not created yet (it will be, with these values, by the next message).
    if (!response.ok && response.status !== 404 && response.status !== 405) {
      toast({
        title: "Could not save the conversation settings",
        description: describeChatError(new Error(await response.text())).message,
        variant: "destructive",
      });
    }
  } catch {
    /* offline: the next message carries the model and settings anyway */
  }
}

/** A message id for the wire (idSchema); crypto.randomUUID needs a secure context, this does not. */
function newMessageId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function parseNano(value: string | undefined): bigint {
  try {
    return value ? BigInt(value) : 0n;
  } catch {
    return 0n;
  }
}

const NOTHING_PRERENDERED: PrerenderedMarkdown = {};

function ChatView({ initial, isNew, defaultModel, prerendered: serverRendered = NOTHING_PRERENDERED, loadEarlier, estimateInputCostNano }: ChatProps) {
  const id = initial.id;
  const [model, setModel] = useState(() => initial.model || defaultModel);
  const [settings, setSettings] = useState<ConversationSettings>(() => initial.settings ?? {});
  const [title, setTitle] = useState(initial.title);
  /** Costs of answers finished in this session whose cost the page did not know yet. */
  const [streamedCosts, setStreamedCosts] = useState<ReadonlyMap<string, string>>(() => new Map());
  /** Answers the user stopped in this session (saved ones carry status "partial"). */
  const [stoppedIds, setStoppedIds] = useState<ReadonlySet<string>>(() => new Set());
  const [knownCostIds] = useState(() => new Set(initial.messages.filter((m) => m.metadata?.costNano).map((m) => m.id)));
  /** Every answer of the turns that have several (regenerated, compared), by question id. */
  const [alternatives, setAlternatives] = useState<Alternatives>(() => initial.alternatives ?? {});
  /** Columns of a comparison streaming right now (the chat is busy while any is). */
  const [streamingColumns, setStreamingColumns] = useState<ReadonlySet<string>>(() => new Set());
  /** A comparison the server refused (budget, rate limit…): shown like a failed answer. */
  const [compareError, setCompareError] = useState<Error | null>(null);
  /** The question whose answer is being regenerated: the new answer joins its alternatives. */
  const regenerating = useRef<string | null>(null);
  /** The comparison the server refused, to send again on Retry. */
  const failedCompare = useRef<{ before: ChatUIMessage[]; text: string; files: ComposedExtras["files"]; models: string[]; webSearch: boolean } | null>(null);

  const catalog = useModelCatalog();
  const modelInfo = catalog.byId.get(model);
  const supportsReasoning = modelInfo?.supportsReasoning ?? false;

  // The model and settings a request made right now carries. A reasoning effort goes only to
  // models that reason (or when the catalog cannot tell).
  const requestBody = useMemo<RequestBody>(
    () => ({ model, settings: wireSettings(settings, modelInfo ? modelInfo.supportsReasoning : true) }),
    [model, settings, modelInfo],
  );
  // Read by the row actions when clicked, so they stay stable (and the rows memoized) across changes.
  const requestBodyRef = useRef(requestBody);
  useEffect(() => {
    requestBodyRef.current = requestBody;
  }, [requestBody]);

  // Whether the conversation exists on the server (and the URL says /c/{id}).
  const created = useRef(!isNew);
  const markCreated = useCallback(() => {
    if (created.current) return;
    created.current = true;
    const path = `/c/${encodeURIComponent(id)}`;
    if (window.location.pathname !== path) window.history.replaceState(null, "", path);
    announceConversationsChanged({ id });
  }, [id]);

  /** Whether the last request sent a new question ("new") or acted on saved messages ("saved"). */
  const lastRequest = useRef<"new" | "saved">("saved");
  /** The last new question asked for a web search (a retry asks again). */
  const lastWebSearch = useRef(false);
  /** A title arrived (data-title, or a rename elsewhere); no need to ask the server for one. */
  const titleKnown = useRef(false);
  const titleFetched = useRef(false);

  const refreshTitle = useCallback(async () => {
    if (titleKnown.current) return;
    try {
      const response = await fetch(`/api/conversations/${encodeURIComponent(id)}`, { headers: { accept: "application/json" } });
      if (!response.ok) return;
      const body = (await response.json()) as { conversation?: { title?: unknown } };
      const fresh = body.conversation?.title;
      if (typeof fresh === "string" && fresh && !titleKnown.current) setTitle(fresh);
    } catch {
      /* the title shows after the next reload */
    }
  }, [id]);

  const { messages, status, error, sendMessage, regenerate, stopOnServer, setMessages, prependMessages, preload } = useLazyChat({
    id,
    messages: initial.messages,
    resume: initial.streaming,
    // Ten renders a second while streaming: still reads as a live stream, and each render (a
    // layout, paint and commit of the growing answer) is the main thread's largest cost per token.
    throttle: 100,
    onData: (part) => {
      if (part.type === "data-conversation") {
        markCreated();
        // The new conversation's provisional title (its first words), until a generated one arrives.
        if (part.data.title && !titleKnown.current) setTitle(part.data.title);
      } else if (part.type === "data-title") {
        titleKnown.current = true;
        setTitle(part.data.title);
        announceConversationsChanged({ id, title: part.data.title });
      }
    },
    onFinish: ({ message, isError }) => {
      const questionId = regenerating.current;
      if (questionId && message.role === "assistant") {
        regenerating.current = null;
        setAlternatives((previous) => withAlternative(previous, questionId, message));
      }
      // A new conversation's title is generated after its first answer; fetch it if it was not streamed.
      if (isNew && !titleKnown.current && !titleFetched.current && message.role === "assistant" && !isError) {
        titleFetched.current = true;
        void refreshTitle();
        window.setTimeout(() => void refreshTitle(), 4000);
      }
      const cost = message.metadata?.costNano;
      if (message.role === "assistant" && cost && !knownCostIds.has(message.id)) {
        setStreamedCosts((previous) => {
          if (previous.get(message.id) === cost) return previous;
          const next = new Map(previous);
          next.set(message.id, cost);
          return next;
        });
      }
      if (!isError || message.parts.length > 0) announceConversationsChanged({ id });
    },
  });

  // Paging up: older saved messages, with their answers rendered by the server.
  const [earlierCount, setEarlierCount] = useState(initial.earlierCount ?? 0);
  const [prerendered, setPrerendered] = useState(serverRendered);
  const firstMessageId = messages[0]?.id;
  const showEarlier = useCallback(async () => {
    if (!loadEarlier || !firstMessageId) return;
    try {
      const page = await loadEarlier(id, firstMessageId);
      setPrerendered((previous) => ({ ...previous, ...page.prerendered }));
      setAlternatives((previous) => ({ ...page.alternatives, ...previous }));
      prependMessages(page.messages);
      setEarlierCount(page.earlierCount);
    } catch (reason) {
      toast({
        title: "Could not load earlier messages",
        description: reason instanceof Error ? reason.message : String(reason),
        variant: "destructive",
      });
    }
  }, [loadEarlier, firstMessageId, id, prependMessages]);

  const busy = status === "submitted" || status === "streaming" || streamingColumns.size > 0;
  const last = messages[messages.length - 1];

  // Someone else (the sidebar's rename) changed this conversation's title.
  useEffect(() => {
    const onChanged = (event: Event) => {
      const detail = (event as CustomEvent<ConversationsChangedDetail>).detail;
      if (detail?.id !== id || !detail.title) return;
      titleKnown.current = true;
      setTitle(detail.title);
    };
    window.addEventListener(CONVERSATIONS_CHANGED_EVENT, onChanged);
    return () => window.removeEventListener(CONVERSATIONS_CHANGED_EVENT, onChanged);
  }, [id]);

  // The server accepted the first message: the conversation exists now.
  useEffect(() => {
    if (status === "streaming") markCreated();
  }, [status, markCreated]);

  // False in the server's HTML and while hydrating, true once React handles events (tests wait
  // for it before clicking on a freshly loaded page).
  const hydrated = useSyncExternalStore(subscribeToNothing, () => true, () => false);

  const fail = useCallback((reason: unknown) => {
    toast({ title: "Could not send", description: reason instanceof Error ? reason.message : String(reason), variant: "destructive" });
  }, []);

  // The server continues a conversation from the answers it has as shown, so a request that
  // builds on the conversation waits while a switch of answer (or a Keep) is being saved.
  const switchSaving = useRef<Promise<void> | null>(null);
  const afterSwitchSaved = useCallback(
    (request: () => Promise<void>) => {
      const pending = switchSaving.current;
      (pending ? pending.then(request) : request()).catch(fail);
    },
    [fail],
  );

  // Read by the row actions when clicked (an edited message keeps its attachments; switching
  // answers needs the turn's list), so the actions stay stable.
  const messagesRef = useRef(messages);
  const alternativesRef = useRef(alternatives);
  const settingsRef = useRef(settings);
  const catalogRef = useRef(catalog.byId);
  useEffect(() => {
    messagesRef.current = messages;
    alternativesRef.current = alternatives;
    settingsRef.current = settings;
    catalogRef.current = catalog.byId;
  }, [messages, alternatives, settings, catalog.byId]);

  /** Shows another answer of a turn; `keep` also continues with its model. Reverts if the server refuses. */
  const showAlternative = useCallback(
    (questionId: string, messageId: string, keep: boolean) => {
      const current = messagesRef.current;
      const list = alternativesRef.current[questionId] ?? [];
      const chosen = list.find((m) => m.id === messageId);
      const index = current.findIndex((m) => m.id === questionId) + 1;
      if (!chosen || index <= 0 || !current[index]) return;
      const before = current[index];
      const nextList = keep ? markKept(list, messageId) : list;
      const shown = nextList.find((m) => m.id === messageId) ?? chosen;
      setMessages(current.map((m, i) => (i === index ? shown : m)));
      // A new map also tells the list that an earlier row changed (it keys its memo on the map).
      setAlternatives((previous) => ({ ...previous, [questionId]: nextList }));
      const keptModel = keep ? chosen.metadata?.model : undefined;
      if (keptModel) setModel(keptModel);
      // Switches are saved one after another, so the last one clicked is the one that stays.
      const saving: Promise<void> = (switchSaving.current ?? Promise.resolve())
        .then(() => requestShowAlternative(id, messageId, keep))
        .then(
          () => undefined,
          (reason: unknown) => {
            setMessages(messagesRef.current.map((m) => (m.id === shown.id ? before : m)));
            setAlternatives((previous) => ({ ...previous, [questionId]: list }));
            toast({
              title: "Could not switch the answer",
              description: describeChatError(reason instanceof Error ? reason : new Error(String(reason))).message,
              variant: "destructive",
            });
          },
        )
        .finally(() => {
          if (switchSaving.current === saving) switchSaving.current = null;
        });
      switchSaving.current = saving;
    },
    [id, setMessages],
  );

  // A search result can be an answer that is not the shown one of its turn: opening it
  // (`?m=`) shows it, as its switcher would, so the page can scroll to it.
  const searchTarget = useSearchParams().get("m");
  useEffect(() => {
    if (!searchTarget || messagesRef.current.some((m) => m.id === searchTarget)) return;
    const turn = Object.entries(alternativesRef.current).find(([, list]) => list.some((m) => m.id === searchTarget));
    if (turn) showAlternative(turn[0], searchTarget, false);
  }, [searchTarget, showAlternative]);

  const compareActions = useMemo<CompareActions>(
    () => ({
      onColumnFinish: (questionId, message) => {
        setAlternatives((previous) => withAlternative(previous, questionId, message));
        const cost = message.metadata?.costNano;
        if (cost) setStreamedCosts((previous) => new Map(previous).set(message.id, cost));
        announceConversationsChanged({ id });
      },
      onKeep: (questionId, messageId) => showAlternative(questionId, messageId, true),
      retryBody: (columnModel) => {
        const info = catalogRef.current.get(columnModel);
        return { model: columnModel, settings: wireSettings(settingsRef.current, info ? info.supportsReasoning : true) };
      },
      onStreaming: (messageId, streaming) =>
        setStreamingColumns((previous) => {
          if (previous.has(messageId) === streaming) return previous;
          const next = new Set(previous);
          if (streaming) next.add(messageId);
          else next.delete(messageId);
          return next;
        }),
    }),
    [id, showAlternative],
  );

  const actions = useMemo<MessageActions>(
    () => ({
      conversationId: id,
      regenerate: (messageId) => {
        lastRequest.current = "saved";
        const current = messagesRef.current;
        const index = current.findIndex((m) => m.id === messageId);
        const questionId = questionIdAt(current, index);
        if (questionId) {
          // The answer being replaced on screen stays one of the turn's answers.
          regenerating.current = questionId;
          setAlternatives((previous) => withAlternative(previous, questionId, current[index]));
        }
        // An answer that searched the web searches again: its question asked for that.
        const searched = current[index]?.metadata?.webSearch !== undefined;
        const body = searched ? { ...requestBodyRef.current, webSearch: true } : requestBodyRef.current;
        afterSwitchSaved(() => regenerate({ messageId, body }));
      },
      showAlternative: (questionId, messageId) => showAlternative(questionId, messageId, false),
      compare: compareActions,
      edit: (messageId, text) => {
        lastRequest.current = "saved";
        const original = messagesRef.current.find((m) => m.id === messageId);
        const files = original ? messageFiles(original) : [];
        const body = requestBodyRef.current;
        afterSwitchSaved(() => sendMessage({ text, files, messageId }, { body }));
      },
    }),
    [id, regenerate, sendMessage, afterSwitchSaved, showAlternative, compareActions],
  );

  /**
   * One message to several models: the server writes the turn and answers with each column's
   * message; the columns then attach to their own streams.
   */
  const sendCompare = useCallback(
    async (text: string, files: ComposedExtras["files"], models: string[], webSearch: boolean) => {
      setCompareError(null);
      const question: ChatUIMessage = { id: newMessageId(), role: "user", parts: [...files, ...(text ? [{ type: "text" as const, text }] : [])] };
      const attachments = files.flatMap((f) => {
        const attachmentId = attachmentIdOf(f.url);
        return attachmentId ? [attachmentId] : [];
      });
      const body: ChatRequest = {
        id,
        message: { id: question.id, role: "user", parts: [{ type: "text", text }] },
        trigger: "submit-message",
        model: models[0],
        models,
        settings: requestBody.settings,
        ...(attachments.length > 0 ? { attachments } : {}),
        ...(webSearch ? { webSearch: true } : {}),
      };
      const before = messagesRef.current;
      setMessages([...before, question]);
      try {
        const response = await fetch("/api/chat", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
        if (!response.ok) throw new Error(await response.text());
        const started = (await response.json()) as CompareStarted;
        if (started.conversation.created) {
          markCreated();
          if (!titleKnown.current) setTitle(started.conversation.title);
        }
        const createdAt = new Date().toISOString();
        const columns: ChatUIMessage[] = started.columns.map((column, index) => ({
          id: column.messageId,
          role: "assistant",
          parts: [],
          metadata: { model: column.model, status: "streaming", createdAt, compare: { group: started.group, column: index } },
        }));
        setAlternatives((previous) => ({ ...previous, [question.id]: columns }));
        setMessages([...before, question, columns[0]]);
        if (started.conversation.created && !titleKnown.current) window.setTimeout(() => void refreshTitle(), 4000);
        announceConversationsChanged({ id });
      } catch (reason) {
        // Refused before anything was written: the question stays on screen with the reason and a Retry.
        failedCompare.current = { before, text, files, models, webSearch };
        setCompareError(reason instanceof Error ? reason : new Error(String(reason)));
      }
    },
    [id, requestBody.settings, setMessages, markCreated, refreshTitle],
  );

  const retryCompare = useCallback(() => {
    const failed = failedCompare.current;
    if (!failed) return;
    failedCompare.current = null;
    setMessages(failed.before);
    void sendCompare(failed.text, failed.files, failed.models, failed.webSearch);
  }, [setMessages, sendCompare]);

  const send = useCallback(
    (text: string, { files, webSearch, compareModels }: ComposedExtras) => {
      if (busy) return false;
      if (compareModels) {
        lastRequest.current = "new";
        preloadMarkdown();
        afterSwitchSaved(() => sendCompare(text, files, compareModels, webSearch));
        compareModels.forEach(noteRecentModel);
        return true;
      }
      setCompareError(null);
      lastRequest.current = "new";
      lastWebSearch.current = webSearch;
      preloadMarkdown(); // the answer will need it
      afterSwitchSaved(() => sendMessage({ text, files }, { body: { ...requestBody, webSearch } }));
      noteRecentModel(requestBody.model);
      return true;
    },
    [busy, sendMessage, afterSwitchSaved, requestBody, sendCompare],
  );

  // The answer on screen when Stop is pressed (read at click time, so onStop stays stable).
  const lastAnswerId = useRef<string | null>(null);
  useEffect(() => {
    lastAnswerId.current = last?.role === "assistant" ? last.id : null;
  }, [last]);

  const streamingColumnsRef = useRef(streamingColumns);
  useEffect(() => {
    streamingColumnsRef.current = streamingColumns;
  }, [streamingColumns]);

  const stopAnswer = useCallback(() => {
    const answerId = lastAnswerId.current;
    // The request below stops every answer of the conversation, compared columns included.
    setStoppedIds((previous) => new Set([...previous, ...(answerId ? [answerId] : []), ...streamingColumnsRef.current]));
    void stopOnServer(`/api/chat/${encodeURIComponent(id)}/stop`);
  }, [id, stopOnServer]);

  // Retry a failed answer by asking its question again.
  // - The request was refused before anything was written (an HTTP error: budget, rate limit,
  //   conflict) and the question was new: the server never saved it, so send it afresh.
  // - Otherwise the question is saved: resend it in place (the server drops it and everything
  //   after it, e.g. the failed answer, and answers again).
  const retryWith = useCallback(
    (body: RequestBody) => {
      const index = messages.findLastIndex((m) => m.role === "user");
      if (index < 0) return;
      const question = messages[index];
      const text = messageText(question);
      const files = messageFiles(question);
      const refusedBeforeWriting = typeof (error as { statusCode?: unknown } | undefined)?.statusCode === "number";
      if (refusedBeforeWriting && lastRequest.current === "new") {
        setMessages(messages.slice(0, index));
        const webSearch = lastWebSearch.current;
        afterSwitchSaved(() => sendMessage({ text, files }, { body: { ...body, webSearch } }));
        return;
      }
      lastRequest.current = "saved";
      afterSwitchSaved(() => sendMessage({ text, files, messageId: question.id }, { body }));
    },
    [messages, error, setMessages, sendMessage, afterSwitchSaved],
  );
  const retry = useCallback(() => retryWith(requestBody), [retryWith, requestBody]);

  const changeModel = useCallback(
    (next: string) => {
      setModel(next);
      if (created.current) void patchConversation(id, { model: next, settings });
    },
    [id, settings],
  );

  const changeSettings = useCallback(
    (next: ConversationSettings) => {
      setSettings(next);
      if (created.current) void patchConversation(id, { model, settings: next });
    },
    [id, model],
  );

  // The model could not read the question's attachment: switch to a suggested one and ask again.
  const retryWithModel = useCallback(
    (next: string) => {
      changeModel(next);
      const info = catalog.byId.get(next);
      retryWith({ model: next, settings: wireSettings(settings, info ? info.supportsReasoning : true) });
    },
    [changeModel, catalog.byId, retryWith, settings],
  );
  const labelOfModel = useCallback((modelId: string) => shortModelName(catalog.byId.get(modelId), modelId), [catalog.byId]);

  const totalCostNano = parseNano(initial.totalCostNano) + sumNano(streamedCosts.values());
  const liveError = error ? describeChatError(error) : compareError ? describeChatError(compareError) : null;

  return (
    <div
      data-testid="chat"
      data-conversation-id={id}
      data-status={status}
      data-hydrated={hydrated ? "true" : undefined}
      className="flex min-h-0 min-w-0 flex-1 flex-col"
      // The streaming engine is fetched when the user starts doing something, not on load.
      onFocusCapture={preload}
      onPointerDownCapture={preload}
    >
      <ChatHeader
        title={title}
        model={model}
        modelLabel={shortModelName(modelInfo, model)}
        onModelChange={changeModel}
        settings={settings}
        onSettingsChange={changeSettings}
        supportsReasoning={supportsReasoning}
        totalCostNano={totalCostNano}
      />
      <ChatBusyContext value={busy}>
        <StoppedAnswersContext value={stoppedIds}>
          <PrerenderedContext value={prerendered}>
            <MessageList
              messages={messages}
              busy={busy}
              pending={status === "submitted" && last?.role !== "assistant"}
              stoppedIds={stoppedIds}
              earlierCount={earlierCount}
              onShowEarlier={showEarlier}
              hasLiveError={liveError !== null}
              actions={actions}
              alternatives={alternatives}
              footer={
                liveError ? (
                  <ChatError
                    key={error?.message ?? compareError?.message}
                    error={liveError}
                    onRetry={error ? retry : retryCompare}
                    retryDisabled={busy}
                    live
                    onUseModel={retryWithModel}
                    modelLabel={labelOfModel}
                  />
                ) : null
              }
              empty={
                <div data-testid="chat-empty" className="m-auto grid max-w-md gap-2 px-6 py-16 text-center">
                  <h2 className="text-xl font-semibold">What shall we talk about?</h2>
                  <p className="text-sm text-muted-foreground">
                    Ask anything. You are talking to <span className="font-medium">{shortModelName(modelInfo, model)}</span> — switch
                    models any time from the header.
                  </p>
                </div>
              }
            />
          </PrerenderedContext>
        </StoppedAnswersContext>
      </ChatBusyContext>
      <Composer
        conversationId={id}
        busy={busy}
        onSend={send}
        onStop={stopAnswer}
        model={model}
        estimateConversationId={!isNew || messages.length > 0 ? id : null}
        estimateInputCostNano={estimateInputCostNano}
      />
    </div>
  );
}
