"use client";

// One row of the conversation (a question, an answer, or a comparison until one of its answers
// is kept), memoized so that while an answer streams the rows before it are not rendered again.
import { lazy, memo, Suspense, use, useRef, type ReactNode } from "react";
import type { ChatUIMessage } from "@/lib/chat/types";
import type { CompareActions } from "@/components/compare/comparison";
import { prerenderKey } from "../markdown/prerender-key";
import { PrerenderedContext } from "../markdown/prerendered";
import { AlternativeSwitcher } from "../message/alternative-switcher";
import { MessageAssistant } from "../message/message-assistant";
import { MessageUser } from "../message/message-user";
import { compareColumns, isDecided, questionIdAt, type Alternatives } from "../store/alternatives";
import { useNearViewport } from "./near-viewport";

// Compared columns are their own chunk: most conversations never hold one.
const CompareTurn = lazy(() => import("@/components/compare/compare-turn").then((m) => ({ default: m.CompareTurn })));

/** Stable callbacks the rows use; created once by <Chat>. */
export type MessageActions = {
  conversationId: string;
  regenerate: (messageId: string) => void;
  edit: (messageId: string, text: string) => void;
  /** Show another answer of the turn that answers `questionId`. */
  showAlternative: (questionId: string, messageId: string) => void;
  /** Answer a tool call's approval request (approve or deny; "always allow" names the tool). */
  answerToolApproval: (approvalId: string, approved: boolean, alwaysAllowTool?: string) => void;
  compare: CompareActions;
};

/** Rows this close to the end render fully at once; older ones upgrade as they near the viewport. */
const EAGER_ROWS = 16;

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

export const MessageRow = memo(
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
                onToolApproval={canRegenerate ? actions.answerToolApproval : undefined}
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
export function rowsFor(
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
