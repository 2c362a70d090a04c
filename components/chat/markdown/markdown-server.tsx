import "server-only";

// Saved answers rendered to Markdown on the server, with the same pipeline the browser uses
// (markdown-core.tsx: react-markdown, GFM, highlight.js, rehype-sanitize). The chat page passes
// the result down as React nodes, so the browser shows and hydrates them without loading the
// Markdown and highlighting code at all.
import type { ReactNode } from "react";
import { common, createLowlight } from "lowlight";
import type { ChatUIMessage } from "@/lib/chat/types";
import { rehypeHighlightWith } from "./highlight-core";
import { MarkdownView } from "./markdown-core";
import { prerenderKey, type PrerenderedMarkdown } from "./prerender-key";

const highlight = rehypeHighlightWith(createLowlight(common));

/** Every text part of these answers, rendered, keyed by `prerenderKey`. */
export function prerenderAnswers(messages: ChatUIMessage[]): PrerenderedMarkdown {
  const rendered: Record<string, ReactNode> = {};
  for (const message of messages) {
    if (message.role !== "assistant") continue;
    message.parts.forEach((part, index) => {
      if (part.type !== "text" || !part.text) return;
      rendered[prerenderKey(message.id, index, part.text)] = <MarkdownView text={part.text} highlight={highlight} />;
    });
  }
  return rendered;
}
