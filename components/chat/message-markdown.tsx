"use client";

import { lazy, memo, Suspense } from "react";
import { cn } from "@/lib/utils";

// The Markdown pipeline (remark, rehype, sanitize, ~50 KB gzipped) is its own chunk: a new
// chat's first load does not carry it, and on a saved conversation the rows hydrate on their
// own once it arrives (the server already rendered them), without holding up the composer.
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
  text: string;
  /** Render plain text instead (cheap), for rows far outside the viewport. */
  deferred?: boolean;
  className?: string;
};

/** An answer's text part: sanitized Markdown (plain text while far away or still loading). */
export const MessageMarkdown = memo(function MessageMarkdown({ text, deferred, className }: MessageMarkdownProps) {
  return (
    <div className={cn("prose-chat", className)} data-testid="message-text">
      {deferred ? (
        <PlainText text={text} />
      ) : (
        <Suspense fallback={<PlainText text={text} />}>
          <MarkdownBlocks text={text} />
        </Suspense>
      )}
    </div>
  );
});
