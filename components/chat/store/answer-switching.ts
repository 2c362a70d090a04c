"use client";

// Switching the answer a turn shows (‹ ›, a comparison's Keep, a search result). The server
// continues a conversation from the answers it has as shown, so switches are saved one after
// another in click order (the last one clicked is the one that stays) and a request that builds
// on the conversation waits while a switch is being saved.
import { useEffect } from "react";
import { useSearchParams } from "next/navigation";
import { toast } from "@/components/ui/toaster";
import type { ChatUIMessage } from "@/lib/chat/types";
import { saveShownAnswer } from "../api";
import { describeChatError } from "../chat-error";
import { markKept, type Alternatives } from "./alternatives";
import type { Store } from "./create-store";

type SwitchingState = { id: string; model: string; messages: ChatUIMessage[]; alternatives: Alternatives };

export function createAnswerSwitching(store: Store<SwitchingState>, setMessages: (next: ChatUIMessage[]) => void) {
  let saving: Promise<void> | null = null;

  /** Runs `request` once the switches clicked so far are saved; `fail` hears why it failed. */
  function afterSwitchSaved(request: () => Promise<void>, fail: (reason: unknown) => void): void {
    const pending = saving;
    (pending ? pending.then(request) : request()).catch(fail);
  }

  /** Shows another answer of a turn; `keep` also continues with its model. Reverts if the server refuses. */
  function showAlternative(questionId: string, messageId: string, keep: boolean): void {
    const { id, messages: current, alternatives } = store.get();
    const list = alternatives[questionId] ?? [];
    const chosen = list.find((m) => m.id === messageId);
    const index = current.findIndex((m) => m.id === questionId) + 1;
    if (!chosen || index <= 0 || !current[index]) return;
    const before = current[index];
    const nextList = keep ? markKept(list, messageId) : list;
    const shown = nextList.find((m) => m.id === messageId) ?? chosen;
    setMessages(current.map((m, i) => (i === index ? shown : m)));
    // A new map also tells the list that an earlier row changed (it keys its memo on the map).
    const keptModel = keep ? chosen.metadata?.model : undefined;
    store.set((state) => ({ alternatives: { ...state.alternatives, [questionId]: nextList }, ...(keptModel ? { model: keptModel } : {}) }));
    const save: Promise<void> = (saving ?? Promise.resolve())
      .then(() => saveShownAnswer(id, messageId, keep))
      .then(
        () => undefined,
        (reason: unknown) => {
          setMessages(store.get().messages.map((m) => (m.id === shown.id ? before : m)));
          store.set((state) => ({ alternatives: { ...state.alternatives, [questionId]: list } }));
          toast({
            title: "Could not switch the answer",
            description: describeChatError(reason instanceof Error ? reason : new Error(String(reason))).message,
            variant: "destructive",
          });
        },
      )
      .finally(() => {
        if (saving === save) saving = null;
      });
    saving = save;
  }

  return { afterSwitchSaved, showAlternative };
}

/**
 * A search result can be an answer that is not the shown one of its turn: opening it (`?m=`)
 * shows it, as its switcher would, so the page can scroll to it.
 */
export function useShowSearchedAnswer(
  store: Store<SwitchingState>,
  showAlternative: (questionId: string, messageId: string, keep: boolean) => void,
): void {
  const target = useSearchParams().get("m");
  useEffect(() => {
    const { messages, alternatives } = store.get();
    if (!target || messages.some((m) => m.id === target)) return;
    const turn = Object.entries(alternatives).find(([, list]) => list.some((m) => m.id === target));
    if (turn) showAlternative(turn[0], target, false);
  }, [store, target, showAlternative]);
}
