"use client";

// Paging up a long conversation: it arrives with its latest messages only; coming near the top
// (or the "Show earlier messages" button) loads the previous page, keeping what is on screen in place.
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type RefObject } from "react";

type Options = {
  /** Saved messages before the first one shown, not loaded yet. */
  earlierCount: number;
  /** The first message shown: it changes when a page was put in front. */
  firstId: string | undefined;
  /** Loads the page before the first message shown (prepends it). */
  onShowEarlier: () => Promise<void>;
};

export function usePageUp(scrollRef: RefObject<HTMLDivElement | null>, { earlierCount, firstId, onShowEarlier }: Options) {
  const topRef = useRef<HTMLDivElement>(null);
  const keepFromBottom = useRef<number | null>(null);
  const [loading, setLoading] = useState(false);
  const loadingRef = useRef(false);

  const showEarlier = useCallback(() => {
    if (loadingRef.current) return;
    loadingRef.current = true;
    setLoading(true);
    const el = scrollRef.current;
    if (el) keepFromBottom.current = el.scrollHeight - el.scrollTop;
    onShowEarlier().finally(() => {
      loadingRef.current = false;
      setLoading(false);
    });
  }, [scrollRef, onShowEarlier]);

  // After older messages were added above, put the content that was on screen back in place
  // (unless the browser's scroll anchoring already did).
  useLayoutEffect(() => {
    const el = scrollRef.current;
    const fromBottom = keepFromBottom.current;
    if (!el || fromBottom === null) return;
    keepFromBottom.current = null;
    const wanted = el.scrollHeight - fromBottom;
    if (Math.abs(el.scrollTop - wanted) > 1) el.scrollTop = wanted;
  }, [scrollRef, firstId]);

  // Coming near the top loads the previous messages.
  const hasEarlier = earlierCount > 0;
  useEffect(() => {
    const el = scrollRef.current;
    const sentinel = topRef.current;
    if (!el || !sentinel || !hasEarlier || loading || typeof IntersectionObserver === "undefined") return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) showEarlier();
      },
      { root: el, rootMargin: "800px 0px 0px 0px" },
    );
    observer.observe(sentinel);
    return () => observer.disconnect();
  }, [scrollRef, hasEarlier, loading, showEarlier]);

  return { topRef, hasEarlier, loading, showEarlier };
}
