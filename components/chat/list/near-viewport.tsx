"use client";

// Lazily upgrade message rows: rows far from the visible part of the list render cheap plain
// text first and switch to full Markdown once they come within a screen or two. One shared
// IntersectionObserver per list, rooted at the scroll container.
import { createContext, startTransition, use, useEffect, useState, type RefObject } from "react";

export type ViewportRegistry = {
  /** Start observing with the list's scroll container as root; returns a cleanup. */
  attach(root: Element): () => void;
  /** Call `onNear` once when `element` comes near the viewport; returns an unsubscribe. */
  observe(element: Element, onNear: () => void): () => void;
};

export function createViewportRegistry(rootMargin = "1500px 0px"): ViewportRegistry {
  let observer: IntersectionObserver | null = null;
  const callbacks = new Map<Element, () => void>();
  const fire = (element: Element) => {
    const callback = callbacks.get(element);
    if (!callback) return;
    callbacks.delete(element);
    observer?.unobserve(element);
    callback();
  };
  return {
    attach(root) {
      if (typeof IntersectionObserver === "undefined") {
        for (const element of [...callbacks.keys()]) fire(element);
        return () => {};
      }
      observer = new IntersectionObserver(
        (entries) => {
          for (const entry of entries) if (entry.isIntersecting) fire(entry.target);
        },
        { root, rootMargin },
      );
      for (const element of callbacks.keys()) observer.observe(element);
      return () => {
        observer?.disconnect();
        observer = null;
      };
    },
    observe(element, onNear) {
      callbacks.set(element, onNear);
      observer?.observe(element);
      return () => {
        callbacks.delete(element);
        observer?.unobserve(element);
      };
    },
  };
}

export const ViewportRegistryContext = createContext<ViewportRegistry | null>(null);

/** False until the element has once been near the viewport (or `initially` was true); then true for good. */
export function useNearViewport(ref: RefObject<Element | null>, initially: boolean): boolean {
  const registry = use(ViewportRegistryContext);
  const [near, setNear] = useState(initially || registry === null);
  useEffect(() => {
    const element = ref.current;
    if (near || !registry || !element) return;
    // A transition: upgrading rows to Markdown never blocks typing or scrolling.
    return registry.observe(element, () => startTransition(() => setNear(true)));
  }, [near, registry, ref]);
  return near;
}
