"use client";

// The browser's Markdown renderer (for answers streamed or paged in after the page loaded).
// Loaded lazily by message-markdown.tsx: a page whose answers came rendered from the server
// carries none of this.
import { memo, useEffect, useLayoutEffect, useRef, useState } from "react";
import { loadHighlighter, useHighlightPlugin } from "./highlight";
import { FENCE, isPlainProse, MarkdownView } from "./markdown-core";
import { splitMarkdownBlocks } from "./markdown-blocks";
import { loadMath, useMathRenderer } from "./math";
import { mayContainMath, normalizeMath } from "./math-delimiters";

/**
 * A block with a fenced code block or math: plain at first (and while hydrating), highlighted
 * and typeset once highlight.js and KaTeX, each loaded only when a block needs it, are ready.
 */
function RichMarkdown({ text, code, math }: { text: string; code: boolean; math: boolean }) {
  const highlight = useHighlightPlugin();
  const renderer = useMathRenderer();
  useEffect(() => {
    if (code) loadHighlighter();
  }, [code]);
  useEffect(() => {
    if (math) loadMath();
  }, [math]);
  return <MarkdownView text={text} highlight={code ? highlight : null} math={renderer} mathNormalized />;
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

/** One top-level block (its math already normalized); re-renders only when its own text changes. */
const MarkdownBlock = memo(function MarkdownBlock({ text }: { text: string }) {
  const code = FENCE.test(text);
  const math = mayContainMath(text);
  if (code || math) return <RichMarkdown text={text} code={code} math={math} />;
  if (isPlainProse(text)) return <GrowingProse text={text.trimEnd()} />;
  return <MarkdownView text={text} highlight={null} math={null} mathNormalized />;
});

/**
 * An answer's text as Markdown, split into memoized top-level blocks. Math delimiters are
 * normalized over the whole text first, so a display formula with blank lines stays one block.
 */
export default function MarkdownBlocks({ text }: { text: string }) {
  return splitMarkdownBlocks(normalizeMath(text).text).map((block, index) => <MarkdownBlock key={index} text={block} />);
}
