"use client";

import { lazy, memo, Suspense, use, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { ArrowDown } from "lucide-react";
import { Button } from "@/components/ui/button";
import type { ChatUIMessage } from "@/lib/chat/types";
import type { CompareActions } from "@/components/compare/compare-turn";
import { AlternativeSwitcher } from "../message/alternative-switcher";
import { compareColumns, isDecided, questionIdAt, type Alternatives } from "../store/alternatives";
import { MessageAssistant } from "../message/message-assistant";
import { MessageUser } from "../message/message-user";
import { createViewportRegistry, useNearViewport, ViewportRegistryContext } from "./near-viewport";
import { prerenderKey } from "../markdown/prerender-key";
import { PrerenderedContext } from "../markdown/prerendered";

// Compared columns are their own chunk: most conversations never hold one.
const CompareTurn = lazy(() => import("@/components/compare/compare-turn").then((m) => ({ default: m.CompareTurn })));

/** Stable callbacks the rows use; created once by <Chat>. */
export type MessageActions = {
  conversationId: string;
  regenerate: (messageId: string) => void;
  edit: (messageId: string, text: string) => void;
  /** Show another answer of the turn that answers `questionId`. */
  showAlternative: (questionId: string, messageId: string) => void;
  compare: CompareActions;
};

/** Rows this close to the end render fully at once; older ones upgrade as they near the viewport. */
const EAGER_ROWS = 16;
/** Within this many pixels of the bottom counts as "at the bottom". */
const BOTTOM_SLACK = 48;

type RowProps = {
  message: ChatUIMessage;
  streaming: boolean;
  stopped: boolean;
  hideSavedError: boolean;
  /** Only the last answer, while idle, can be regenerated. */
  canRegenerate: boolean;
  /** Read once, at mount. */
  eager: boolean;
  actions: MessageActions;
  /** The question this answer answers, and every answer of that turn when it has several. */
  questionId: string | null;
  alternatives: readonly ChatUIMessage[] | undefined;
};

const MessageRow = memo(
  function MessageRow({ message, streaming, stopped, hideSavedError, canRegenerate, eager, actions, questionId, alternatives }: RowProps) {
    const ref = useRef<HTMLDivElement>(null);
    // Only answers with Markdown the server did not render need to know when they come near.
    const prerendered = use(PrerenderedContext);
    const needsUpgrade =
      message.role === "assistant" &&
      message.parts.some((p, i) => p.type === "text" && p.text !== "" && prerendered[prerenderKey(message.id, i, p.text)] === undefined);
    const near = useNearViewport(ref, eager || !needsUpgrade);
    const group = message.role === "assistant" ? message.metadata?.compare?.group : undefined;
    // A comparison reads as columns until one answer is kept; then as that answer, with the others a click away.
    const comparing = group !== undefined && questionId !== null && alternatives !== undefined && !isDecided(alternatives, group);
    return (
      <div
        ref={ref}
        data-testid="message-row"
        data-role={message.role}
        // Off-screen rows skip layout and paint; `auto` remembers their last real size.
        className="px-4 py-3 [contain-intrinsic-size:auto_140px] [content-visibility:auto]"
      >
        <div className={comparing ? "mx-auto w-full max-w-7xl" : "mx-auto w-full max-w-3xl"}>
          {message.role === "user" ? (
            <MessageUser message={message} onEdit={actions.edit} />
          ) : comparing ? (
            <Suspense fallback={<p className="text-sm text-muted-foreground">Loading the comparison…</p>}>
              <CompareTurn
                conversationId={actions.conversationId}
                questionId={questionId}
                columns={compareColumns(alternatives, group)}
                actions={actions.compare}
              />
            </Suspense>
          ) : (
            <div className="grid gap-1">
              <MessageAssistant
                message={message}
                streaming={streaming}
                stopped={stopped}
                deferred={!near}
                hideSavedError={hideSavedError}
                onRegenerate={canRegenerate ? actions.regenerate : undefined}
              />
              {questionId && alternatives && !streaming && (
                <AlternativeSwitcher list={alternatives} currentId={message.id} onShow={(id) => actions.showAlternative(questionId, id)} />
              )}
            </div>
          )}
        </div>
      </div>
    );
  },
  // `eager` only matters at mount; the message object is replaced whenever any of its parts change.
  (prev, next) =>
    prev.message === next.message &&
    prev.streaming === next.streaming &&
    prev.stopped === next.stopped &&
    prev.hideSavedError === next.hideSavedError &&
    prev.canRegenerate === next.canRegenerate &&
    prev.actions === next.actions &&
    prev.questionId === next.questionId &&
    prev.alternatives === next.alternatives,
);

/** Rows for messages[from .. to-1]; the last EAGER_ROWS of the conversation render Markdown at once. */
function rowsFor(
  messages: ChatUIMessage[],
  from: number,
  to: number,
  stoppedIds: ReadonlySet<string>,
  actions: MessageActions,
  alternatives: Alternatives,
): ReactNode[] {
  const rows: ReactNode[] = [];
  const total = messages.length;
  for (let i = from; i < to; i++) {
    const message = messages[i];
    const questionId = message.role === "assistant" ? questionIdAt(messages, i) : null;
    rows.push(
      <MessageRow
        key={message.id}
        message={message}
        streaming={false}
        stopped={stoppedIds.has(message.id)}
        hideSavedError={false}
        canRegenerate={false}
        eager={i >= total - EAGER_ROWS}
        actions={actions}
        questionId={questionId}
        alternatives={questionId ? alternatives[questionId] : undefined}
      />,
    );
  }
  return rows;
}

type MessageListProps = {
  messages: ChatUIMessage[];
  /** An answer is being requested or streamed. */
  busy: boolean;
  /** Waiting for the first chunk of an answer that has no message yet. */
  pending: boolean;
  stoppedIds: ReadonlySet<string>;
  /** Saved messages before the first one shown, not loaded yet. */
  earlierCount: number;
  /** Loads the page of messages before the first one (prepends them). */
  onShowEarlier: () => Promise<void>;
  /** A live error is shown below the list (so the last answer hides its saved one). */
  hasLiveError: boolean;
  actions: MessageActions;
  /** The answers of each turn that has several, by question id. */
  alternatives: Alternatives;
  /** Rendered after the last message (the live error card). */
  footer?: ReactNode;
  empty?: ReactNode;
};

/** The scrolling conversation: sticks to the bottom while streaming unless the user scrolls up. */
export function MessageList({
  messages,
  busy,
  pending,
  stoppedIds,
  earlierCount,
  onShowEarlier,
  hasLiveError,
  actions,
  alternatives,
  footer,
  empty,
}: MessageListProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const contentRef = useRef<HTMLDivElement>(null);
  const stickRef = useRef(true);
  /** The list's scrollTop at the last scroll event, to tell the user scrolling up from content growing. */
  const lastScrollTop = useRef(0);
  const [atBottom, setAtBottom] = useState(true);
  const [registry] = useState(() => createViewportRegistry());
  // A long conversation arrives with its latest messages only; reaching the top loads the
  // previous page, keeping what is on screen in place.
  const topRef = useRef<HTMLDivElement>(null);
  const keepFromBottom = useRef<number | null>(null);
  const [loadingEarlier, setLoadingEarlier] = useState(false);
  const loadingRef = useRef(false);

  const scrollToBottom = useCallback(() => {
    const el = scrollRef.current;
    if (!el) return;
    stickRef.current = true;
    el.scrollTop = el.scrollHeight;
    setAtBottom(true);
  }, []);

  // Start at the end of the conversation.
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, []);

  useEffect(() => {
    const el = scrollRef.current;
    return el ? registry.attach(el) : undefined;
  }, [registry]);

  const showEarlier = useCallback(() => {
    if (loadingRef.current) return;
    loadingRef.current = true;
    setLoadingEarlier(true);
    const el = scrollRef.current;
    if (el) keepFromBottom.current = el.scrollHeight - el.scrollTop;
    onShowEarlier().finally(() => {
      loadingRef.current = false;
      setLoadingEarlier(false);
    });
  }, [onShowEarlier]);

  // After older messages were added above, put the content that was on screen back in place
  // (unless the browser's scroll anchoring already did).
  const firstId = messages[0]?.id;
  useLayoutEffect(() => {
    const el = scrollRef.current;
    const fromBottom = keepFromBottom.current;
    if (!el || fromBottom === null) return;
    keepFromBottom.current = null;
    const wanted = el.scrollHeight - fromBottom;
    if (Math.abs(el.scrollTop - wanted) > 1) el.scrollTop = wanted;
  }, [firstId]);

  // Coming near the top loads the previous messages.
  const hasEarlier = earlierCount > 0;
  useEffect(() => {
    const el = scrollRef.current;
    const sentinel = topRef.current;
    if (!el || !sentinel || !hasEarlier || loadingEarlier || typeof IntersectionObserver === "undefined") return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) showEarlier();
      },
      { root: el, rootMargin: "800px 0px 0px 0px" },
    );
    observer.observe(sentinel);
    return () => observer.disconnect();
  }, [hasEarlier, loadingEarlier, showEarlier]);

  // Follow new tokens while stuck to the bottom, before the frame that paints them: scrolling
  // later, from the ResizeObserver below, costs the stream an extra frame per update.
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (el && stickRef.current) el.scrollTop = el.scrollHeight;
  }, [messages]);

  // Follow growth React does not cause (images loading, expanding cards) while stuck to the bottom.
  useEffect(() => {
    const el = scrollRef.current;
    const content = contentRef.current;
    if (!el || !content || typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(() => {
      if (stickRef.current) el.scrollTop = el.scrollHeight;
    });
    observer.observe(content);
    return () => observer.disconnect();
  }, []);

  // Sending a message always brings the end into view.
  const count = messages.length;
  const lastRole = messages[count - 1]?.role;
  const lastId = messages[count - 1]?.id;
  const previousLastId = useRef(lastId);
  useEffect(() => {
    if (lastId !== previousLastId.current && lastRole === "user") scrollToBottom();
    previousLastId.current = lastId;
  }, [lastId, lastRole, scrollToBottom]);

  // Every row but the last, memoized: while an answer streams only the last message changes, so
  // the others are not even re-checked on each token. The AI SDK only appends, truncates, or
  // replaces the streaming message, so the same count, first and last earlier message mean the
  // same earlier rows. The last row joins the same keyed array, so a message keeps its row
  // (and its local state) when it stops being the last.
  const first = messages[0];
  const lastEarlier = count > 1 ? messages[count - 2] : undefined;
  const earlier = useMemo(
    () => rowsFor(messages, 0, Math.max(0, count - 1), stoppedIds, actions, alternatives),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- keyed on count/first/last earlier message on purpose (see above)
    [count, first, lastEarlier, stoppedIds, actions, alternatives],
  );
  const last = messages[count - 1];
  const lastQuestionId = last?.role === "assistant" ? questionIdAt(messages, count - 1) : null;
  const rows: ReactNode[] = last
    ? [
        ...earlier,
        <MessageRow
          key={last.id}
          message={last}
          streaming={busy && last.role === "assistant"}
          stopped={stoppedIds.has(last.id)}
          hideSavedError={hasLiveError}
          canRegenerate={last.role === "assistant" && !busy}
          eager
          actions={actions}
          questionId={lastQuestionId}
          alternatives={lastQuestionId ? alternatives[lastQuestionId] : undefined}
        />,
      ]
    : earlier;

  return (
    <ViewportRegistryContext value={registry}>
      <div className="relative min-h-0 flex-1">
        <div
          ref={scrollRef}
          data-testid="message-list"
          role="log"
          aria-label="Conversation"
          aria-live="off"
          tabIndex={-1}
          // Opaque and hinted: Chromium scrolls it on the compositor instead of repainting it as the
          // stream moves it down.
          className="h-full overflow-y-auto overscroll-contain bg-background outline-none [will-change:scroll-position]"
          onScroll={(event) => {
            const el = event.currentTarget;
            const bottom = el.scrollHeight - el.scrollTop - el.clientHeight <= BOTTOM_SLACK;
            // Only the user moving up lets go of the bottom. Content that grew since the last
            // follow (a slow frame while streaming) leaves the list short of the bottom without
            // any scrolling up: it stays stuck and the ResizeObserver catches up.
            if (bottom) stickRef.current = true;
            else if (el.scrollTop < lastScrollTop.current - 1) stickRef.current = false;
            lastScrollTop.current = el.scrollTop;
            setAtBottom(stickRef.current);
          }}
        >
          <div ref={contentRef} className="flex min-h-full flex-col py-4">
            {count === 0 && empty}
            {hasEarlier && (
              <div ref={topRef} className="flex justify-center px-4 pb-2">
                <Button
                  type="button"
                  variant="ghost"
                  size="sm"
                  data-testid="load-earlier"
                  data-count={earlierCount}
                  disabled={loadingEarlier}
                  onClick={showEarlier}
                >
                  {loadingEarlier ? "Loading earlier messages…" : `Show earlier messages (${earlierCount})`}
                </Button>
              </div>
            )}
            {rows}
            {pending && (
              <div className="px-4 py-3" data-testid="pending-answer">
                <div className="mx-auto flex w-full max-w-3xl items-center gap-1 py-2" aria-label="Waiting for the answer">
                  {[0, 1, 2].map((i) => (
                    <span
                      key={i}
                      className="size-1.5 animate-pulse rounded-full bg-muted-foreground/60"
                      style={{ animationDelay: `${i * 150}ms` }}
                    />
                  ))}
                </div>
              </div>
            )}
            {footer && (
              <div className="px-4">
                <div className="mx-auto w-full max-w-3xl">{footer}</div>
              </div>
            )}
          </div>
        </div>
        {!atBottom && (
          <Button
            type="button"
            variant="outline"
            size="icon-sm"
            data-testid="scroll-to-bottom"
            aria-label="Scroll to the latest message"
            title="Scroll to the latest message"
            className="absolute bottom-3 left-1/2 -translate-x-1/2 rounded-full shadow-md"
            onClick={scrollToBottom}
          >
            <ArrowDown aria-hidden />
          </Button>
        )}
      </div>
    </ViewportRegistryContext>
  );
}
