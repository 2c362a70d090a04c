"use client";

import { lazy, memo, Suspense, useRef, useState } from "react";
import type { FileUIPart } from "ai";
import { ArrowUp, Columns3, Globe, Paperclip, Square } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Kbd } from "@/components/ui/kbd";
import { Textarea } from "@/components/ui/textarea";
import { formatUsd } from "@/lib/money";
import { useCostPreview } from "@/components/spend/use-cost-preview";
import { preloadComparison } from "@/components/compare/comparison";
import { ATTACHMENT_MEDIA_TYPES } from "@/lib/attachments/types";
import { cn } from "@/lib/utils";
import { AttachmentPreviews } from "./attachment-previews";
import { useDraft } from "./draft-store";
import { useAttachments } from "./use-attachments";
import { ToolsMenu } from "./tools-menu";

// Fetched the first time Compare is switched on.
const loadCompareModels = () => import("@/components/compare/compare-models");
const CompareModels = lazy(() => loadCompareModels().then((m) => ({ default: m.CompareModels })));

/** What a message carries besides its text. */
export type ComposedExtras = {
  /** Uploaded attachments, as file parts naming their ids. */
  files: FileUIPart[];
  /** Search the web for this message. */
  webSearch: boolean;
  /** Compare mode: every model to answer this message side by side (null: the conversation's model). */
  compareModels: string[] | null;
};

type ComposerProps = {
  conversationId: string;
  /** An answer is being requested or streamed: show Stop instead of Send. */
  busy: boolean;
  /** Returns false when the message was not sent (the draft and attachments are then kept). */
  onSend: (text: string, extras: ComposedExtras) => boolean;
  onStop: () => void;
  /** The model the next message goes to (for the cost preview). */
  model: string;
  /** Estimate against this saved conversation's context (null before it exists). */
  estimateConversationId: string | null;
  /** Overrides the built-in preview: the estimated input cost of the next message, nano-USD. */
  estimateInputCostNano?: bigint | string | null;
  /** The conversation's tools menu (absent: no menu). */
  tools?: React.ComponentProps<typeof ToolsMenu>;
};

function hasFiles(transfer: DataTransfer | null): boolean {
  return !!transfer && Array.from(transfer.types).includes("Files");
}

function isComposing(event: React.KeyboardEvent<HTMLTextAreaElement>): boolean {
  // keyCode 229: some browsers report IME keystrokes this way without isComposing.
  return event.nativeEvent.isComposing || event.keyCode === 229;
}

/**
 * The message box: Enter sends, Shift+Enter is a newline, the draft survives reloads. Files come
 * by the attach button, drag and drop, or paste, and upload at once; web search is turned on for
 * the next message only (it resets once that message is sent).
 */
