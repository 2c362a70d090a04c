"use client";

// The browser's Markdown renderer (for answers streamed or paged in after the page loaded).
// Loaded lazily by message-markdown.tsx: a page whose answers came rendered from the server
// carries none of this.
import { memo, useEffect, useLayoutEffect, useRef, useState } from "react";
import { loadHighlighter, useHighlightPlugin } from "./highlight";
import { FENCE, isPlainProse, MarkdownView } from "./markdown-core";
import { splitMarkdownBlocks } from "./markdown-blocks";

/** A block with a fenced code block: plain at first (and while hydrating), highlighted once highlight.js is loaded. */
function CodeMarkdown({ text }: { text: string }) {
  const highlight = useHighlightPlugin();
  useEffect(() => loadHighlighter(), []);
  return <MarkdownView text={text} highlight={highlight} />;
}

/**
 * Plain prose, as <MarkdownView> renders it (one paragraph), for a block that grows while an
 * answer streams: new characters are appended to the paragraph's text node instead of replacing
 * its whole text, so the browser reshapes only the new words rather than the whole paragraph.
 * React renders the first text once and never touches that node again.
 */
function GrowingProse({ text }: { text: string }) {
  const ref = useRef<HTMLParagraphElement>(null);
  const [first] = useState(text);
  useLayoutEffect(() => {
    const paragraph = ref.current;
    if (!paragraph) return;
    const node = paragraph.firstChild;
    // A block that started empty has no text node for React to have made.
    if (!(node instanceof Text)) paragraph.textContent = text;
    else if (text.startsWith(node.data)) {
      if (text.length > node.data.length) node.appendData(text.slice(node.data.length));
    } else node.data = text;
  }, [text]);
  return <p ref={ref}>{first}</p>;
}

/** One top-level block; re-renders only when its own text changes. */
const MarkdownBlock = memo(function MarkdownBlock({ text }: { text: string }) {
  if (FENCE.test(text)) return <CodeMarkdown text={text} />;
  if (isPlainProse(text)) return <GrowingProse text={text.trimEnd()} />;
  return <MarkdownView text={text} highlight={null} />;
});

/** An answer's text as Markdown, split into memoized top-level blocks. */
export default function MarkdownBlocks({ text }: { text: string }) {
  return splitMarkdownBlocks(text).map((block, index) => <MarkdownBlock key={index} text={block} />);
}
