"use client";

// Sticky scrolling for the conversation: the list starts at its end, follows new tokens while it
// is at the bottom, lets go when the user scrolls up, and comes back on Send or a click on the
// "latest message" button. Hand-made rather than the use-stick-to-bottom package: it follows
// before paint (a layout effect per update, not a frame late from a ResizeObserver) and tells the
// user scrolling up from content growing under a slow frame, both measured on long streams.
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type RefObject, type UIEvent } from "react";
import type { ChatUIMessage } from "@/lib/chat/types";

/** Within this many pixels of the bottom counts as "at the bottom". */
const BOTTOM_SLACK = 48;

export function useStickToBottom(scrollRef: RefObject<HTMLDivElement | null>, messages: ChatUIMessage[]) {
  const contentRef = useRef<HTMLDivElement>(null);
  const stickRef = useRef(true);
  /** The list's scrollTop at the last scroll event, to tell the user scrolling up from content growing. */
  const lastScrollTop = useRef(0);
  const [atBottom, setAtBottom] = useState(true);

  const scrollToBottom = useCallback(() => {
    const el = scrollRef.current;
    if (!el) return;
    stickRef.current = true;
    el.scrollTop = el.scrollHeight;
    setAtBottom(true);
  }, [scrollRef]);

  // Start at the end of the conversation.
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [scrollRef]);

  // Follow new tokens while stuck to the bottom, before the frame that paints them: scrolling
  // later, from the ResizeObserver below, costs the stream an extra frame per update.
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (el && stickRef.current) el.scrollTop = el.scrollHeight;
  }, [scrollRef, messages]);

  // Follow growth React does not cause (images loading, expanding cards) while stuck to the bottom.
  useEffect(() => {
    const el = scrollRef.current;
    const content = contentRef.current;
    if (!el || !content || typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(() => {
      if (stickRef.current) el.scrollTop = el.scrollHeight;
    });
    observer.observe(content);
    return () => observer.disconnect();
  }, [scrollRef]);

  // Sending a message always brings the end into view.
  const last = messages.at(-1);
  const lastId = last?.id;
  const lastRole = last?.role;
  const previousLastId = useRef(lastId);
  useEffect(() => {
    if (lastId !== previousLastId.current && lastRole === "user") scrollToBottom();
    previousLastId.current = lastId;
  }, [lastId, lastRole, scrollToBottom]);

  const onScroll = useCallback((event: UIEvent<HTMLDivElement>) => {
    const el = event.currentTarget;
    const bottom = el.scrollHeight - el.scrollTop - el.clientHeight <= BOTTOM_SLACK;
    // Only the user moving up lets go of the bottom. Content that grew since the last follow (a
    // slow frame while streaming) leaves the list short of the bottom without any scrolling up:
    // it stays stuck and the ResizeObserver catches up.
    if (bottom) stickRef.current = true;
    else if (el.scrollTop < lastScrollTop.current - 1) stickRef.current = false;
    lastScrollTop.current = el.scrollTop;
    setAtBottom(stickRef.current);
  }, []);

  return { contentRef, atBottom, scrollToBottom, onScroll };
}
