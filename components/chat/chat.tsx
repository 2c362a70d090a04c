"use client";

// The chat page's root: one conversation, wired to its store (store/conversation-store.ts) and
// laid out as header, messages and composer. The browser sends only the new message (or the
// message being regenerated), the model and the settings; the server loads the history, streams
// the answer and saves everything.
import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from "react";
import { shortModelName } from "@/components/models/format";
import { useModelCatalog } from "@/components/models/use-model-catalog";
import type { ConversationView } from "@/lib/chat/types";
import { ChatBusyContext, StoppedAnswersContext } from "./chat-context";
import { ChatError, describeChatError } from "./chat-error";
import { ChatHeader } from "./chat-header";
import { Composer } from "./composer/composer";
import { MessageList, type MessageActions } from "./list/message-list";
import type { PrerenderedMarkdown } from "./markdown/prerender-key";
import { PrerenderedContext } from "./markdown/prerendered";
import { PreviewArea } from "./preview/preview-area";
import { useShowSearchedAnswer } from "./store/answer-switching";
import {
  createConversationStore,
  selectBusy,
  selectError,
  selectStatus,
  selectTotalCostNano,
  useConversation,
  type LoadEarlier,
} from "./store/conversation-store";
import { useConversationTitle } from "./store/title";

export type ChatProps = {
  initial: ConversationView;
  /** A conversation that does not exist yet (the "/" page): the URL moves to /c/{id} once it does. */
  isNew: boolean;
  defaultModel: string;
  /** Saved answers' Markdown rendered by the server (markdown/markdown-server.tsx), by prerenderKey. */
  prerendered?: PrerenderedMarkdown;
  /** Fetches the saved messages before a message (paging up a long conversation), with their answers rendered. */
  loadEarlier?: LoadEarlier;
  /** Overrides the composer's own cost preview (nano-USD); leave unset to use it. */
  estimateInputCostNano?: bigint | string | null;
};

/** One conversation. Remounts when the page hands it another conversation id. */
export function Chat(props: ChatProps) {
  return <ChatView key={props.initial.id} {...props} />;
}

/**
 * Ten renders a second while streaming: still reads as a live stream, and each render (a layout,
 * paint and commit of the growing answer) is the main thread's largest cost per token.
 */
const STREAM_THROTTLE_MS = 100;
const NOTHING_PRERENDERED: PrerenderedMarkdown = {};
const subscribeToNothing = () => () => {};

