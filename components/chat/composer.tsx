"use client";

import { memo, useRef } from "react";
import { ArrowUp, Square } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Kbd } from "@/components/ui/kbd";
import { Textarea } from "@/components/ui/textarea";
import { formatUsd } from "@/lib/money";
import { useCostPreview } from "@/components/spend/use-cost-preview";
import { useDraft } from "./draft-store";

type ComposerProps = {
  conversationId: string;
  /** An answer is being requested or streamed: show Stop instead of Send. */
  busy: boolean;
  /** Returns false when the text was not sent (the draft is then kept). */
  onSend: (text: string) => boolean;
  onStop: () => void;
  /** The model the next message goes to (for the cost preview). */
  model: string;
  /** Estimate against this saved conversation's context (null before it exists). */
  estimateConversationId: string | null;
  /** Overrides the built-in preview: the estimated input cost of the next message, nano-USD. */
  estimateInputCostNano?: bigint | string | null;
};

function isComposing(event: React.KeyboardEvent<HTMLTextAreaElement>): boolean {
  // keyCode 229: some browsers report IME keystrokes this way without isComposing.
  return event.nativeEvent.isComposing || event.keyCode === 229;
}

/** The message box: Enter sends, Shift+Enter is a newline, the draft survives reloads. */
export const Composer = memo(function Composer({
  conversationId,
  busy,
  onSend,
  onStop,
  model,
  estimateConversationId,
  estimateInputCostNano,
}: ComposerProps) {
  const [draft, setDraft] = useDraft(conversationId);
  // The spend feature's estimate of what sending the draft would cost (debounced server call).
  const preview = useCostPreview({
    conversationId: estimateConversationId,
    model,
    text: draft,
    enabled: estimateInputCostNano === undefined,
  });
  const estimate = estimateInputCostNano !== undefined ? estimateInputCostNano : preview.inputCostNano;
  const localRef = useRef<HTMLTextAreaElement>(null);
  const canSend = draft.trim().length > 0 && !busy;

  const submit = () => {
    const text = draft.trim();
    if (!text || busy) return;
    if (!onSend(text)) return;
    setDraft("");
    localRef.current?.focus();
  };

  let costPreview: string | null = null;
  if (estimate !== undefined && estimate !== null) {
    try {
      costPreview = formatUsd(typeof estimate === "bigint" ? estimate : BigInt(estimate));
    } catch {
      costPreview = null;
    }
  }

  return (
    <form
      data-testid="composer"
      aria-label="Send a message"
      className="border-t border-border bg-background px-4 pt-3 pb-4"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <div className="mx-auto flex w-full max-w-3xl flex-col gap-1.5">
        <div className="flex items-end gap-2 rounded-xl border border-input bg-background p-2 shadow-xs focus-within:border-ring focus-within:ring-[3px] focus-within:ring-ring/40">
          <Textarea
            autoGrow
            ref={localRef}
            data-testid="composer-input"
            aria-label="Message"
            placeholder="Send a message…"
            className="max-h-60 min-h-9 border-0 bg-transparent px-2 py-1.5 shadow-none focus-visible:ring-0 dark:bg-transparent"
            value={draft}
            onChange={(event) => setDraft(event.target.value)}
            onKeyDown={(event) => {
              if (event.key !== "Enter" || event.shiftKey || isComposing(event)) return;
              event.preventDefault();
              submit();
            }}
          />
          {busy ? (
            <Button
              type="button"
              size="icon"
              variant="secondary"
              data-testid="stop"
              aria-label="Stop generating"
              title="Stop generating"
              onClick={onStop}
            >
              <Square aria-hidden className="size-3.5 fill-current" />
            </Button>
          ) : (
            <Button type="submit" size="icon" data-testid="send" aria-label="Send message" title="Send" disabled={!canSend}>
              <ArrowUp aria-hidden />
            </Button>
          )}
        </div>
        <div className="flex items-center justify-between gap-2 px-1 text-xs text-muted-foreground">
          <span className="hidden sm:inline">
            <Kbd>Enter</Kbd> to send, <Kbd>Shift</Kbd>+<Kbd>Enter</Kbd> for a new line
          </span>
          {costPreview !== null ? (
            <span data-testid="cost-preview" title="Estimated input cost of this message">
              ≈ {costPreview} input
            </span>
          ) : null}
        </div>
      </div>
    </form>
  );
});
