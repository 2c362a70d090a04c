"use client";

import { useSearchParams } from "next/navigation";
import { useEffect } from "react";

// Opening `/c/{id}?m={messageId}` (a search result) shows that message: once an element with
// `data-message-id="{messageId}"` appears, it is scrolled to the middle of its scroll container
// and briefly outlined. Layout settling after that (rows upgrading to Markdown, images) is
// followed for a moment, until the user scrolls or types.
//
// Mount `useScrollToMessage()` (or `<ScrollToMessage />`) once in the chat page's client tree.

const WAIT_MS = 10_000;
const SETTLE_MS = [120, 350, 800, 1600];

function findMessage(id: string): HTMLElement | null {
  return document.querySelector<HTMLElement>(`[data-message-id="${CSS.escape(id)}"]`);
}

export function scrollToMessage(id: string): () => void {
  let cancelled = false;
  const timers: number[] = [];
  let observer: MutationObserver | null = null;

  const stop = () => {
    cancelled = true;
    observer?.disconnect();
    for (const t of timers) window.clearTimeout(t);
    for (const type of ["wheel", "touchstart", "keydown", "pointerdown"] as const) {
      window.removeEventListener(type, stop, { capture: true });
    }
  };

  const show = (element: HTMLElement) => {
    element.scrollIntoView({ block: "center" });
    element.setAttribute("data-scroll-target", "true");
    element.animate?.(
      [
        { boxShadow: "0 0 0 2px var(--ring)", borderRadius: "0.5rem" },
        { boxShadow: "0 0 0 2px transparent", borderRadius: "0.5rem" },
      ],
      { duration: 2400, easing: "ease-out" },
    );
    // Keep it in view while the page settles, unless the user takes over.
    for (const type of ["wheel", "touchstart", "keydown", "pointerdown"] as const) {
      window.addEventListener(type, stop, { capture: true, passive: true });
    }
    for (const ms of SETTLE_MS) {
      timers.push(
        window.setTimeout(() => {
          if (!cancelled && element.isConnected) element.scrollIntoView({ block: "center" });
        }, ms),
      );
    }
    timers.push(window.setTimeout(stop, SETTLE_MS[SETTLE_MS.length - 1] + 50));
  };

  const existing = findMessage(id);
  if (existing) {
    // After the chat's own "start at the bottom" layout effect.
    requestAnimationFrame(() => !cancelled && show(existing));
  } else {
    observer = new MutationObserver(() => {
      const found = findMessage(id);
      if (!found) return;
      observer?.disconnect();
      observer = null;
      requestAnimationFrame(() => !cancelled && show(found));
    });
    observer.observe(document.body, { childList: true, subtree: true });
    timers.push(window.setTimeout(() => observer?.disconnect(), WAIT_MS));
  }
  return stop;
}

/** Scrolls to the message named by `?m=` whenever it changes. */
export function useScrollToMessage(): void {
  const messageId = useSearchParams().get("m");
  useEffect(() => {
    if (!messageId) return;
    return scrollToMessage(messageId);
  }, [messageId]);
}

/** The same, as a component to drop into a page: renders nothing. */
export function ScrollToMessage(): null {
  useScrollToMessage();
  return null;
}
