"use client";

// The browser's Markdown renderer (for answers streamed or paged in after the page loaded).
// Loaded lazily by message-markdown.tsx: a page whose answers came rendered from the server
// carries none of this.
import { memo, useEffect } from "react";
import { loadHighlighter, useHighlightPlugin } from "./highlight";
import { FENCE, MarkdownView } from "./markdown-core";
import { splitMarkdownBlocks } from "./markdown-blocks";

/** A block with a fenced code block: plain at first (and while hydrating), highlighted once highlight.js is loaded. */
function CodeMarkdown({ text }: { text: string }) {
  const highlight = useHighlightPlugin();
  useEffect(() => loadHighlighter(), []);
  return <MarkdownView text={text} highlight={highlight} />;
}

/** One top-level block; re-renders only when its own text changes. */
const MarkdownBlock = memo(function MarkdownBlock({ text }: { text: string }) {
  return FENCE.test(text) ? <CodeMarkdown text={text} /> : <MarkdownView text={text} highlight={null} />;
});

/** An answer's text as Markdown, split into memoized top-level blocks. */
export default function MarkdownBlocks({ text }: { text: string }) {
  return splitMarkdownBlocks(text).map((block, index) => <MarkdownBlock key={index} text={block} />);
}
