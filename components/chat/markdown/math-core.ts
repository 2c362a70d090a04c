// Math nodes (remark-math's `code.math-inline` and `pre > code.math-display`, after
// rehype-sanitize) typeset with a MathRenderer, or shown as their LaTeX source when there is
// none yet (the browser is still loading KaTeX) or the formula does not typeset.
//
// Why not rehype-katex: on a formula KaTeX rejects it renders KaTeX's red error markup, and a
// streamed answer would flash it; here a formula either typesets or reads as its source. It runs
// after the sanitizer, so the only markup it adds is KaTeX's own (see math-katex.ts).
import type { Element, ElementContent, Root, RootContent } from "hast";
import { textOf } from "./hast-text";

/** Typeset LaTeX as hast nodes; null when the formula is invalid or not allowed. */
export type MathRenderer = (latex: string, displayMode: boolean) => ElementContent[] | null;

function hasClass(node: Element, name: string): boolean {
  const classes = node.properties.className;
  return Array.isArray(classes) && classes.includes(name);
}

/** A formula's source as text: what a reader can still copy and read when it cannot be typeset. */
function source(latex: string, displayMode: boolean, failed: boolean): Element {
  const code: Element = {
    type: "element",
    tagName: "code",
    properties: {
      className: ["math-source"],
      dataTestid: "math-source",
      ...(failed ? { title: "This formula could not be typeset" } : {}),
    },
    children: [{ type: "text", value: displayMode ? `$$${latex}$$` : `$${latex}$` }],
  };
  if (!displayMode) return code;
  return { type: "element", tagName: "div", properties: { className: ["math-display", "math-display-source"] }, children: [code] };
}

function typeset(render: MathRenderer | null, latex: string, displayMode: boolean): Element {
  const nodes = render?.(latex, displayMode) ?? null;
  if (!nodes) return source(latex, displayMode, render !== null);
  return {
    type: "element",
    tagName: displayMode ? "div" : "span",
    properties: { className: ["math", displayMode ? "math-display" : "math-inline"], dataTestid: displayMode ? "math-display" : "math-inline" },
    children: nodes,
  };
}

function mathOf(node: Element): { latex: string; displayMode: boolean } | null {
  if (node.tagName === "code" && hasClass(node, "math-inline")) return { latex: textOf(node), displayMode: false };
  if (node.tagName === "pre") {
    const code = node.children.find((child): child is Element => child.type === "element" && child.tagName === "code");
    if (code && hasClass(code, "math-display")) return { latex: textOf(code).replace(/\n$/, ""), displayMode: true };
  }
  return null;
}

function visit(render: MathRenderer | null, parent: Root | Element): void {
  parent.children.forEach((child: RootContent, index) => {
    if (child.type !== "element") return;
    const math = mathOf(child);
    if (math) parent.children[index] = typeset(render, math.latex, math.displayMode);
    else visit(render, child);
  });
}

/** rehype plugin factory: math nodes typeset by `render`, or as their source while it is null. */
export function rehypeMathWith(render: MathRenderer | null) {
  return function rehypeMath() {
    return (tree: Root) => visit(render, tree);
  };
}