export const Composer = memo(function Composer({
  conversationId,
  busy,
  onSend,
  onStop,
  model,
  estimateConversationId,
  estimateInputCostNano,
  tools,
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
  const fileInputRef = useRef<HTMLInputElement>(null);
  const attachments = useAttachments();
  const [webSearch, setWebSearch] = useState(false);
  /** Compare mode stays on for the following messages until turned off. */
  const [compareModels, setCompareModels] = useState<string[] | null>(null);
  const [dragging, setDragging] = useState(false);
  const hasContent = draft.trim().length > 0 || attachments.readyParts.length > 0;
  const canSend = hasContent && !busy && !attachments.uploading && (compareModels === null || compareModels.length >= 2);

  const submit = () => {
    const text = draft.trim();
    if (!canSend) return;
    if (!onSend(text, { files: attachments.readyParts, webSearch, compareModels })) return;
    setDraft("");
    attachments.clear();
    setWebSearch(false);
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
      data-dragging={dragging ? "true" : "false"}
      aria-label="Send a message"
      className="border-t border-border bg-background px-4 pt-3 pb-4"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
      onDragOver={(event) => {
        if (!hasFiles(event.dataTransfer)) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = "copy";
        setDragging(true);
      }}
      onDragLeave={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={(event) => {
        if (!hasFiles(event.dataTransfer)) return;
        event.preventDefault();
        setDragging(false);
        attachments.add(Array.from(event.dataTransfer.files));
      }}
    >
      <div className="mx-auto flex w-full max-w-3xl flex-col gap-1.5">
        {compareModels && (
          <Suspense fallback={null}>
            <CompareModels models={compareModels} onChange={setCompareModels} />
          </Suspense>
        )}
        <div
          className={cn(
            "flex flex-col gap-1 rounded-xl border border-input bg-background p-2 shadow-xs focus-within:border-ring focus-within:ring-[3px] focus-within:ring-ring/40",
            dragging && "border-ring bg-accent/40 ring-[3px] ring-ring/40",
          )}
        >
          <AttachmentPreviews items={attachments.items} onRemove={attachments.remove} />
          <div className="flex items-end gap-1.5">
            <input
              ref={fileInputRef}
              type="file"
              multiple
              hidden
              data-testid="attach-input"
              accept={ATTACHMENT_MEDIA_TYPES.join(",")}
              onChange={(event) => {
                attachments.add(Array.from(event.target.files ?? []));
                event.target.value = "";
              }}
            />
            <Button
              type="button"
              size="icon"
              variant="ghost"
              data-testid="attach-button"
              aria-label="Attach images or PDFs"
              title="Attach images or PDFs"
              onClick={() => fileInputRef.current?.click()}
            >
              <Paperclip aria-hidden />
            </Button>
            <Textarea
              autoGrow
              ref={localRef}
              data-testid="composer-input"
              aria-label="Message"
              placeholder="Send a message…"
              className="max-h-60 min-h-9 border-0 bg-transparent px-2 py-1.5 shadow-none focus-visible:ring-0 dark:bg-transparent"
              value={draft}
              onChange={(event) => setDraft(event.target.value)}
              onPaste={(event) => {
                const files = Array.from(event.clipboardData.files);
                if (files.length === 0) return;
                // Pasted files become attachments; pasted text goes in as usual.
                event.preventDefault();
                attachments.add(files);
              }}
              onKeyDown={(event) => {
                if (event.key !== "Enter" || event.shiftKey || isComposing(event)) return;
                event.preventDefault();
                submit();
              }}
            />
            {tools && <ToolsMenu {...tools} />}
            <Button
              type="button"
              size={webSearch ? "default" : "icon"}
              variant={webSearch ? "secondary" : "ghost"}
              data-testid="web-search-toggle"
              aria-pressed={webSearch}
              aria-label="Search the web for the next message"
              title={webSearch ? "Web search is on for the next message" : "Search the web for the next message"}
              className={cn(webSearch && "text-primary")}
              onClick={() => setWebSearch((on) => !on)}
            >
              <Globe aria-hidden />
              {webSearch && <span aria-hidden>Search</span>}
            </Button>
            <Button
              type="button"
              size={compareModels ? "default" : "icon"}
              variant={compareModels ? "secondary" : "ghost"}
              data-testid="compare-toggle"
              aria-pressed={compareModels !== null}
              aria-label="Compare models side by side"
              title={compareModels ? "Compare mode is on: each model answers" : "Send the next message to several models side by side"}
              className={cn(compareModels && "text-primary")}
              onPointerEnter={() => {
                void loadCompareModels();
                preloadComparison();
              }}
              onClick={() => {
                preloadComparison();
                setCompareModels((on) => (on ? null : [model]));
              }}
            >
              <Columns3 aria-hidden />
              {compareModels && <span aria-hidden>Compare</span>}
            </Button>
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
              <Button
                type="submit"
                size="icon"
                data-testid="send"
                aria-label={attachments.uploading ? "Send message (waiting for uploads)" : "Send message"}
                title={attachments.uploading ? "Waiting for uploads to finish" : "Send"}
                disabled={!canSend}
              >
                <ArrowUp aria-hidden />
              </Button>
            )}
          </div>
        </div>
        <div className="flex items-center justify-between gap-2 px-1 text-xs text-muted-foreground">
          {dragging ? (
            <span data-testid="composer-drop-hint" className="font-medium text-foreground">
              Drop to attach images or PDFs
            </span>
          ) : (
            <span className="hidden sm:inline">
              <Kbd>Enter</Kbd> to send, <Kbd>Shift</Kbd>+<Kbd>Enter</Kbd> for a new line
            </span>
          )}
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
