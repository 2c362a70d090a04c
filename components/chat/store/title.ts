"use client";

// A conversation's title in the browser. Every title, whatever brought it, goes through one
// action, receiveTitle, tagged with where it came from: the stream (the first words of a new
// conversation, then the generated title), the server (read back after a first answer in case
// the generated one was not streamed), or a rename in the sidebar. A generated or given title is
// final; first words and saved reads never replace it.
import { useEffect } from "react";
import type { ChatUIMessage } from "@/lib/chat/types";
import { fetchConversationTitle } from "../api";
import { announceConversationsChanged, CONVERSATIONS_CHANGED_EVENT, type ConversationsChangedDetail } from "../events";
import { useStoreSelector, type Store } from "./create-store";

export type TitleSource = "first-words" | "saved" | "generated" | "renamed";

export type TitleState = {
  title: string;
  /** A generated title arrived, or the user gave one: nothing provisional replaces it. */
  titleFinal: boolean;
};

/** How long after a new conversation's first answer its generated title is read again. */
const TITLE_RETRY_MS = 4000;

export function createTitleActions(store: Store<TitleState & { id: string; isNew: boolean }>) {
  let refreshed = false;

  function receiveTitle(title: string, source: TitleSource): void {
    if (!title) return;
    const final = source === "generated" || source === "renamed";
    if (!final && store.get().titleFinal) return;
    store.set(final ? { title, titleFinal: true } : { title });
    // The sidebar learns a generated title from here; a rename came from there.
    if (source === "generated") announceConversationsChanged({ id: store.get().id, title });
  }

  function readSavedTitle(): void {
    if (store.get().titleFinal) return;
    void fetchConversationTitle(store.get().id).then((title) => {
      if (title) receiveTitle(title, "saved");
    });
  }

  /** A new conversation's title is generated after its first answer: read it if it was not streamed. */
  function answerFinished(message: ChatUIMessage, isError: boolean): void {
    const { isNew, titleFinal } = store.get();
    if (!isNew || titleFinal || refreshed || message.role !== "assistant" || isError) return;
    refreshed = true;
    readSavedTitle();
    window.setTimeout(readSavedTitle, TITLE_RETRY_MS);
  }

  /** A comparison created the conversation: its title is generated meanwhile. */
  function comparisonCreated(): void {
    if (!store.get().titleFinal) window.setTimeout(readSavedTitle, TITLE_RETRY_MS);
  }

  return { receiveTitle, answerFinished, comparisonCreated };
}

export type TitleActions = ReturnType<typeof createTitleActions>;

/** The conversation's title, following renames made elsewhere in the page (the sidebar). */
export function useConversationTitle(store: Store<TitleState & { id: string }>, receiveTitle: TitleActions["receiveTitle"]): string {
  const id = useStoreSelector(store, (state) => state.id);
  useEffect(() => {
    const onChanged = (event: Event) => {
      const detail = (event as CustomEvent<ConversationsChangedDetail>).detail;
      if (detail?.id === id && detail.title) receiveTitle(detail.title, "renamed");
    };
    window.addEventListener(CONVERSATIONS_CHANGED_EVENT, onChanged);
    return () => window.removeEventListener(CONVERSATIONS_CHANGED_EVENT, onChanged);
  }, [id, receiveTitle]);
  return useStoreSelector(store, (state) => state.title);
}
