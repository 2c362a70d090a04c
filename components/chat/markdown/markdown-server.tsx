import "server-only";

// Saved answers rendered to Markdown on the server, with the same pipeline the browser uses
// (markdown-core.tsx: react-markdown, GFM, highlight.js, rehype-sanitize, KaTeX). The chat page
// passes the result down as React nodes, so the browser shows and hydrates them without loading
// the Markdown, highlighting and math code at all (only copy-tex, where an answer has math).
import type { ReactNode } from "react";
import { common, createLowlight } from "lowlight";
import type { ChatUIMessage } from "@/lib/chat/types";
import { rehypeHighlightWith } from "./highlight-core";
import { MarkdownView } from "./markdown-core";
import { MathCopySupport } from "./math-copy";
import { normalizeMath } from "./math-delimiters";
import { createKatexRenderer } from "./math-katex";
import { prerenderKey, type PrerenderedMarkdown } from "./prerender-key";

const highlight = rehypeHighlightWith(createLowlight(common));
const math = createKatexRenderer();

/** Every text part of these answers, rendered, keyed by `prerenderKey`. */
export function prerenderAnswers(messages: ChatUIMessage[]): PrerenderedMarkdown {
  const rendered: Record<string, ReactNode> = {};
  for (const message of messages) {
    if (message.role !== "assistant") continue;
    message.parts.forEach((part, index) => {
      if (part.type !== "text" || !part.text) return;
      const normalized = normalizeMath(part.text);
      rendered[prerenderKey(message.id, index, part.text)] = (
        <>
          <MarkdownView text={normalized.text} highlight={highlight} math={math} mathNormalized />
          {normalized.hasMath && <MathCopySupport />}
        </>
      );
    });
  }
  return rendered;
}
