"use client";

// The scrolling conversation: its rows (message-row.tsx), stuck to the bottom while an answer
// streams unless the user scrolls up (use-stick-to-bottom.ts), paging up through older messages
// (use-page-up.ts).
import { useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { ArrowDown } from "lucide-react";
import { Button } from "@/components/ui/button";
import type { ChatUIMessage } from "@/lib/chat/types";
import { questionIdAt, type Alternatives } from "../store/alternatives";
import { MessageRow, rowsFor, type MessageActions } from "./message-row";
import { createViewportRegistry, ViewportRegistryContext } from "./near-viewport";
import { usePageUp } from "./use-page-up";
import { useStickToBottom } from "./use-stick-to-bottom";

export type { MessageActions } from "./message-row";

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
  const [registry] = useState(() => createViewportRegistry());
  useEffect(() => {
    const el = scrollRef.current;
    return el ? registry.attach(el) : undefined;
  }, [registry]);
  // Paging first: after a page was put in front, the content on screen is put back in place
  // before the list follows the bottom (when it is stuck there).
  const {
    topRef,
    hasEarlier,
    loading: loadingEarlier,
    showEarlier,
  } = usePageUp(scrollRef, { earlierCount, firstId: messages[0]?.id, onShowEarlier });
  const { contentRef, atBottom, scrollToBottom, onScroll } = useStickToBottom(scrollRef, messages);
  const count = messages.length;

  // Every row but the last, memoized: while an answer streams only the last message changes, so
  // the others are not even re-checked on each token. The AI SDK only appends, truncates, or
  // replaces the streaming message; an earlier row changes only when another answer of its turn
  // is shown, which changes that row's message id. So the earlier rows are keyed on their ids and
  // on the first and last earlier message. (Not on the alternatives map alone: a switch reaches
  // the messages through the engine a moment after the map, and the row would keep the old answer.)
  // The last row joins the same keyed array, so a message keeps its row (and its local state)
  // when it stops being the last.
  const first = messages[0];
  const lastEarlier = count > 1 ? messages[count - 2] : undefined;
  let earlierIds = "";
  for (let i = 0; i < count - 1; i++) earlierIds += `${messages[i].id} `;
  const earlier = useMemo(
    () => rowsFor(messages, 0, Math.max(0, count - 1), stoppedIds, actions, alternatives),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- keyed on the earlier messages' ids, first and last on purpose (see above)
    [earlierIds, first, lastEarlier, stoppedIds, actions, alternatives],
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
          onScroll={onScroll}
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
                    <span key={i} className="size-1.5 animate-pulse rounded-full bg-muted-foreground/60" style={{ animationDelay: `${i * 150}ms` }} />
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
