"use client";

// The browser's KaTeX, loaded on demand like highlight.ts: formulas read as their source until it
// arrives. Saved answers come typeset from the server (markdown-server.tsx); this is for answers
// rendered in the browser (streamed ones, older pages). copy-tex comes with it, so copying a
// formula copies its LaTeX.
import { useSyncExternalStore } from "react";
import type { MathRenderer } from "./math-core";

let renderer: MathRenderer | null = null;
let loading: Promise<void> | null = null;
const listeners = new Set<() => void>();

/** Fetch KaTeX once; blocks with math re-render typeset when it is ready. */
export function loadMath(): void {
  if (renderer || loading) return;
  loading = Promise.all([import("./math-katex"), import("katex/contrib/copy-tex")])
    .then(([{ createKatexRenderer }]) => {
      renderer = createKatexRenderer();
      for (const listener of listeners) listener();
    })
    .catch(() => {
      loading = null; // try again next time a formula mounts
    });
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/** KaTeX once loaded; null on the server render of a client component, while hydrating, and until it is loaded. */
export function useMathRenderer(): MathRenderer | null {
  return useSyncExternalStore(
    subscribe,
    () => renderer,
    () => null,
  );
}
