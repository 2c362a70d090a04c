// Syntax highlighting of fenced code blocks as a rehype plugin over one shared lowlight
// (highlight.js) instance: the server passes its own, the browser one it loaded on demand.
//
// Why not rehype-highlight: react-markdown builds a new unified processor on every render, and
// rehype-highlight creates (and registers ~37 grammars into) a new lowlight instance each time
// its plugin is attached — i.e. for every Markdown render, including every update of a
// streaming answer. This does the same job with one instance. No auto-detection: only
// `language-*` blocks are highlighted.
import type { ExtraProps } from "react-markdown";
import { textOf } from "./hast-text";

export type Lowlight = ReturnType<typeof import("lowlight").createLowlight>;
type Element = NonNullable<ExtraProps["node"]>;
type Node = Element | Element["children"][number] | { type: "root"; children: Element["children"] };

function languageOf(code: Element): { classes: string[]; language: string | null } {
  const raw = code.properties.className;
  const classes = Array.isArray(raw) ? raw.map(String) : [];
  for (const c of classes) {
    if (c === "no-highlight" || c === "nohighlight") return { classes, language: null };
    if (c.startsWith("language-")) return { classes, language: c.slice("language-".length) };
  }
  return { classes, language: null };
}

function highlightCode(lowlight: Lowlight, code: Element): void {
  const { classes, language } = languageOf(code);
  if (!language || !lowlight.registered(language)) return;
  try {
    const result = lowlight.highlight(language, textOf(code), { prefix: "hljs-" });
    code.children = result.children as Element["children"];
    code.properties.className = ["hljs", ...classes];
  } catch {
    /* leave the block as plain text */
  }
}

function visit(lowlight: Lowlight, node: Node): void {
  if (!("children" in node)) return;
  for (const child of node.children) {
    if (child.type !== "element") continue;
    if (child.tagName === "pre") {
      for (const inner of child.children) if (inner.type === "element" && inner.tagName === "code") highlightCode(lowlight, inner);
    } else {
      visit(lowlight, child);
    }
  }
}

/** rehype plugin factory: highlight `pre > code.language-*` blocks with this lowlight. */
export function rehypeHighlightWith(lowlight: Lowlight) {
  return function rehypeHighlightCode() {
    return (tree: Node) => visit(lowlight, tree);
  };
}
