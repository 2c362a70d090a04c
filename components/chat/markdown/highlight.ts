"use client";

// The browser's highlight.js (lowlight), loaded on demand: code renders plain until it arrives.
// Saved answers come highlighted from the server (markdown-server.tsx); this is for answers
// rendered in the browser (streamed ones, older pages).
import { useSyncExternalStore } from "react";
import { rehypeHighlightWith, type Lowlight } from "./highlight-core";

let plugin: ReturnType<typeof rehypeHighlightWith> | null = null;
let loading: Promise<void> | null = null;
const listeners = new Set<() => void>();

/** Fetch highlight.js once; blocks with code re-render highlighted when it is ready. */
export function loadHighlighter(): void {
  if (plugin || loading) return;
  loading = import("lowlight")
    .then(({ common, createLowlight }) => {
      const engine: Lowlight = createLowlight(common);
      plugin = rehypeHighlightWith(engine);
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
 * The highlighting plugin once highlight.js has loaded; null on the server render of a client
 * component and while hydrating (so the markup matches the server's) or until it is loaded.
 */
export function useHighlightPlugin(): ReturnType<typeof rehypeHighlightWith> | null {
  return useSyncExternalStore(
    subscribe,
    () => plugin,
    () => null,
  );
}
