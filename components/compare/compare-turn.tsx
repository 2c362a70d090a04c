"use client";

import { memo, use, useCallback, useEffect, useState } from "react";
import { Check, RotateCcw, Square } from "lucide-react";
import { Button } from "@/components/ui/button";
import type { ChatUIMessage } from "@/lib/chat/types";
import { StoppedAnswersContext } from "@/components/chat/chat-context";
import { ChatError, describeChatError } from "@/components/chat/chat-error";
import { MessageAssistant } from "@/components/chat/message/message-assistant";
import type { CompareActions } from "./comparison";
import { CompareSummary } from "./compare-summary";
import { COLUMN_THROTTLE_MS, useColumnStream } from "./use-column-stream";

type ColumnProps = {
  conversationId: string;
  questionId: string;
  message: ChatUIMessage;
  actions: CompareActions;
  onLive: (column: number, message: ChatUIMessage, streaming: boolean) => void;
};

function CompareColumn({ conversationId, questionId, message, actions, onLive }: ColumnProps) {
  const column = message.metadata?.compare?.column ?? 0;
  const { onColumnFinish, onStreaming } = actions;
  const onFinish = useCallback((done: ChatUIMessage) => onColumnFinish(questionId, done), [onColumnFinish, questionId]);
  const stream = useColumnStream({ conversationId, message, live: message.metadata?.status === "streaming", onFinish });
  const model = stream.message.metadata?.model ?? message.metadata?.model ?? "";
  const stopped = stream.stopped || use(StoppedAnswersContext).has(stream.message.id);

  useEffect(() => {
    onLive(column, stream.message, stream.streaming);
  }, [onLive, column, stream.message, stream.streaming]);
  const streamingId = stream.message.id;
  useEffect(() => {
    onStreaming(streamingId, stream.streaming);
    return () => onStreaming(streamingId, false);
  }, [onStreaming, streamingId, stream.streaming]);

  const failed = stream.error ? describeChatError(stream.error) : null;
  const status = stream.message.metadata?.status;
  return (
    <section
      data-testid="compare-column"
      data-column={column}
      data-model={model}
      data-message-id={stream.message.id}
      data-streaming={stream.streaming ? "true" : "false"}
      aria-label={`Answer from ${model}`}
      className="grid min-w-0 content-start gap-2 rounded-lg border border-border p-3"
    >
      <header className="flex items-center justify-between gap-2">
        <span className="truncate font-mono text-xs font-medium" data-testid="compare-column-model" title={model}>
          {model}
        </span>
        <span className="flex items-center gap-1">
          {stream.streaming ? (
            <Button type="button" size="sm" variant="outline" data-testid="compare-stop" onClick={stream.stop} aria-label={`Stop ${model}`}>
              <Square aria-hidden className="size-3 fill-current" /> Stop
            </Button>
          ) : (
            <>
              <Button
                type="button"
                size="sm"
                variant="ghost"
                data-testid="compare-retry"
                aria-label={`Ask ${model} again`}
                title="Ask this model again"
                onClick={() => {
                  const body = actions.retryBody(model);
                  // A column that searched the web searches again.
                  stream.retry(stream.message.metadata?.webSearch ? { ...body, webSearch: true } : body);
                }}
              >
                <RotateCcw aria-hidden className="size-3.5" />
              </Button>
              {status !== "error" && (
                <Button
                  type="button"
                  size="sm"
                  data-testid="compare-keep"
                  aria-label={`Continue with the answer from ${model}`}
                  onClick={() => actions.onKeep(questionId, stream.message.id)}
                >
                  <Check aria-hidden className="size-3.5" /> Keep
                </Button>
              )}
            </>
          )}
        </span>
      </header>
      {stream.engine && <stream.engine.EngineState chat={stream.engine.chat} throttle={COLUMN_THROTTLE_MS} onChange={stream.onEngineChange} />}
      <MessageAssistant message={stream.message} streaming={stream.streaming} stopped={stopped} deferred={false} hideSavedError={false} />
      {failed && <ChatError error={failed} />}
    </section>
  );
}

type CompareTurnProps = {
  conversationId: string;
  questionId: string;
  columns: ChatUIMessage[];
  actions: CompareActions;
};

/** A comparison: one column per model, streaming side by side (stacked on a phone), and their summary. */
export const CompareTurn = memo(function CompareTurn({ conversationId, questionId, columns, actions }: CompareTurnProps) {
  const [live, setLive] = useState<ReadonlyMap<number, { message: ChatUIMessage; streaming: boolean }>>(() => new Map());
  const onLive = useCallback((column: number, message: ChatUIMessage, streaming: boolean) => {
    setLive((previous) => {
      const current = previous.get(column);
      if (current && current.message === message && current.streaming === streaming) return previous;
      return new Map(previous).set(column, { message, streaming });
    });
  }, []);
  const rows = columns.map((message) => live.get(message.metadata?.compare?.column ?? 0) ?? { message, streaming: false });
  return (
    <div data-testid="compare-turn" data-columns={columns.length} className="grid gap-3">
      <div
        className="grid grid-cols-1 gap-3 md:grid-cols-2 xl:grid-cols-[repeat(var(--columns),minmax(0,1fr))]"
        style={{ ["--columns" as string]: columns.length }}
      >
        {columns.map((message) => (
          <CompareColumn
            key={message.metadata?.compare?.column ?? message.id}
            conversationId={conversationId}
            questionId={questionId}
            message={message}
            actions={actions}
            onLive={onLive}
          />
        ))}
      </div>
      <CompareSummary rows={rows} />
    </div>
  );
});
