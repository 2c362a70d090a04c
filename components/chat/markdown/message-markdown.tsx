"use client";

import { lazy, memo, Suspense, use } from "react";
import { cn } from "@/lib/utils";
import { prerenderKey } from "./prerender-key";
import { PrerenderedContext } from "./prerendered";

// The Markdown pipeline (remark, rehype, sanitize, ~50 KB gzipped) is its own chunk, fetched
// only for answers the server did not render: streamed ones and older pages scrolled into.
const loadRenderer = () => import("./markdown-renderer");
const MarkdownBlocks = lazy(loadRenderer);

/** Start fetching the Markdown renderer (e.g. when the first message is sent). */
export function preloadMarkdown(): void {
  void loadRenderer();
}

function PlainText({ text }: { text: string }) {
  return <div className="whitespace-pre-wrap">{text}</div>;
}

type MessageMarkdownProps = {
  messageId: string;
  partIndex: number;
  text: string;
  /** Render plain text instead (cheap), for rows far outside the viewport. */
  deferred?: boolean;
  className?: string;
};

/**
 * An answer's text part: sanitized Markdown — as the server rendered it when it did, else
 * rendered here (plain text while far away or while the renderer loads).
 */
export const MessageMarkdown = memo(function MessageMarkdown({ messageId, partIndex, text, deferred, className }: MessageMarkdownProps) {
  const prerendered = use(PrerenderedContext)[prerenderKey(messageId, partIndex, text)];
  let body;
  if (prerendered !== undefined) body = prerendered;
  else if (deferred) body = <PlainText text={text} />;
  else
    body = (
      <Suspense fallback={<PlainText text={text} />}>
        <MarkdownBlocks text={text} />
      </Suspense>
    );
  return (
    <div className={cn("prose-chat", className)} data-testid="message-text">
      {body}
    </div>
  );
});
