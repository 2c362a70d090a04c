"use client";

import { memo, type ReactNode } from "react";
import type { ChatUIMessage } from "@/lib/chat/types";
import { ChatError } from "../chat-error";
import { MessageImage } from "./message-files";
import { MessageFooter } from "./message-footer";
import { MessageMarkdown } from "../markdown/message-markdown";
import { isToolPart, messageText, toolNameOf, type MessagePart } from "./message-parts";
import { MessageReasoning } from "./message-reasoning";
import { MessageSources } from "./message-sources";
import { MessageTool } from "./message-tool";

type MessageAssistantProps = {
  message: ChatUIMessage;
  /** This answer is being generated right now. */
  streaming: boolean;
  stopped: boolean;
  /** Far outside the viewport: render text without parsing Markdown yet. */
  deferred: boolean;
  /** A live error card for this answer is shown below the list instead of the saved one. */
  hideSavedError: boolean;
  /** Regenerate / retry this answer; given only for the last answer while idle. */
  onRegenerate?: (messageId: string) => void;
  /** Answer a tool call's approval request; given only for the last answer while idle. */
  onToolApproval?: (approvalId: string, approved: boolean, alwaysAllowTool?: string) => void;
};

function TypingDots() {
  return (
    <span data-testid="typing" className="inline-flex gap-1 py-2" aria-label="Generating">
      {[0, 1, 2].map((i) => (
        <span key={i} className="size-1.5 animate-pulse rounded-full bg-muted-foreground/60" style={{ animationDelay: `${i * 150}ms` }} />
      ))}
    </span>
  );
}

/** One answer: its parts in order (text, reasoning, tool calls, sources, images), then the footer. */
export const MessageAssistant = memo(function MessageAssistant({
  message,
  streaming,
  stopped,
  deferred,
  hideSavedError,
  onRegenerate,
  onToolApproval,
}: MessageAssistantProps) {
  const metadata = message.metadata;
  const content: ReactNode[] = [];
  const sources: Extract<MessagePart, { type: "source-url" }>[] = [];
  let hasVisible = false;

  message.parts.forEach((part, index) => {
    if (part.type === "text") {
      if (!part.text) return;
      hasVisible = true;
      content.push(<MessageMarkdown key={index} messageId={message.id} partIndex={index} text={part.text} deferred={deferred} />);
    } else if (part.type === "reasoning") {
      const live = streaming && part.state === "streaming";
      if (!part.text && !live) return;
      hasVisible = true;
      content.push(<MessageReasoning key={index} text={part.text} streaming={live} />);
    } else if (isToolPart(part)) {
      hasVisible = true;
      content.push(
        <MessageTool
          key={part.toolCallId || index}
          name={toolNameOf(part)}
          state={part.state}
          input={part.input}
          output={part.output}
          errorText={part.errorText}
          durationMs={metadata?.toolDurations?.[part.toolCallId]}
          approval={part.state === "approval-requested" ? { id: part.approval.id, reason: part.approval.requestReason } : undefined}
          onApproval={onToolApproval}
        />,
      );
    } else if (part.type === "source-url") {
      sources.push(part);
    } else if (part.type === "file" && part.mediaType.startsWith("image/")) {
      hasVisible = true;
      content.push(<MessageImage key={index} part={part} />);
    }
    // step-start and data-* parts render nothing.
  });

  const status = metadata?.status ?? (streaming ? "streaming" : "complete");
  const savedError = metadata?.status === "error" && metadata.error && !hideSavedError ? metadata.error : null;
  const isStopped = stopped || metadata?.status === "partial";

  return (
    <article
      data-testid="message-assistant"
      data-message-id={message.id}
      data-status={status}
      data-streaming={streaming ? "true" : "false"}
      aria-busy={streaming || undefined}
      className="group/message grid gap-2"
    >
      <div data-testid="message-content" className="grid min-w-0 gap-3">
        {content}
        {streaming && !hasVisible && <TypingDots />}
      </div>
      {sources.length > 0 && <MessageSources parts={sources} />}
      {savedError && <ChatError error={savedError} onRetry={onRegenerate ? () => onRegenerate(message.id) : undefined} />}
      {(hasVisible || streaming || savedError || isStopped) && (
        <MessageFooter
          metadata={metadata}
          streaming={streaming}
          stopped={isStopped}
          getText={() => messageText(message)}
          onRegenerate={onRegenerate ? () => onRegenerate(message.id) : undefined}
        />
      )}
    </article>
  );
});
