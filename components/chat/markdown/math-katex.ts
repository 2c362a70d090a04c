// KaTeX as the MathRenderer of math-core.ts: the server imports it directly (markdown-server.tsx),
// the browser loads it on demand (math.ts). KaTeX's output is its own markup (spans with inline
// styles, MathML with the LaTeX source as an annotation, which copy-tex copies); it is made from
// the formula alone, with every command that could carry a URL, a class, an id, a style or data
// attributes (\href, \url, \includegraphics, \htmlClass, …) refused: such a formula reads as its
// source instead of being typeset.
import type { ElementContent } from "hast";
import { fromHtmlIsomorphic } from "hast-util-from-html-isomorphic";
import katex from "katex";
import type { MathRenderer } from "./math-core";

/** Bounded, so a long conversation's formulas do not pile up. */
const CACHE_SIZE = 500;

/** A formula that cannot be typeset, or that asked for a refused command. */
class Refused extends Error {}

function typeset(latex: string, displayMode: boolean): ElementContent[] | null {
  let refused = false;
  let html: string;
  try {
    html = katex.renderToString(latex, {
      displayMode,
      throwOnError: true,
      // A function rather than `false`: KaTeX would render a refused command as red text; this
      // makes the whole formula fall back to its source.
      trust: () => {
        refused = true;
        return false;
      },
      // Only LaTeX-compatibility warnings (e.g. Unicode in math mode); they are not errors here.
      strict: "ignore",
      output: "htmlAndMathml",
      maxSize: 20,
      maxExpand: 1000,
    });
    if (refused) throw new Refused();
  } catch {
    return null;
  }
  return fromHtmlIsomorphic(html, { fragment: true }).children as ElementContent[];
}

/**
 * A renderer with a cache: a streaming answer re-renders its last block on every token, and its
 * formulas with it. The cached nodes are shared between renders; nothing after this plugin
 * changes them (react-markdown only reads the tree).
 */
export function createKatexRenderer(): MathRenderer {
  const cache = new Map<string, ElementContent[] | null>();
  return (latex, displayMode) => {
    const key = `${displayMode ? "D" : "I"}${latex}`;
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    const nodes = typeset(latex, displayMode);
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(key, nodes);
    return nodes;
  };
}