function ChatView({ initial, isNew, defaultModel, prerendered = NOTHING_PRERENDERED, loadEarlier, estimateInputCostNano }: ChatProps) {
  const [conversation] = useState(() => createConversationStore({ initial, isNew, defaultModel, prerendered, loadEarlier }));
  const { actions } = conversation;
  const title = useConversationTitle(conversation, actions.receiveTitle);
  const model = useConversation(conversation, (s) => s.model);
  const settings = useConversation(conversation, (s) => s.settings);
  const messages = useConversation(conversation, (s) => s.messages);
  const status = useConversation(conversation, selectStatus);
  const error = useConversation(conversation, selectError);
  const compareError = useConversation(conversation, (s) => s.compareError);
  const busy = useConversation(conversation, selectBusy);
  const stoppedIds = useConversation(conversation, (s) => s.stoppedIds);
  const alternatives = useConversation(conversation, (s) => s.alternatives);
  const earlierCount = useConversation(conversation, (s) => s.earlierCount);
  const shownPrerendered = useConversation(conversation, (s) => s.prerendered);
  const totalCostNano = useConversation(conversation, selectTotalCostNano);
  const engine = useConversation(conversation, (s) => s.engine);

  const catalog = useModelCatalog();
  useEffect(() => actions.setCatalog(catalog.byId), [actions, catalog.byId]);
  useEffect(() => actions.open(), [actions]);
  useShowSearchedAnswer(conversation, actions.showAlternativeOrKeep);

  // False in the server's HTML and while hydrating, true once React handles events (tests wait
  // for it before clicking on a freshly loaded page).
  const hydrated = useSyncExternalStore(
    subscribeToNothing,
    () => true,
    () => false,
  );

  // Stable for the conversation's life, so the rows stay memoized.
  const rowActions = useMemo<MessageActions>(
    () => ({
      conversationId: initial.id,
      regenerate: actions.regenerate,
      edit: actions.edit,
      showAlternative: actions.showAlternative,
      answerToolApproval: actions.answerToolApproval,
      compare: actions.compare,
    }),
    [initial.id, actions],
  );
  const labelOfModel = useCallback((modelId: string) => shortModelName(catalog.byId.get(modelId), modelId), [catalog.byId]);

  const modelInfo = catalog.byId.get(model);
  // Stable between renders, so the memoized composer does not re-render for nothing.
  const toolsMenu = useMemo(
    () => ({
      chosen: settings.tools,
      onChange: (tools: string[] | null) => actions.changeSettings({ ...settings, tools }),
      supported: catalog.byId.get(model)?.supportsTools ?? true,
    }),
    [settings, actions, catalog.byId, model],
  );
  const last = messages.at(-1);
  const liveError = error ? describeChatError(error) : compareError ? describeChatError(compareError) : null;

  return (
    <div
      data-testid="chat"
      data-conversation-id={initial.id}
      data-status={status}
      data-hydrated={hydrated ? "true" : undefined}
      className="flex min-h-0 min-w-0 flex-1 flex-col"
      // The streaming engine is fetched when the user starts doing something, not on load.
      onFocusCapture={actions.preload}
      onPointerDownCapture={actions.preload}
    >
      {engine && <engine.EngineState chat={engine.chat} throttle={STREAM_THROTTLE_MS} onChange={actions.engineChanged} />}
      <ChatHeader
        title={title}
        model={model}
        modelLabel={shortModelName(modelInfo, model)}
        onModelChange={actions.changeModel}
        settings={settings}
        onSettingsChange={actions.changeSettings}
        supportsReasoning={modelInfo?.supportsReasoning ?? false}
        totalCostNano={totalCostNano}
      />
      <ChatBusyContext value={busy}>
        <StoppedAnswersContext value={stoppedIds}>
          <PrerenderedContext value={shownPrerendered}>
            <PreviewArea messages={messages}>
              <MessageList
                messages={messages}
                busy={busy}
                pending={status === "submitted" && last?.role !== "assistant"}
                stoppedIds={stoppedIds}
                earlierCount={earlierCount}
                onShowEarlier={actions.showEarlier}
                hasLiveError={liveError !== null}
                actions={rowActions}
                alternatives={alternatives}
                footer={
                  liveError ? (
                    <ChatError
                      key={error?.message ?? compareError?.message}
                      error={liveError}
                      onRetry={actions.retry}
                      retryDisabled={busy}
                      live
                      onUseModel={actions.retryWithModel}
                      modelLabel={labelOfModel}
                    />
                  ) : null
                }
                empty={
                  <div data-testid="chat-empty" className="m-auto grid max-w-md gap-2 px-6 py-16 text-center">
                    <h2 className="text-xl font-semibold">What shall we talk about?</h2>
                    <p className="text-sm text-muted-foreground">
                      Ask anything. You are talking to <span className="font-medium">{shortModelName(modelInfo, model)}</span> — switch models any
                      time from the header.
                    </p>
                  </div>
                }
              />
            </PreviewArea>
          </PrerenderedContext>
        </StoppedAnswersContext>
      </ChatBusyContext>
      <Composer
        conversationId={initial.id}
        busy={busy}
        onSend={actions.send}
        onStop={actions.stop}
        model={model}
        estimateConversationId={!isNew || messages.length > 0 ? initial.id : null}
        estimateInputCostNano={estimateInputCostNano}
        tools={toolsMenu}
      />
    </div>
  );
}
