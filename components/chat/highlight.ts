"use client";

// Syntax highlighting for fenced code blocks, with one shared highlight.js (lowlight) instance
// loaded on demand.
//
// Why not rehype-highlight: react-markdown builds a new unified processor on every render, and
// rehype-highlight creates (and registers ~37 grammars into) a new lowlight instance each time
// its plugin is attached — i.e. for every Markdown render, including every update of a
// streaming answer. This plugin does the same job with one instance for the page, and keeps
// highlight.js (~50 KB gzipped) out of the first load: code renders plain until it arrives.
// (lowlight is the package rehype-highlight uses; it is installed with it.)
import { useSyncExternalStore } from "react";
import type { ExtraProps } from "react-markdown";

type Lowlight = ReturnType<typeof import("lowlight").createLowlight>;
type Element = NonNullable<ExtraProps["node"]>;
type Node = Element | Element["children"][number] | { type: "root"; children: Element["children"] };

let engine: Lowlight | null = null;
let loading: Promise<void> | null = null;
const listeners = new Set<() => void>();

/** Fetch highlight.js once; blocks with code re-render highlighted when it is ready. */
export function loadHighlighter(): void {
  if (engine || loading) return;
  loading = import("lowlight")
    .then(({ common, createLowlight }) => {
      engine = createLowlight(common);
      for (const listener of listeners) listener();
    })
    .catch(() => {
      loading = null; // try again next time a code block mounts
    });
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/**
 * Whether highlighting may be applied in this render. False on the server and while hydrating
 * (so the markup matches the server's), true once highlight.js has loaded.
 */
export function useHighlighterReady(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => engine !== null,
    () => false,
  );
}

function textOf(node: Node): string {
  if (node.type === "text") return node.value;
  if ("children" in node) return node.children.map((child) => textOf(child)).join("");
  return "";
}

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

/** rehype plugin: highlight `pre > code.language-*` blocks (no auto-detection) once highlight.js is loaded. */
export function rehypeHighlightCode() {
  return (tree: Node) => {
    if (engine) visit(engine, tree);
  };
}
